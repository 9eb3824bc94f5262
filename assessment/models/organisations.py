"""Organisations, their members and the invitations to join them."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Europe/London"


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this system's zoneinfo knows, e.g. "Europe/Paris"."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("“%(value)s” is not a time zone; use a name such as Europe/London."),
            params={"value": value},
            code="invalid_time_zone",
        ) from error


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
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Times in the admin are shown in this zone, e.g. Europe/London."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["sector"]), models.Index(fields=["size"])]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The organisation's time zone (the default one should a stored name be unknown)."""
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(DEFAULT_TIME_ZONE)


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
    action_reminders = models.BooleanField(
        default=True, help_text="Email a reminder a week before an action this member owns is due."
    )

    class Meta:
        ordering = ["organisation", "joined_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    # A cohort's invitation brings the organisation's owner; a team's, a member.
    role = models.CharField(max_length=10, choices=Membership.Role, default=Membership.Role.MEMBER)
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
