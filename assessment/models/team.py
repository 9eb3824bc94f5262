"""Team assessments: the people who answer on their own, their answers, and the reasons the
team gave for each agreed answer of record (the answers of record are the assessment's own
``Answer`` rows, so scoring, results and reports read them unchanged)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessment.models.assessments import COMMENT_MAX_LENGTH, Answer, Assessment
from assessment.models.bank import Choice, Question
from assessment.models.organisations import Invitation

AGREED_NOTE_MAX_LENGTH = 2000


class Participant(models.Model):
    """Someone asked to answer a team assessment on their own: a member, or someone invited
    to the organisation who becomes one on joining (``user`` is set then). A participant who
    leaves the organisation (or whose account is deleted) keeps their answers in the spread
    as a former participant."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name shown when the owner shows names, kept so that a former participant's
    # answers stay attributable to the team without their account.
    name = models.CharField(max_length=300)
    added_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(user__isnull=False),
                name="one_participation_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.assessment_id}"


class ParticipantAnswer(models.Model):
    """One participant's own answer to one question of a team assessment."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Answer.Status, default=Answer.Status.ANSWERED)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["participant", "question__component__section__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question"], name="one_participant_answer_per_question"
            ),
            models.CheckConstraint(
                condition=(Q(status="answered") & Q(choice__isnull=False))
                | (Q(status__in=["not_applicable", "dont_know"]) & Q(choice__isnull=True)),
                name="participant_answer_choice_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.question_id}: {self.get_status_display()}"

    # A participant's answers are only ever their own: these let a conflict between two of
    # their tabs read like one on the shared answers.
    @property
    def answered_by(self):
        return self.participant.user

    @property
    def answered_by_id(self) -> int | None:
        return self.participant.user_id

    @property
    def carried_over(self) -> bool:
        return False


class AgreedAnswer(models.Model):
    """Why the team agreed the answer of record of one question, and who decided it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="agreed_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=AGREED_NOTE_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_agreed_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_id}: agreed"
