"""The Consultants group: staff who review submissions in the admin, nothing more."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONSULTANT_PERMISSIONS = [
    "view_organisation",
    "view_membership",
    "view_assessment",
    "change_assessment",
    "view_answer",
    "view_reviewevent",
    "view_consultantnote",
    "add_consultantnote",
    "change_consultantnote",
    "view_questionbank",
    "view_section",
    "view_component",
    "view_componentguidance",
    "view_question",
    "view_choice",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the
    # group can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Consultants")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", codename__in=CONSULTANT_PERMISSIONS
        )
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Consultants").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_answer_choice_belongs_to_question"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
