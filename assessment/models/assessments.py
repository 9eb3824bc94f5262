"""Assessments and their answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessment.levels import LEVEL_CHOICES
from assessment.models.bank import Choice, Question, QuestionBank
from assessment.models.organisations import Organisation

COMMENT_MAX_LENGTH = 4000


class Assessment(models.Model):
    class Mode(models.TextChoices):
        SINGLE = "single", "Single"
        TEAM = "team", "Team"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REVIEWED = "reviewed", "Reviewed"

    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answered_count = models.PositiveIntegerField(default=0, editable=False)
    overall_level = models.PositiveSmallIntegerField(
        choices=LEVEL_CHOICES, null=True, blank=True, editable=False
    )
    overall_score = models.FloatField(null=True, blank=True, editable=False)
    change_request_message = models.TextField(blank=True)
    review_summary = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Targets: the ambition they were suggested from, and the owner's confirmation (any
    # later change to a target clears it).
    ambition = models.CharField(max_length=20, blank=True)
    # Whether each optional section applies, as the respondents answered it: {slug: bool}.
    # A section answered False is left out of scoring and of the report.
    section_applies = models.JSONField(default=dict, blank=True)
    targets_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    targets_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The consultant reviewing it (services.assign_assessment; "Start review" assigns too).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_assessments",
    )
    # A team assessment: each participant answers on their own, then the owner agrees the
    # answers of record (``Answer``) from the spread, once calibration is open.
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.SINGLE)
    show_participant_names = models.BooleanField(default=False)
    participants_see_calibration = models.BooleanField(default=False)
    calibration_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("assign_assessment", "Can assign assessments to any consultant")]
        indexes = [
            models.Index(fields=["organisation", "-updated_at"]),
            models.Index(fields=["status", "-submitted_at"]),
            models.Index(fields=["-submitted_at"]),
            models.Index(fields=["overall_level"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_level__isnull=True)
                | (Q(overall_level__gte=0) & Q(overall_level__lte=4)),
                name="assessment_overall_level_0_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_team(self) -> bool:
        return self.mode == self.Mode.TEAM


class Answer(models.Model):
    class Status(models.TextChoices):
        ANSWERED = "answered", "Answered"
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        DONT_KNOW = "dont_know", "Don't know"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # The database also refuses a choice of another question: see migration 0002.
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.ANSWERED)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(
        default=1, help_text="Raised on every change; used to detect concurrent edits."
    )
    # Copied from the previous assessment and not yet confirmed or changed by anyone.
    carried_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["assessment", "question__component__section__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=(Q(status="answered") & Q(choice__isnull=False))
                | (Q(status__in=["not_applicable", "dont_know"]) & Q(choice__isnull=True)),
                name="answer_choice_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_id}: {self.get_status_display()}"
