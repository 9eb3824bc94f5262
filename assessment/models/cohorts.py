"""Cohorts: a programme's group of organisations, run through the assessment together by
its consultants within one window; and what the notifications need to remember (who
switched which kind off, which reminder went to whom)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessment.levels import LEVEL_CHOICES
from assessment.models.assessments import Assessment
from assessment.models.bank import Component
from assessment.models.organisations import Invitation, Organisation


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(
        _("opens on"),
        help_text=_("Assessments started on or after this day count for the cohort."),
    )
    due_on = models.DateField(
        _("due on"), help_text=_("Organisations are reminded 7 days and 1 day before it.")
    )
    consultants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="cohorts",
        blank=True,
        verbose_name=_("consultants"),
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="CohortOrganisation",
        related_name="cohorts",
        verbose_name=_("organisations"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="cohort_due_after_it_opens",
                violation_error_message=_("The due date cannot be before the day it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortOrganisation(models.Model):
    """An organisation's place in a cohort; ``invitation`` is the one that brought its owner."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="cohort_links"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="organisation_once_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.cohort}"


class ComponentLevel(models.Model):
    """A component's level in an assessment as it was submitted, stored by the submit
    service, so that a cohort's levels are counted in one query instead of scoring every
    assessment again (None: nothing scored there)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="component_levels"
    )
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component"], name="one_level_per_component"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.component_id}: {self.level}"


class NotificationKind(models.TextChoices):
    SUBMISSION_ARRIVED = "submission-arrived", _("A submission arrived (consultants)")
    CHANGES_REQUESTED = "changes-requested", _("A consultant requested changes")
    REVIEWED = "reviewed", _("An assessment was reviewed")
    NOTE_SHARED = "note-shared", _("A consultant shared a note")
    COHORT_DUE = "cohort-due", _("Reminders before a cohort's due date")
    REASSESSMENT = "reassessment", _("A reminder to assess again")


class NotificationOptOut(models.Model):
    """A kind of email a user switched off (by its unsubscribe link or the settings page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} switched off {self.kind}"


class SentReminder(models.Model):
    """A reminder sent to an organisation, once: ``reference`` names what it was about (a
    cohort and its due date and how many days before it, or the reviewed assessment), so a
    second run of send_reminders finds it and sends nothing."""

    kind = models.CharField(max_length=30, choices=NotificationKind)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    reference = models.CharField(max_length=100)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation", "reference"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.organisation_id} ({self.reference})"
