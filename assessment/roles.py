"""The Consultants group and exactly the permissions it grants.

Migration 0003 creates the group on every new database; this function recreates or
repairs it wherever an account is made a consultant, so a deleted or edited group never
leaves a consultant without access, or with too much.
"""

from django.contrib.auth.models import Group, Permission

CONSULTANTS_GROUP = "Consultants"
CONSULTANT_PERMISSIONS = (
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
    "view_componenttarget",
    "view_action",
    "view_actionchange",
    "view_actioncomment",
    "add_actioncomment",
)


def consultants_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CONSULTANTS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", codename__in=CONSULTANT_PERMISSIONS
        )
    )
    return group
