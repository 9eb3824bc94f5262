"""The heatmap: the level of every component, one row each, grouped by section in the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from assessment.charts.svg import (
    BAR_FILL_COLOUR,
    GLYPH_WIDTH,
    GRID_COLOUR,
    MUTED_TEXT_COLOUR,
    SCORE_COLOUR,
    TEXT_COLOUR,
    svg_element,
    svg_open,
    svg_text,
    svg_wrap,
)
from assessment.levels import LEVEL_LABELS, MAX_LEVEL, MIN_LEVEL

# --- Heatmap -----------------------------------------------------------------

HEATMAP_MARGIN = 8


HEATMAP_LABEL_WIDTH = 250


HEATMAP_CELL_WIDTH = 84


HEATMAP_HEADER_HEIGHT = 42


HEATMAP_ROW_HEIGHT = 32


HEATMAP_FONT = 12


HEATMAP_GROUP_HEIGHT = 30


HeatmapRow = tuple[str, int | None]


def heatmap(rows: Sequence[HeatmapRow], *, title: str) -> str:
    """One row per component, one column per level 0–4; the level's cell is filled.

    Cells below the level are lightly filled so each row reads as a bar.
    """
    return grouped_heatmap([("", rows)], title=title)


def grouped_heatmap(
    groups: Sequence[tuple[str, Sequence[HeatmapRow]]], *, title: str, tooltips: bool = True
) -> str:
    """A heatmap whose rows come in titled groups (sections), under one set of column
    headings; a group with an empty title gets no heading row.

    ``tooltips`` gives each row a <title>, which browsers show on hover; a PDF has no
    hover, and WeasyPrint spends time on every element, so the report leaves them out
    (the chart's <desc> lists every row either way).
    """
    for _, rows in groups:
        for label, level in rows:
            if level is not None and level not in LEVEL_LABELS:
                raise ValueError(f"Level for {label!r} must be 0 to 4 or None, got {level!r}")

    levels = range(MIN_LEVEL, MAX_LEVEL + 1)
    grid_left = HEATMAP_MARGIN + HEATMAP_LABEL_WIDTH
    width = grid_left + len(levels) * HEATMAP_CELL_WIDTH + HEATMAP_MARGIN
    height = grouped_heatmap_height(groups)
    desc = "Level by component:" + "".join(
        (f" {group} —" if group else "")
        + " "
        + "; ".join(_describe_level(*row) for row in rows)
        + "."
        for group, rows in groups
    )
    parts = svg_open("heatmap", width, height, title, desc, groups)
    # Named by its title alone; the list of every row (thousands of characters) is its
    # description, which screen readers offer after the name instead of reading it as one.
    chart_id = parts[1].split('"')[1].removesuffix("-title")
    parts[0] = parts[0].replace(
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"',
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"',
    )

    for level in levels:
        parts.append(
            svg_text(
                grid_left + (level + 0.5) * HEATMAP_CELL_WIDTH,
                HEATMAP_MARGIN + 14,
                [(str(level), {"font-weight": "bold"}), (LEVEL_LABELS[level], {})],
                {
                    "class": "heatmap-column",
                    "font-size": 11,
                    "fill": TEXT_COLOUR,
                    "text-anchor": "middle",
                },
                line_height=15,
            )
        )

    top = HEATMAP_MARGIN + HEATMAP_HEADER_HEIGHT
    for group, rows in groups:
        if group:
            parts.append(_heatmap_group(group, top, width))
            top += HEATMAP_GROUP_HEIGHT
        for label, level in rows:
            parts.append(_heatmap_row(label, level, top, grid_left, tooltips=tooltips))
            top += HEATMAP_ROW_HEIGHT

    parts.append("</svg>")
    return "\n".join(parts)


def grouped_heatmap_height(groups: Sequence[tuple[str, Sequence[HeatmapRow]]]) -> int:
    """The height in px of ``grouped_heatmap(groups)``, to share charts out between pages."""
    return (
        2 * HEATMAP_MARGIN
        + HEATMAP_HEADER_HEIGHT
        + sum(HEATMAP_GROUP_HEIGHT for group, _ in groups if group)
        + sum(len(rows) for _, rows in groups) * HEATMAP_ROW_HEIGHT
    )


def _heatmap_group(title: str, top: float, width: float) -> str:
    baseline = top + HEATMAP_GROUP_HEIGHT - 9
    wrap_at = int((width - 2 * HEATMAP_MARGIN) / (HEATMAP_FONT * GLYPH_WIDTH))
    return svg_text(
        HEATMAP_MARGIN,
        baseline,
        [(svg_wrap(title, wrap_at, max_lines=1)[0], {})],
        {
            "class": "heatmap-group",
            "font-size": HEATMAP_FONT,
            "font-weight": "bold",
            "fill": TEXT_COLOUR,
        },
    ) + svg_element(
        "line",
        {
            "x1": HEATMAP_MARGIN,
            "x2": width - HEATMAP_MARGIN,
            "y1": baseline + 5,
            "y2": baseline + 5,
            "stroke": GRID_COLOUR,
        },
    )


def _heatmap_row(
    label: str, level: int | None, top: float, grid_left: float, *, tooltips: bool
) -> str:
    levels = range(MIN_LEVEL, MAX_LEVEL + 1)
    middle = top + HEATMAP_ROW_HEIGHT / 2
    wrap_at = int((HEATMAP_LABEL_WIDTH - 8) / (HEATMAP_FONT * GLYPH_WIDTH))
    lines = svg_wrap(label, wrap_at)
    row = [svg_element("title", {}, escape(_describe_level(label, level)))] if tooltips else []
    row.append(
        svg_text(
            HEATMAP_MARGIN,
            middle - (len(lines) - 1) * 7 + HEATMAP_FONT * 0.35,
            [(line, {}) for line in lines],
            {"class": "heatmap-label", "font-size": HEATMAP_FONT, "fill": TEXT_COLOUR},
            line_height=14,
        )
    )
    for column in levels:
        row.append(_heatmap_cell(grid_left + column * HEATMAP_CELL_WIDTH, top, column, level))
    if level is None:
        row.append(
            svg_text(
                grid_left + len(levels) * HEATMAP_CELL_WIDTH / 2,
                middle + HEATMAP_FONT * 0.35,
                [("not scored", {})],
                {
                    "class": "heatmap-not-scored",
                    "font-size": HEATMAP_FONT,
                    "font-style": "italic",
                    "fill": MUTED_TEXT_COLOUR,
                    "text-anchor": "middle",
                },
            )
        )
    return svg_element("g", {"class": "heatmap-row"}, "".join(row))


def _heatmap_cell(x: float, y: float, column: int, level: int | None) -> str:
    if level is not None and column == level:
        kind, fill, stroke = "heatmap-cell heatmap-level", SCORE_COLOUR, SCORE_COLOUR
    elif level is not None and column < level:
        kind, fill, stroke = "heatmap-cell heatmap-below", BAR_FILL_COLOUR, BAR_FILL_COLOUR
    else:
        kind, fill, stroke = "heatmap-cell", "#ffffff", GRID_COLOUR
    return svg_element(
        "rect",
        {
            "class": kind,
            "x": x + 2,
            "y": y + 3,
            "width": HEATMAP_CELL_WIDTH - 4,
            "height": HEATMAP_ROW_HEIGHT - 6,
            "rx": 3,
            "fill": fill,
            "stroke": stroke,
        },
    )


def _describe_level(label: str, level: int | None) -> str:
    return f"{label}: not scored" if level is None else f"{label}: {LEVEL_LABELS[level]} ({level})"
