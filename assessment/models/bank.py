"""The question bank: versions, sections, components with their guidance, questions, choices."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from assessment.levels import LEVEL_CHOICES

LEVEL_VALIDATORS = [MinValueValidator(0), MaxValueValidator(4)]


def level_range_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 4}), name=name
    )


class QuestionBank(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    version = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    question_count = models.PositiveIntegerField(default=0, editable=False)
    source_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the loaded file's content."
    )
    # A bank is pinned to the rule it is scored by, so no old result ever changes.
    scoring_rule = models.CharField(
        max_length=4, choices=[("v1", "Rule v1"), ("v2", "Rule v2")], default="v1"
    )
    # Which earlier version's answers an assessment on this bank may start from, and the
    # question of that version each question takes its answer from (same levels, same
    # meaning): {"version": "1.0", "questions": {"new-slug": "old-slug"}}.
    prefill_from = models.JSONField(default=dict, blank=True)
    # [{"slug", "title", "components": [slug, ...]}]: components that move together in a
    # plan; a component in none is a workstream of its own section.
    workstreams = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="only_one_published_bank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    class Layout(models.TextChoices):
        QUESTIONS = "questions", "Questions"
        GRID = "grid", "Grid"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    layout = models.CharField(max_length=10, choices=Layout, default=Layout.QUESTIONS)
    # An optional section (e.g. generative AI) asks once whether it applies; when it does
    # not, it is left out of scoring and of the report.
    optional = models.BooleanField(default=False)
    applies_question = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bank", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "slug"], name="unique_section_slug_in_bank")
        ]

    def __str__(self) -> str:
        return self.title


class Component(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="components")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    foundation = models.BooleanField(
        default=False,
        help_text="While a foundation component is below Repeatable, the overall level is "
        "capped at Repeatable.",
    )
    roadmap_stage = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Dependency order in the roadmap: 1 foundations, 2 pipelines and tracking, "
        "3 CI/CD and registry, 4 monitoring, 5 continuous training.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "slug"], name="unique_component_slug_in_section"
            ),
            models.CheckConstraint(
                condition=Q(roadmap_stage__gte=1) & Q(roadmap_stage__lte=5),
                name="component_roadmap_stage_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ComponentGuidance(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="guidance")
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, validators=LEVEL_VALIDATORS)
    looks_like = models.TextField(help_text="What this level looks like for the component.")
    next_step = models.TextField(help_text="The recommended step to reach the level above.")

    class Meta:
        ordering = ["component", "level"]
        verbose_name_plural = "component guidance"
        constraints = [
            models.UniqueConstraint(
                fields=["component", "level"], name="unique_guidance_level_per_component"
            ),
            level_range_check("level", "guidance_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.get_level_display()}"


class Question(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=100)
    text = models.TextField()
    help_text = models.TextField(blank=True)
    allows_not_applicable = models.BooleanField(default=False)
    # The next step from each level below Automated, so the plan names the weak practice:
    # {"0": "...", "1": "...", "2": "...", "3": "..."}.
    next_steps = models.JSONField(default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["component__section__order", "component__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "slug"], name="unique_question_slug_in_component"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, validators=LEVEL_VALIDATORS)
    statement = models.TextField()

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="unique_choice_level"),
            level_range_check("level", "choice_level_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.statement}"
