"""The action plan: what an organisation does to close the gap to its targets. It belongs
to the organisation and spans assessments; every change is recorded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.levels import LEVEL_CHOICES
from assessment.models.assessments import Assessment
from assessment.models.bank import level_range_check
from assessment.models.organisations import Organisation

ACTION_NOTE_MAX_LENGTH = 2000


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    # Component slugs: they outlive a bank version, so an action spans assessments.
    components = models.JSONField(default=list)
    from_level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.NOT_STARTED)
    note = models.TextField(blank=True, max_length=ACTION_NOTE_MAX_LENGTH)
    planned_in = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_actions",
        help_text="The assessment whose plan this action came from.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=1, help_text="Raised on every change; used to detect concurrent edits."
    )
    # The due date a reminder went out for, so a reminder is sent once per due date.
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at", "pk"]
        constraints = [
            level_range_check("from_level", "action_from_level_0_to_4"),
            level_range_check("to_level", "action_to_level_0_to_4"),
            models.CheckConstraint(
                condition=Q(status="done") | Q(done_at__isnull=True),
                name="action_done_at_only_when_done",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ActionChange(models.Model):
    """One change to an action: who, when, and each field's value before and after."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    # {"field": [before, after]}, values as shown to people; {} for the creation.
    changes = models.JSONField(default=dict)
    created = models.BooleanField(default=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action_id} changed at {self.changed_at:%Y-%m-%d %H:%M}"


class ActionComment(models.Model):
    """A consultant's comment on an action, shown to the organisation beside it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=ACTION_NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
