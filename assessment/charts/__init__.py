"""Server-side SVG charts, the same markup for the results page and the PDF report.

WeasyPrint runs no JavaScript and renders only plain SVG, so these use SVG 1.1
elements and presentation attributes only: no scripts, no CSS, no foreignObject.
Each chart names itself with <title> and spells out its data in <desc>, so screen
readers get the numbers, not just a picture.
"""

from assessment.charts.heatmap import (
    HEATMAP_GROUP_HEIGHT,
    HEATMAP_ROW_HEIGHT,
    grouped_heatmap,
    grouped_heatmap_height,
    heatmap,
)
from assessment.charts.radar import radar_chart
from assessment.charts.svg import (
    MUTED_TEXT_COLOUR,
    PREVIOUS_COLOUR,
    SCORE_COLOUR,
    TARGET_COLOUR,
    TEXT_COLOUR,
)

__all__ = [
    "HEATMAP_GROUP_HEIGHT",
    "HEATMAP_ROW_HEIGHT",
    "MUTED_TEXT_COLOUR",
    "PREVIOUS_COLOUR",
    "SCORE_COLOUR",
    "TARGET_COLOUR",
    "TEXT_COLOUR",
    "grouped_heatmap",
    "grouped_heatmap_height",
    "heatmap",
    "radar_chart",
]
