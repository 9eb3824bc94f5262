"""The consultant review: the history of status changes, and notes."""

from django.conf import settings
from django.db import models

from assessment.models.assessments import COMMENT_MAX_LENGTH, Answer, Assessment


class ReviewEvent(models.Model):
    """One step of an assessment's review history: who moved it, from where, to where."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="review_events"
    )
    from_status = models.CharField(max_length=20, choices=Assessment.Status)
    to_status = models.CharField(max_length=20, choices=Assessment.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(blank=True)
    # Who the assessment is assigned to from this step on. An assignment alone is an event
    # whose from_status and to_status are the same (is_assignment).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # On a "changes requested" step: answer id → its revision then, so that the answers
    # changed before the resubmission can be told apart exactly.
    answer_revisions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "created_at", "id"]

    def __str__(self) -> str:
        if self.is_assignment:
            return f"Assignment ({self.get_to_status_display()})"
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def is_assignment(self) -> bool:
        return self.from_status == self.to_status


class ConsultantNote(models.Model):
    """A consultant's note on an assessment, or on one of its answers."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="consultant_notes"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="consultant_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    shared = models.BooleanField(
        default=False, help_text="Shared notes are shown to the organisation and in the PDF."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
