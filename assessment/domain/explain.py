"""Why each level is what it is, in one line a board member understands.

From a component's, a section's or the overall result, and the titles of the parts it names:

- rule v2, nothing holding it back: "Reproducible — score 2.9, the nearest whole level";
- rule v2, held back: "Repeatable — score 2.6 would round to Reproducible, held back by
  Experiment tracking (Manual)";
- the foundation gate: "… at most Repeatable while these foundations are below
  Repeatable: AI strategy, Data versioning";
- rule v1, which rounds down: "Repeatable — score 2.9, rounded down by rule v1".

Pure: the results, a mapping of slugs to titles and the rule in, a string out. Children
that held a level back are all at the weakest level, which is the level minus one (that is
what holding back means), so the line needs no more than the result itself.
docs/scoring.md ("Every level explains itself") has the wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from assessment.domain.outcome import ComponentResult, OverallResult, SectionResult
from assessment.domain.spec import REPEATABLE, RULE_V1
from assessment.levels import level_label

__all__ = ["explain_component", "explain_overall", "explain_section", "format_score"]


def format_score(score: float) -> str:
    """One decimal, halves up, as scores are shown everywhere (2.25 -> 2.3)."""
    return str(Decimal(repr(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _names(slugs: tuple[str, ...], titles: Mapping[str, str]) -> list[str]:
    return [titles.get(slug, slug) for slug in slugs]


def _held_back(slugs: tuple[str, ...], weakest: int, titles: Mapping[str, str]) -> str:
    """The parts that held a level back, each with its (the weakest) level."""
    return ", ".join(
        _("%(name)s (%(label)s)") % {"name": name, "label": level_label(weakest)}
        for name in _names(slugs, titles)
    )


def _line(
    *,
    score: float | None,
    level: int | None,
    uncapped_level: int | None,
    capped_by: tuple[str, ...],
    rule: str,
    titles: Mapping[str, str],
) -> str:
    if score is None or level is None:
        return _("No level: nothing here was scored (all Not applicable or unanswered).")
    values = {"label": level_label(level), "score": format_score(score)}
    if capped_by:
        values["parts"] = _held_back(capped_by, level - 1, titles)
        if rule == RULE_V1:
            return _("%(label)s — score %(score)s, held back by %(parts)s") % values
        values["uncapped"] = level_label(uncapped_level if uncapped_level is not None else level)
        return (
            _("%(label)s — score %(score)s would round to %(uncapped)s, held back by %(parts)s")
            % values
        )
    if rule == RULE_V1:
        if Decimal(repr(score)) > level:
            return _("%(label)s — score %(score)s, rounded down by rule v1") % values
        return _("%(label)s — score %(score)s") % values
    return _("%(label)s — score %(score)s, the nearest whole level") % values


def explain_component(component: ComponentResult, *, rule: str, titles: Mapping[str, str]) -> str:
    """``titles``: question slug -> question text (the children a component names)."""
    return _line(
        score=component.score,
        level=component.level,
        uncapped_level=component.uncapped_level,
        capped_by=component.capped_by,
        rule=rule,
        titles=titles,
    )


def explain_section(section: SectionResult, *, rule: str, titles: Mapping[str, str]) -> str:
    """``titles``: component slug -> component title."""
    if not section.applies:
        return _("Left out: you said this section does not apply.")
    return _line(
        score=section.score,
        level=section.level,
        uncapped_level=section.uncapped_level,
        capped_by=section.capped_by,
        rule=rule,
        titles=titles,
    )


def explain_overall(overall: OverallResult, *, rule: str, titles: Mapping[str, str]) -> str:
    """``titles``: section and component slugs -> titles (sections may hold the overall
    back; foundation components may gate it)."""
    if not overall.gated:
        return _line(
            score=overall.score,
            level=overall.level,
            uncapped_level=overall.uncapped_level,
            capped_by=overall.capped_by,
            rule=rule,
            titles=titles,
        )
    # Gated: the level the reader sees is the gate's; say what the score gave, then why.
    values = {
        "label": level_label(overall.level),
        "score": format_score(overall.score),
        "ungated": level_label(overall.ungated_level),
        "gate": _("at most %(cap)s while these foundations are below %(cap)s: %(names)s")
        % {
            "cap": level_label(REPEATABLE),
            "names": ", ".join(_names(overall.gate_components, titles)),
        },
    }
    if overall.capped_by:
        values["uncapped"] = level_label(overall.uncapped_level)
        values["parts"] = _held_back(overall.capped_by, overall.ungated_level - 1, titles)
        if rule == RULE_V1:
            return (
                _("%(label)s — score %(score)s, held back to %(ungated)s by %(parts)s; %(gate)s")
                % values
            )
        return (
            _(
                "%(label)s — score %(score)s would round to %(uncapped)s, held back to "
                "%(ungated)s by %(parts)s; %(gate)s"
            )
            % values
        )
    if rule == RULE_V1:
        return _("%(label)s — score %(score)s gives %(ungated)s by rule v1; %(gate)s") % values
    return _("%(label)s — score %(score)s would round to %(ungated)s; %(gate)s") % values
