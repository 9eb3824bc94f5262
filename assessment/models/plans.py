"""Targets: the level an organisation aims at for each component, per assessment."""

from django.conf import settings
from django.db import models

from assessment.levels import LEVEL_CHOICES
from assessment.models.assessments import Assessment
from assessment.models.bank import level_range_check


class ComponentTarget(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="targets")
    component_slug = models.SlugField(max_length=80)
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "component_slug"], name="one_target_per_component"
            ),
            level_range_check("level", "target_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.component_slug}: {self.level}"
