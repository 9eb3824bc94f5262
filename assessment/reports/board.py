"""The board report's own content: what a board member reads in ten minutes, drawn from the
report context (results, plan, comparison, review) and the organisation's action plan."""

from __future__ import annotations

from dataclasses import dataclass

from assessment import selectors
from assessment.charts.heat_table import heat_columns, section_groups
from assessment.domain.roadmap import Workstream
from assessment.domain.scoring import DONT_KNOW, NOT_APPLICABLE
from assessment.models import Action

STRENGTHS = 3
PRIORITIES = 3


@dataclass(frozen=True)
class Priority:
    """A workstream of the next 90 days, as the board reads it."""

    workstream: Workstream
    why: str  # in business terms, from the bank
    owner_role: str  # who should own it, from the bank
    owner: str  # the named owner, from the action plan ("" when none yet)
    due: object  # the action's due date, or None
    horizon: str


@dataclass(frozen=True)
class Changes:
    rose: int
    fell: int
    largest_fall: object  # a ComponentRow, or None


@dataclass(frozen=True)
class SectionChanges:
    """One section's components whose level changed since last time, for the annex."""

    part: dict  # the report's part: the section's result, number, score change
    falls: list  # ComponentRows, the largest fall first
    rises: list  # ComponentRows, the largest rise first


def board_context(context: dict) -> dict:
    """Adds what the board pages need to the report context."""
    structure = context["structure"]
    roadmap = context["roadmap"]
    actions = selectors.open_actions(context["assessment"].organisation)
    details = {
        w["slug"]: (w.get("owner_role", ""), w.get("why", "")) for w in structure.bank.workstreams
    }
    priorities = [
        _priority(workstream, details, actions) for workstream in roadmap.horizons[0].workstreams
    ]
    return {
        "board_heat": heat_columns(section_groups(context["parts"], numbered=True)),
        "board_strengths": _strengths(context),
        "board_priorities": priorities[:PRIORITIES],
        "board_plan": priorities,
        "board_later": [
            (horizon.title, [w.title for w in horizon.workstreams])
            for horizon in roadmap.horizons[1:]
        ],
        "board_changes": _changes(context) if context["comparison"] else None,
        "change_groups": _change_groups(context) if context["comparison"] else [],
        "board_decisions": _decisions(context, priorities),
        "board_method": _method(context),
    }


def _priority(workstream: Workstream, details: dict, actions: list[Action]) -> Priority:
    owner_role, why = details.get(workstream.slug, ("", ""))
    components = {item.component for item in workstream.items}
    action = next((a for a in actions if components & set(a.components)), None)
    owner = ""
    if action is not None and action.owner is not None:
        owner = action.owner.get_full_name() or action.owner.email
    return Priority(
        workstream=workstream,
        why=why,
        owner_role=owner_role,
        owner=owner,
        due=action.due_date if action is not None else None,
        horizon=workstream.horizon,
    )


def _strengths(context: dict) -> list:
    scored = [part["result"] for part in context["sections"] if part["result"].score is not None]
    # By level first: a section whose score is high but whose level a weak part holds
    # down is not a strength to a board.
    return sorted(scored, key=lambda section: (-section.level, -section.score))[:STRENGTHS]


def _changes(context: dict) -> Changes:
    rows = [row for part in context["sections"] for row in part["components"] if row.change]
    falls = sorted((row for row in rows if row.change < 0), key=lambda row: row.change)
    return Changes(
        rose=sum(row.change > 0 for row in rows),
        fell=len(falls),
        largest_fall=falls[0] if falls else None,
    )


def _change_groups(context: dict) -> list[SectionChanges]:
    """The changed components by section: sections with a fall first, the largest fall
    first, then the others in the bank's order; in each, falls before rises."""
    groups = []
    for part in context["parts"]:
        rows = [row for row in part["components"] if row.change]
        if rows:
            groups.append(
                SectionChanges(
                    part=part,
                    falls=sorted((row for row in rows if row.change < 0), key=lambda r: r.change),
                    rises=sorted((row for row in rows if row.change > 0), key=lambda r: -r.change),
                )
            )
    return sorted(groups, key=lambda group: group.falls[0].change if group.falls else 0)


def _decisions(context: dict, priorities: list[Priority]) -> list[str]:
    """What the board is asked to decide, from what is still open."""
    assessment = context["assessment"]
    decisions = []
    if context["targets_suggested"]:
        decisions.append(
            "Agree the target level for each part of the ML practice: this plan uses the "
            "targets suggested for the organisation's ambition."
        )
    elif assessment.targets_confirmed_at is None:
        decisions.append("Confirm the targets the team set: the owner has not confirmed them.")
    unowned = [p.workstream.title for p in priorities if not p.owner]
    if unowned:
        decisions.append(
            f"Name an owner for {len(unowned)} workstream{'s' if len(unowned) != 1 else ''} "
            f"of the next 90 days ({', '.join(unowned)}), and give each a date."
        )
    if context["gate_titles"]:
        decisions.append(
            "Fund the foundations first: "
            + ", ".join(context["gate_titles"])
            + " hold the overall level at Repeatable at most until they are fixed."
        )
    decisions.append("Set the date of the next assessment, to measure the progress.")
    return decisions


def _method(context: dict) -> dict:
    answers = context["result"].answers
    people = sorted(
        {
            answer.answered_by.get_full_name() or answer.answered_by.email
            for answer in context["answers"].values()
            if answer.answered_by is not None
        }
    )
    return {
        "people": people,
        "dont_know": sum(answer.status == DONT_KNOW for answer in answers),
        "not_applicable": sum(answer.status == NOT_APPLICABLE for answer in answers),
    }
