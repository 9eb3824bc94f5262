"""Target levels suggested from an organisation's ambition: pure, no ORM.

Not every component needs Automated. The suggestion follows the roadmap stages
(1 foundations … 5 continuous training) and how central ML is to the organisation; a
foundation component is never suggested below Repeatable.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assessment.domain.scoring import AssessmentResult, combine_levels
from assessment.levels import MAX_LEVEL

REPEATABLE = 2
EXPERIMENTING = "experimenting"
IN_PRODUCTION = "in_production"
CORE = "core"
AMBITIONS = {
    EXPERIMENTING: _("Experimenting: proofs of concept, nothing relied on in production yet"),
    IN_PRODUCTION: _("A few models in production that people rely on"),
    CORE: _("Machine learning is core to the business: many models, and they must not fail"),
}
# The level each ambition asks of a component, by its roadmap stage (1–5).
BY_STAGE = {
    EXPERIMENTING: {1: 2, 2: 2, 3: 1, 4: 1, 5: 1},
    IN_PRODUCTION: {1: 3, 2: 3, 3: 3, 4: 3, 5: 2},
    CORE: {1: 4, 2: 4, 3: 4, 4: 4, 5: 3},
}


@dataclass(frozen=True)
class TargetSubject:
    slug: str
    foundation: bool
    roadmap_stage: int


def suggest_targets(ambition: str, components: list[TargetSubject]) -> dict[str, int]:
    if ambition not in BY_STAGE:
        raise ValueError(f"Unknown ambition {ambition!r}; expected one of {', '.join(BY_STAGE)}")
    levels = BY_STAGE[ambition]
    return {
        component.slug: min(
            MAX_LEVEL,
            max(levels[component.roadmap_stage], REPEATABLE if component.foundation else 0),
        )
        for component in components
    }


@dataclass(frozen=True)
class Projection:
    """The levels the sections and the whole would reach with every component at its
    target (or where it is, when that is higher or it has no target)."""

    sections: dict[str, int | None]
    overall: int | None


def project_targets(result: AssessmentResult, targets: Mapping[str, int]) -> Projection:
    """Each component counts at max(current level, target); the tiers then combine those
    levels by the assessment's own rule, and the foundation gate applies as in scoring.
    Components with nothing scored have no starting point and are left out."""
    rule = result.scoring_rule
    sections: dict[str, int | None] = {}
    gated = False
    for section in result.sections:
        levels = []
        for component in section.components:
            if component.level is None:
                continue
            level = max(component.level, targets.get(component.slug, component.level))
            levels.append(level)
            gated = gated or (component.foundation and level < REPEATABLE)
        sections[section.slug] = combine_levels(levels, rule)
    overall = combine_levels((level for level in sections.values() if level is not None), rule)
    if gated and overall is not None:
        overall = min(overall, REPEATABLE)
    return Projection(sections=sections, overall=overall)
