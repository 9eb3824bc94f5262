"""The action plan: actions created from the plan, edited by members (every change
recorded), commented on by consultants, and their owners reminded before they are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import tasks
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    Action,
    ActionChange,
    ActionComment,
    Assessment,
    Membership,
    Organisation,
)


@dataclass(frozen=True)
class ActionFields:
    """What a member enters for an action."""

    title: str
    components: tuple[str, ...]
    from_level: int | None
    to_level: int | None
    owner_id: int | None
    due_date: date | None
    status: str
    note: str


class ActionConflict(Exception):
    """Someone else changed the action after the editor loaded it."""

    def __init__(self, current: Action):
        self.current = current
        super().__init__(f"Action {current.pk} is at revision {current.revision}")


@transaction.atomic
def create_action(
    *,
    organisation: Organisation,
    user,
    fields: ActionFields,
    planned_in: Assessment | None = None,
) -> Action:
    _check(organisation, fields)
    if planned_in is not None and planned_in.organisation_id != organisation.pk:
        raise ValidationError(_("The plan belongs to another organisation."))
    action = Action(organisation=organisation, planned_in=planned_in, created_by=user)
    _apply(action, fields)
    action.save()
    ActionChange.objects.create(action=action, changed_by=user, created=True)
    _schedule_reminder(action, user)
    return action


@transaction.atomic
def update_action(*, action: Action, user, fields: ActionFields, seen_revision: int) -> Action:
    """Save the member's edit; refused with the current action when someone else saved
    in between, so nothing is overwritten unseen."""
    # "of": PostgreSQL cannot lock the nullable side of the join to the owner.
    locked = (
        Action.objects.select_for_update(of=("self",)).select_related("owner").get(pk=action.pk)
    )
    if locked.revision != seen_revision:
        raise ActionConflict(locked)
    _check(locked.organisation, fields)
    before = _shown(locked)
    _apply(locked, fields)
    changes = _changes(before, _shown(locked))
    if not changes:
        return locked
    locked.revision = F("revision") + 1
    locked.save()
    locked.refresh_from_db()
    ActionChange.objects.create(action=locked, changed_by=user, changes=changes)
    if "due_date" in changes or "owner" in changes or "status" in changes:
        _schedule_reminder(locked, user)
    return locked


def set_action_status(*, action: Action, user, status: str, seen_revision: int) -> Action:
    """Only the status, as asked per open action when a new assessment starts."""
    return update_action(
        action=action,
        user=user,
        fields=ActionFields(
            title=action.title,
            components=tuple(action.components),
            from_level=action.from_level,
            to_level=action.to_level,
            owner_id=action.owner_id,
            due_date=action.due_date,
            status=status,
            note=action.note,
        ),
        seen_revision=seen_revision,
    )


@transaction.atomic
def comment_on_action(*, action: Action, author, text: str) -> ActionComment:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a comment first."))
    return ActionComment.objects.create(action=action, author=author, text=text)


def set_action_reminders(*, membership: Membership, enabled: bool) -> None:
    Membership.objects.filter(pk=membership.pk).update(action_reminders=enabled)


def _schedule_reminder(action: Action, user) -> None:
    """Queue the reminder for a week before the due date. A date less than a week away
    is reminded at once, unless the owner set it themselves."""
    if not action.is_open or action.due_date is None or action.owner_id is None:
        return
    when = tasks.reminder_due_at(action.due_date)
    due = action.due_date.isoformat()
    if when <= timezone.now():
        if action.owner_id != getattr(user, "pk", None):
            transaction.on_commit(lambda: tasks.remind_action_owner.enqueue(action.pk, due))
        return
    task = tasks.remind_action_owner
    if not task.get_backend().supports_defer:
        return  # the immediate backend (tests, one-off scripts) cannot wait
    transaction.on_commit(lambda: task.using(run_after=when).enqueue(action.pk, due))


def _check(organisation: Organisation, fields: ActionFields) -> None:
    errors = {}
    if not fields.title.strip():
        errors["title"] = _("Give the action a title.")
    if fields.status not in Action.Status.values:
        errors["status"] = _("Choose one of the statuses offered.")
    levels = (fields.from_level, fields.to_level)
    if any(level is not None and level not in LEVEL_LABELS for level in levels):
        errors["to_level"] = _("A level is from 0 to 4.")
    elif None not in levels and fields.to_level < fields.from_level:
        errors["to_level"] = _("The level to reach cannot be below the level it starts from.")
    if (
        fields.owner_id is not None
        and not Membership.objects.filter(
            organisation=organisation, user_id=fields.owner_id
        ).exists()
    ):
        errors["owner"] = _("The owner must be a member of your organisation.")
    if errors:
        raise ValidationError(errors)


def _apply(action: Action, fields: ActionFields) -> None:
    action.title = fields.title.strip()
    action.components = list(fields.components)
    action.from_level, action.to_level = fields.from_level, fields.to_level
    action.owner_id = fields.owner_id
    action.due_date = fields.due_date
    if fields.status == Action.Status.DONE and action.status != Action.Status.DONE:
        action.done_at = timezone.now()
    elif fields.status != Action.Status.DONE:
        action.done_at = None
    action.status = fields.status
    action.note = fields.note.strip()


def _shown(action: Action) -> dict[str, str]:
    """Each field as people read it, for the history."""
    owner = ""
    if action.owner_id is not None:
        user = get_user_model().objects.filter(pk=action.owner_id).first()
        owner = (user.get_full_name() or user.email) if user else ""
    return {
        "title": action.title,
        "components": ", ".join(action.components),
        "from_level": LEVEL_LABELS.get(action.from_level, ""),
        "to_level": LEVEL_LABELS.get(action.to_level, ""),
        "owner": owner,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": str(Action.Status(action.status).label),
        "note": action.note,
    }


def _changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}
