"""Consultants see targets and action plans, and may comment on an action."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_PERMISSIONS = [
    "view_componenttarget",
    "view_action",
    "view_actionchange",
    "view_actioncomment",
    "add_actioncomment",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Consultants")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="assessment", codename__in=NEW_PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Consultants"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="assessment", codename__in=NEW_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_action_plan")]

    operations = [migrations.RunPython(grant, revoke)]
