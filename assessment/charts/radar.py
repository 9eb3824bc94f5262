"""The radar chart: the level of each section on one axis each, as the badges say, with the
exact score as a marker and the previous assessment's and the target levels beside them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.charts.svg import (
    GLYPH_WIDTH,
    GRID_COLOUR,
    MUTED_TEXT_COLOUR,
    PREVIOUS_COLOUR,
    SCORE_COLOUR,
    TARGET_COLOUR,
    TEXT_COLOUR,
    svg_element,
    svg_open,
    svg_points,
    svg_text,
    svg_wrap,
)
from assessment.domain.scoring import round_score
from assessment.levels import LEVEL_LABELS, MAX_LEVEL, MIN_LEVEL

Axis = tuple[str, float | None]


# --- Radar -------------------------------------------------------------------

RADAR_LABEL_FONT = 12


RADAR_LABEL_LINE = 14


RADAR_LABEL_GAP = 10


RING_LABEL_FONT = 10


LEGEND_ROW = 20


def radar_chart(
    axes: Sequence[Axis],
    previous: Sequence[Axis] | None = None,
    *,
    target: Sequence[Axis] | None = None,
    scores: Sequence[float | None] | None = None,
    size: int = 420,
    title: str = "Maturity level by section",
    current_label: str = "This assessment",
    previous_label: str = "Previous assessment",
    target_label: str = "Target",
) -> str:
    """One axis per section, levels 0–4 from the centre; rings at levels 1–4.

    ``axes`` are what the outline joins (the levels, so the chart never contradicts a
    badge); ``scores``, when given, are the exact scores behind them, drawn as small
    markers and listed in the description. ``previous`` is drawn dashed, ``target``
    dotted, each with a legend row. ``size`` is the plot's height in px; the chart is 1.5
    times as wide to leave room for the axis labels, plus the legend below. An axis with
    None is drawn at 0 and its label says "not scored".
    """
    _check_scores(axes)
    labels = [label for label, _ in axes]
    for other in (previous, target):
        if other is not None:
            if [label for label, _ in other] != labels:
                raise ValueError("previous and target must list the same axes, in the same order")
            _check_scores(other)
    if scores is not None:
        if len(scores) != len(axes):
            raise ValueError("scores must give one value per axis")
        _check_scores(list(zip(labels, scores, strict=True)))

    legend = [(current_label, SCORE_COLOUR, None)]
    if previous is not None:
        legend.append((previous_label, PREVIOUS_COLOUR, "6 4"))
    if target is not None:
        legend.append((target_label, TARGET_COLOUR, "2 3"))
    width = round(size * 1.5)
    height = size + (LEGEND_ROW * len(legend) + 8 if len(legend) > 1 else 0)
    radar = _RadarGeometry(
        centre_x=width / 2, centre_y=size / 2, radius=size * 0.35, count=len(axes)
    )
    desc = "Level by section, 0 to 4: " + _describe(axes, scores) + "."
    if previous is not None:
        desc += f" {previous_label}: " + _describe(previous) + "."
    if target is not None:
        desc += f" {target_label}: " + _describe(target) + "."

    parts = svg_open("radar", width, height, title, desc, (axes, previous, target, scores, size))
    parts.extend(_radar_grid(radar))
    for series, css_class, colour, dashes in (
        (previous, "radar-previous", PREVIOUS_COLOUR, "6 4"),
        (target, "radar-target", TARGET_COLOUR, "2 3"),
    ):
        if series is not None:
            outline = {
                "class": css_class,
                "points": radar.outline([level for _, level in series]),
                "fill": "none",
                "stroke": colour,
                "stroke-width": 2,
                "stroke-dasharray": dashes,
            }
            parts.append(svg_element("polygon", outline))
    parts.extend(_radar_levels(radar, [level for _, level in axes]))
    if scores is not None:
        parts.extend(_score_markers(radar, scores))
    parts.extend(_ring_labels(radar))
    label_room = width / 2 - radar.radius - RADAR_LABEL_GAP
    wrap_at = max(10, int(label_room / (RADAR_LABEL_FONT * GLYPH_WIDTH)))
    parts.extend(
        _axis_label(radar, index, label, level, wrap_at)
        for index, (label, level) in enumerate(axes)
    )
    if len(legend) > 1:
        parts.extend(_legend(radar.centre_x, size, legend))
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
        return svg_points(self.level_point(index, score) for index, score in enumerate(scores))


def _radar_grid(radar: _RadarGeometry) -> list[str]:
    parts = []
    for level in range(1, MAX_LEVEL + 1):
        ring = {"class": "radar-ring", "fill": "none", "stroke": GRID_COLOUR}
        if radar.count >= 3:
            corners = svg_points(radar.level_point(index, level) for index in range(radar.count))
            parts.append(svg_element("polygon", {**ring, "points": corners}))
        else:  # a polygon needs three corners
            centre = {"cx": radar.centre_x, "cy": radar.centre_y}
            parts.append(
                svg_element("circle", {**ring, **centre, "r": radar.radius * level / MAX_LEVEL})
            )
    for index in range(radar.count):
        end_x, end_y = radar.level_point(index, MAX_LEVEL)
        axis = {"x1": radar.centre_x, "y1": radar.centre_y, "x2": end_x, "y2": end_y}
        parts.append(svg_element("line", {"class": "radar-axis", **axis, "stroke": GRID_COLOUR}))
    return parts


def _radar_levels(radar: _RadarGeometry, levels: Sequence[float | None]) -> list[str]:
    outline = {
        "class": "radar-score",
        "points": radar.outline(levels),
        "fill": SCORE_COLOUR,
        "fill-opacity": 0.15,
        "stroke": SCORE_COLOUR,
        "stroke-width": 2,
    }
    parts = [svg_element("polygon", outline)]
    for index, level in enumerate(levels):
        x, y = radar.level_point(index, level)
        dot = {"class": "radar-point", "cx": x, "cy": y, "r": 3.5, "fill": SCORE_COLOUR}
        parts.append(svg_element("circle", dot))
    return parts


def _score_markers(radar: _RadarGeometry, scores: Sequence[float | None]) -> list[str]:
    """A small open square at each exact score, on the axis, so the level outline and the
    score it was rounded from can both be read."""
    parts = []
    for index, score in enumerate(scores):
        if score is None:
            continue
        x, y = radar.level_point(index, score)
        square = {
            "class": "radar-score-marker",
            "x": x - 3,
            "y": y - 3,
            "width": 6,
            "height": 6,
            "fill": "#ffffff",
            "stroke": TEXT_COLOUR,
            "stroke-width": 1.5,
        }
        parts.append(svg_element("rect", square))
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
        parts.append(svg_element("rect", backing))
        parts.append(svg_text(radar.centre_x + 6, baseline, [(text, {})], style))
    return parts


def _axis_label(
    radar: _RadarGeometry, index: int, label: str, score: float | None, wrap_at: int
) -> str:
    x, y = radar.point(index, radar.radius + RADAR_LABEL_GAP)
    cos, sin = math.cos(radar.angle(index)), math.sin(radar.angle(index))
    text_anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    if text_anchor == "middle":  # centred above or below the plot, with room either side
        wrap_at = wrap_at * 3 // 2
    lines: list[tuple[str, Mapping[str, object]]] = [
        (line, {}) for line in svg_wrap(label, wrap_at)
    ]
    if score is None:
        lines.append(("not scored", {"font-style": "italic", "fill": MUTED_TEXT_COLOUR}))
    block = (len(lines) - 1) * RADAR_LABEL_LINE
    if sin < -0.25:  # above the plot: the block ends at the anchor point
        first_baseline = y - block
    elif sin > 0.25:  # below the plot: the block starts at the anchor point
        first_baseline = y + RADAR_LABEL_FONT * 0.8
    else:
        first_baseline = y - block / 2 + RADAR_LABEL_FONT * 0.35
    return svg_text(
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


def _legend(centre_x: float, top: float, rows: Sequence[tuple[str, str, str | None]]) -> list[str]:
    parts = []
    left = centre_x - 90
    for row, (label, colour, dashes) in enumerate(rows):
        y = top + 14 + row * LEGEND_ROW
        line = {"x1": left, "y1": y, "x2": left + 28, "y2": y, "stroke": colour, "stroke-width": 2}
        if dashes:
            line["stroke-dasharray"] = dashes
        parts.append(svg_element("line", {"class": "radar-legend-key"} | line))
        parts.append(
            svg_text(
                left + 36,
                y + 4,
                [(label, {})],
                {"class": "radar-legend-label", "font-size": 12, "fill": TEXT_COLOUR},
            )
        )
    return parts


def _describe(axes: Sequence[Axis], scores: Sequence[float | None] | None = None) -> str:
    described = []
    for index, (label, level) in enumerate(axes):
        if level is None:
            described.append(f"{label} not scored")
            continue
        text = f"{label} {_level_text(level)}"
        score = scores[index] if scores is not None else None
        if score is not None:
            text += f" (score {round_score(score, 1):.1f})"
        described.append(text)
    return "; ".join(described)


def _level_text(level: float) -> str:
    if float(level).is_integer():
        return f"{int(level)} {LEVEL_LABELS[int(level)]}"
    return f"{round_score(level, 1):.1f}"


def _check_scores(axes: Sequence[Axis]) -> None:
    for label, score in axes:
        if score is not None and not MIN_LEVEL <= score <= MAX_LEVEL:
            raise ValueError(f"Score for {label!r} must be from 0 to 4 or None, got {score!r}")
