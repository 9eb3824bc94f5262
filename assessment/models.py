from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

LEVEL_CHOICES = [
    (0, "Not in place"),
    (1, "Manual"),
    (2, "Repeatable"),
    (3, "Reproducible"),
    (4, "Automated"),
]
LEVEL_VALIDATORS = [MinValueValidator(0), MaxValueValidator(4)]
COMMENT_MAX_LENGTH = 4000


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


class Organisation(models.Model):
    class Sector(models.TextChoices):
        AGRICULTURE = "agriculture", "Agriculture and food"
        CONSTRUCTION = "construction", "Construction and built environment"
        CREATIVE = "creative", "Creative industries"
        ENERGY = "energy", "Energy and utilities"
        FINANCE = "finance", "Financial services"
        HEALTH = "health", "Health and life sciences"
        MANUFACTURING = "manufacturing", "Manufacturing"
        PUBLIC = "public", "Public sector and charities"
        RETAIL = "retail", "Retail and consumer"
        TECHNOLOGY = "technology", "Software and technology"
        TRANSPORT = "transport", "Transport and logistics"
        OTHER = "other", "Other"

    class Size(models.TextChoices):
        MICRO = "micro", "1–9 people"
        SMALL = "small", "10–49 people"
        MEDIUM = "medium", "50–249 people"
        LARGE = "large", "250 people or more"

    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector)
    size = models.CharField(max_length=10, choices=Size)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["sector"]), models.Index(fields=["size"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user belongs to at most one organisation; consultants belong to none."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "joined_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"


class Assessment(models.Model):
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
    result_snapshot = models.JSONField(
        null=True, blank=True, editable=False, help_text="The scored result taken at submit."
    )
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

    class Meta:
        ordering = ["-updated_at"]
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


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
