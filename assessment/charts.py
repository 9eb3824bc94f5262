"""Server-side SVG charts, the same markup for the results page and the PDF report.

WeasyPrint runs no JavaScript and renders only plain SVG, so these use SVG 1.1
elements and presentation attributes only: no scripts, no CSS, no foreignObject.
Each chart names itself with <title> and spells out its data in <desc>, so screen
readers get the numbers, not just a picture.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from assessment.domain.scoring import round_score
from assessment.levels import LEVEL_LABELS, MAX_LEVEL, MIN_LEVEL

# Contrast against white (WCAG 2.2): text at least 4.5:1, data marks at least 3:1.
# Grid lines and the light bar fill only repeat what the data marks already show.
TEXT_COLOUR = "#1f2328"  # 15.8:1
MUTED_TEXT_COLOUR = "#57606a"  # 6.4:1
SCORE_COLOUR = "#1a5fb4"  # 6.3:1
PREVIOUS_COLOUR = "#b35806"  # 4.9:1, orange against blue also reads for colour-blind eyes
GRID_COLOUR = "#c9ced6"
BAR_FILL_COLOUR = "#b8d2f0"
FONT_FAMILY = "sans-serif"

# Average glyph width of a sans-serif font, as a share of the font size; used to
# wrap labels before they run into the plot or off the edge.
GLYPH_WIDTH = 0.55

Axis = tuple[str, float | None]


# --- Radar -------------------------------------------------------------------

RADAR_LABEL_FONT = 12
RADAR_LABEL_LINE = 14
RADAR_LABEL_GAP = 10
RING_LABEL_FONT = 10
LEGEND_HEIGHT = 48


def radar_chart(
    axes: Sequence[Axis],
    previous: Sequence[Axis] | None = None,
    *,
    size: int = 420,
    title: str = "Maturity score by section",
    current_label: str = "This assessment",
    previous_label: str = "Previous assessment",
) -> str:
    """One axis per section, scores 0–4 from the centre; rings at levels 1–4.

    ``size`` is the plot's height in px; the chart is 1.5 times as wide to leave
    room for the axis labels, plus a legend below when ``previous`` is given.
    An axis scored None is drawn at 0 and its label says "not scored".
    """
    _check_scores(axes)
    if previous is not None:
        if [label for label, _ in previous] != [label for label, _ in axes]:
            raise ValueError("previous must list the same axes as axes, in the same order")
        _check_scores(previous)

    width = round(size * 1.5)
    height = size + (LEGEND_HEIGHT if previous is not None else 0)
    radar = _RadarGeometry(
        centre_x=width / 2, centre_y=size / 2, radius=size * 0.35, count=len(axes)
    )
    desc = "Scores out of 4 by section: " + _describe_scores(axes) + "."
    if previous is not None:
        desc += f" {previous_label}: " + _describe_scores(previous) + "."

    parts = _open_svg("radar", width, height, title, desc, (axes, previous, size))
    parts.extend(_radar_grid(radar))
    if previous is not None:
        parts.append(
            _el(
                "polygon",
                {
                    "class": "radar-previous",
                    "points": radar.outline([score for _, score in previous]),
                    "fill": "none",
                    "stroke": PREVIOUS_COLOUR,
                    "stroke-width": 2,
                    "stroke-dasharray": "6 4",
                },
            )
        )
    parts.extend(_radar_scores(radar, [score for _, score in axes]))
    parts.extend(_ring_labels(radar))
    label_room = width / 2 - radar.radius - RADAR_LABEL_GAP
    wrap_at = max(10, int(label_room / (RADAR_LABEL_FONT * GLYPH_WIDTH)))
    parts.extend(
        _axis_label(radar, index, label, score, wrap_at)
        for index, (label, score) in enumerate(axes)
    )
    if previous is not None:
        parts.extend(_legend(radar.centre_x, size, current_label, previous_label))
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(frozen=True)
class _RadarGeometry:
    centre_x: float
    centre_y: float
    radius: float  # of the level-4 ring
    count: int  # axes, the first pointing up, the rest clockwise

    def angle(self, index: int) -> float:
        return -math.pi / 2 + 2 * math.pi * index / self.count

    def point(self, index: int, distance: float) -> tuple[float, float]:
        angle = self.angle(index)
        return (
            self.centre_x + distance * math.cos(angle),
            self.centre_y + distance * math.sin(angle),
        )

    def level_point(self, index: int, level: float | None) -> tuple[float, float]:
        return self.point(index, self.radius * (level or 0) / MAX_LEVEL)

    def outline(self, scores: Sequence[float | None]) -> str:
        return _points(self.level_point(index, score) for index, score in enumerate(scores))


def _radar_grid(radar: _RadarGeometry) -> list[str]:
    parts = []
    for level in range(1, MAX_LEVEL + 1):
        ring = {"class": "radar-ring", "fill": "none", "stroke": GRID_COLOUR}
        if radar.count >= 3:
            corners = _points(radar.level_point(index, level) for index in range(radar.count))
            parts.append(_el("polygon", {**ring, "points": corners}))
        else:  # a polygon needs three corners
            centre = {"cx": radar.centre_x, "cy": radar.centre_y}
            parts.append(_el("circle", {**ring, **centre, "r": radar.radius * level / MAX_LEVEL}))
    for index in range(radar.count):
        end_x, end_y = radar.level_point(index, MAX_LEVEL)
        axis = {"x1": radar.centre_x, "y1": radar.centre_y, "x2": end_x, "y2": end_y}
        parts.append(_el("line", {"class": "radar-axis", **axis, "stroke": GRID_COLOUR}))
    return parts


def _radar_scores(radar: _RadarGeometry, scores: Sequence[float | None]) -> list[str]:
    outline = {
        "class": "radar-score",
        "points": radar.outline(scores),
        "fill": SCORE_COLOUR,
        "fill-opacity": 0.15,
        "stroke": SCORE_COLOUR,
        "stroke-width": 2,
    }
    parts = [_el("polygon", outline)]
    for index, score in enumerate(scores):
        x, y = radar.level_point(index, score)
        dot = {"class": "radar-point", "cx": x, "cy": y, "r": 3.5, "fill": SCORE_COLOUR}
        parts.append(_el("circle", dot))
    return parts


def _ring_labels(radar: _RadarGeometry) -> list[str]:
    # Just inside each ring, beside the top axis, clear of the axis labels; a
    # translucent backing keeps each label legible where the outlines cross it.
    parts = []
    for level in range(1, MAX_LEVEL + 1):
        text = f"{level} {LEVEL_LABELS[level]}"
        baseline = radar.centre_y - radar.radius * level / MAX_LEVEL + 11
        backing = {
            "x": radar.centre_x + 5,
            "y": baseline - 9,
            "width": len(text) * RING_LABEL_FONT * GLYPH_WIDTH + 2,
            "height": 12,
            "fill": "#ffffff",
            "fill-opacity": 0.7,
        }
        style = {
            "class": "radar-ring-label",
            "font-size": RING_LABEL_FONT,
            "fill": MUTED_TEXT_COLOUR,
        }
        parts.append(_el("rect", backing))
        parts.append(_text(radar.centre_x + 6, baseline, [(text, {})], style))
    return parts


def _axis_label(
    radar: _RadarGeometry, index: int, label: str, score: float | None, wrap_at: int
) -> str:
    x, y = radar.point(index, radar.radius + RADAR_LABEL_GAP)
    cos, sin = math.cos(radar.angle(index)), math.sin(radar.angle(index))
    text_anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    if text_anchor == "middle":  # centred above or below the plot, with room either side
        wrap_at = wrap_at * 3 // 2
    lines: list[tuple[str, Mapping[str, object]]] = [(line, {}) for line in _wrap(label, wrap_at)]
    if score is None:
        lines.append(("not scored", {"font-style": "italic", "fill": MUTED_TEXT_COLOUR}))
    block = (len(lines) - 1) * RADAR_LABEL_LINE
    if sin < -0.25:  # above the plot: the block ends at the anchor point
        first_baseline = y - block
    elif sin > 0.25:  # below the plot: the block starts at the anchor point
        first_baseline = y + RADAR_LABEL_FONT * 0.8
    else:
        first_baseline = y - block / 2 + RADAR_LABEL_FONT * 0.35
    return _text(
        x,
        first_baseline,
        lines,
        {
            "class": "radar-label",
            "font-size": RADAR_LABEL_FONT,
            "fill": TEXT_COLOUR,
            "text-anchor": text_anchor,
        },
        line_height=RADAR_LABEL_LINE,
    )


def _legend(centre_x: float, top: float, current_label: str, previous_label: str) -> list[str]:
    parts = []
    left = centre_x - 90
    for row, (label, colour, dashes) in enumerate(
        [(current_label, SCORE_COLOUR, None), (previous_label, PREVIOUS_COLOUR, "6 4")]
    ):
        y = top + 14 + row * 20
        line = {"x1": left, "y1": y, "x2": left + 28, "y2": y, "stroke": colour, "stroke-width": 2}
        if dashes:
            line["stroke-dasharray"] = dashes
        parts.append(_el("line", {"class": "radar-legend-key"} | line))
        parts.append(
            _text(
                left + 36,
                y + 4,
                [(label, {})],
                {"class": "radar-legend-label", "font-size": 12, "fill": TEXT_COLOUR},
            )
        )
    return parts


def _describe_scores(axes: Sequence[Axis]) -> str:
    return "; ".join(
        f"{label} {'not scored' if score is None else f'{round_score(score, 1):.1f}'}"
        for label, score in axes
    )


def _check_scores(axes: Sequence[Axis]) -> None:
    for label, score in axes:
        if score is not None and not MIN_LEVEL <= score <= MAX_LEVEL:
            raise ValueError(f"Score for {label!r} must be from 0 to 4 or None, got {score!r}")


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
    parts = _open_svg("heatmap", width, height, title, desc, groups)

    for level in levels:
        parts.append(
            _text(
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
    return _text(
        HEATMAP_MARGIN,
        baseline,
        [(_wrap(title, wrap_at, max_lines=1)[0], {})],
        {
            "class": "heatmap-group",
            "font-size": HEATMAP_FONT,
            "font-weight": "bold",
            "fill": TEXT_COLOUR,
        },
    ) + _el(
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
    lines = _wrap(label, wrap_at)
    row = [_el("title", {}, escape(_describe_level(label, level)))] if tooltips else []
    row.append(
        _text(
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
            _text(
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
    return _el("g", {"class": "heatmap-row"}, "".join(row))


def _heatmap_cell(x: float, y: float, column: int, level: int | None) -> str:
    if level is not None and column == level:
        kind, fill, stroke = "heatmap-cell heatmap-level", SCORE_COLOUR, SCORE_COLOUR
    elif level is not None and column < level:
        kind, fill, stroke = "heatmap-cell heatmap-below", BAR_FILL_COLOUR, BAR_FILL_COLOUR
    else:
        kind, fill, stroke = "heatmap-cell", "#ffffff", GRID_COLOUR
    return _el(
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


# --- Markup helpers ----------------------------------------------------------


def _open_svg(
    kind: str, width: float, height: float, title: str, desc: str, data: object
) -> list[str]:
    # Several charts share one page, so ids must differ between charts yet stay
    # stable between renders (tests and cached pages compare markup).
    digest = hashlib.sha256(repr((kind, title, data)).encode()).hexdigest()[:10]
    chart_id = f"{kind}-{digest}"
    root = {
        "xmlns": "http://www.w3.org/2000/svg",
        "version": "1.1",
        "class": f"chart chart-{kind}",
        "width": width,
        "height": height,
        "viewBox": f"0 0 {_number(width)} {_number(height)}",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "font-family": FONT_FAMILY,
    }
    attributes = "".join(f" {name}={quoteattr(_attribute(value))}" for name, value in root.items())
    return [
        f"<svg{attributes}>",
        _el("title", {"id": f"{chart_id}-title"}, escape(title)),
        _el("desc", {"id": f"{chart_id}-desc"}, escape(desc)),
    ]


def _text(
    x: float,
    first_baseline: float,
    lines: Sequence[tuple[str, Mapping[str, object]]],
    attributes: Mapping[str, object],
    *,
    line_height: float = 0,
) -> str:
    # One tspan per line with absolute x and y: WeasyPrint and browsers agree on it.
    tspans = "".join(
        _el("tspan", {"x": x, "y": first_baseline + i * line_height, **style}, escape(line))
        for i, (line, style) in enumerate(lines)
    )
    return _el("text", {"x": x, "y": first_baseline, **attributes}, tspans)


def _el(name: str, attributes: Mapping[str, object], content: str = "") -> str:
    """An element; ``content`` is markup that is already escaped."""
    rendered = "".join(
        f" {key}={quoteattr(_attribute(value))}" for key, value in attributes.items()
    )
    return f"<{name}{rendered}>{content}</{name}>" if content else f"<{name}{rendered}/>"


def _attribute(value: object) -> str:
    return _number(value) if isinstance(value, float) else str(value)


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_number(x)},{_number(y)}" for x, y in points)


def _wrap(label: str, width: int, max_lines: int = 2) -> list[str]:
    """Wrap on words; what does not fit on the last line is cut with an ellipsis."""
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) <= max_lines:
        return lines
    rest = " ".join(lines[max_lines - 1 :])
    return [*lines[: max_lines - 1], rest[: width - 1].rstrip() + "…"]
