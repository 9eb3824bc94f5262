"""The component heatmap as table data: every component by section, in two columns of about
the same height, drawn as an HTML table (templates/assessment/_heat_table.html) by the
results page and the board report, so it reads on a phone and fits one A4 page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class HeatRow:
    title: str
    level: int | None
    previous: int | None
    foundation: bool


Group = tuple[str, list[HeatRow]]


def heat_columns(groups: Sequence[Group]) -> list[list[Group]]:
    """Split the groups (a section heading counts as a row) into two columns of about the
    same height; one column when there is only one group."""
    half = sum(len(rows) + 1 for _, rows in groups) / 2
    left: list[Group] = []
    right: list[Group] = []
    height = 0
    for group in groups:
        (left if height < half else right).append(group)
        height += len(group[1]) + 1
    return [left, right] if right else [left]


def section_groups(sections: Sequence[dict], *, numbered: bool) -> list[Group]:
    """Groups from the results' sections (each {"result", "components", ...}, with a
    "number" when ``numbered``)."""
    return [
        (
            f"{part['number']}. {part['result'].title}" if numbered else part["result"].title,
            [
                HeatRow(
                    row.result.title, row.result.level, row.previous_level, row.result.foundation
                )
                for row in part["components"]
            ],
        )
        for part in sections
    ]
