"""Rendered reports, kept as files."""

from django.db import models

from assessment.models.assessments import Assessment


class StoredReport(models.Model):
    """A PDF report rendered from one state of an assessment, kept as a file in Django's
    storage so that any web process can serve it.

    `content_key` is a digest of the report's HTML (and stylesheet): whatever the report
    shows changes the key, so a stored file is never served for data it does not show.
    """

    class State(models.TextChoices):
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="stored_reports"
    )
    content_key = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State, default=State.RENDERING)
    file = models.FileField(upload_to="reports/", blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "content_key"], name="one_stored_report_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"Report of assessment {self.assessment_id} ({self.state})"
