"""The Consultants group and exactly the permissions it grants.

Migration 0003 creates the group on every new database; this function recreates or
repairs it wherever an account is made a consultant, so a deleted or edited group never
leaves a consultant without access, or with too much.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

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
    # Cohorts: a consultant sees the cohorts they belong to (admin/cohorts.py scopes them).
    "view_cohort",
    "view_cohortorganisation",
)


def consultants_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CONSULTANTS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", codename__in=CONSULTANT_PERMISSIONS
        )
    )
    return group


# Lead consultants (migration 0011) may also assign an assessment to any consultant, and
# (migration 0014) create cohorts and see every one; a lead is a consultant too (in both
# groups). Superusers may do everything a lead may.
LEAD_CONSULTANTS_GROUP = "Lead consultants"
ASSIGN_PERMISSION = "assessment.assign_assessment"
LEAD_PERMISSIONS = (
    "assign_assessment",
    "add_cohort",
    "change_cohort",
    "add_cohortorganisation",
    "change_cohortorganisation",
    "delete_cohortorganisation",
)


def lead_consultants_group() -> Group:
    group, _ = Group.objects.get_or_create(name=LEAD_CONSULTANTS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessment", codename__in=LEAD_PERMISSIONS
        )
    )
    return group


def is_lead(user) -> bool:
    return user.is_active and user.has_perm(ASSIGN_PERMISSION)


def reviewers():
    """The accounts an assessment may be assigned to: active staff who may review."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=CONSULTANTS_GROUP))
        .distinct()
        .order_by("first_name", "last_name", "email")
    )
