"""Targets: setting the level aimed at per component, the owner's confirmation, and
carrying targets into the next assessment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.domain.targets import AMBITIONS
from assessment.levels import LEVELS
from assessment.models import Assessment, ComponentTarget, Membership
from assessment.structure import bank_structure


@transaction.atomic
def set_targets(*, assessment: Assessment, levels: dict[str, int], ambition: str, user) -> int:
    """Store the targets (component slug → level) and the ambition; returns how many
    targets changed. A change clears the owner's confirmation."""
    if ambition and ambition not in AMBITIONS:
        raise ValidationError(_("Choose one of the ambitions offered."))
    known = {component.slug for component in bank_structure(assessment.bank).components}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ValidationError(_("Not components of this assessment: %s") % ", ".join(unknown))
    if any(level not in LEVELS for level in levels.values()):
        raise ValidationError(_("A target is a level from 0 to 4."))
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    current = {t.component_slug: t for t in ComponentTarget.objects.filter(assessment=locked)}
    changed = [
        slug for slug, level in levels.items() if getattr(current.get(slug), "level", None) != level
    ]
    for slug in changed:
        ComponentTarget.objects.update_or_create(
            assessment=locked,
            component_slug=slug,
            defaults={"level": levels[slug], "set_by": user},
        )
    fields = []
    if ambition != locked.ambition:
        locked.ambition = ambition
        fields.append("ambition")
    if changed and locked.targets_confirmed_at is not None:
        locked.targets_confirmed_by, locked.targets_confirmed_at = None, None
        fields += ["targets_confirmed_by", "targets_confirmed_at"]
    if fields:
        locked.save(update_fields=fields)
    return len(changed)


@transaction.atomic
def confirm_targets(*, assessment: Assessment, user) -> None:
    """The owner agrees the targets the members set."""
    if getattr(getattr(user, "membership", None), "role", None) != Membership.Role.OWNER:
        raise ValidationError(_("Only the organisation's owner can confirm the targets."))
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not ComponentTarget.objects.filter(assessment=locked).exists():
        raise ValidationError(_("Set the targets before confirming them."))
    locked.targets_confirmed_by, locked.targets_confirmed_at = user, timezone.now()
    locked.save(update_fields=["targets_confirmed_by", "targets_confirmed_at"])


def carry_targets(*, earlier: Assessment, into: Assessment) -> int:
    """Copy the targets of an earlier assessment to the components the new one still has."""
    known = {component.slug for component in bank_structure(into.bank).components}
    targets = [
        ComponentTarget(
            assessment=into, component_slug=t.component_slug, level=t.level, set_by=t.set_by
        )
        for t in ComponentTarget.objects.filter(assessment=earlier)
        if t.component_slug in known
    ]
    ComponentTarget.objects.bulk_create(targets)
    if earlier.ambition:
        Assessment.objects.filter(pk=into.pk).update(ambition=earlier.ambition)
    return len(targets)
