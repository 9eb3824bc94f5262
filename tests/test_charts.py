"""SVG charts: well-formed, accessible, escaped, and drawing the right marks."""

import math
import xml.etree.ElementTree as ET

import pytest

from assessment import charts
from assessment.charts import grouped_heatmap, heatmap, radar_chart

SVG = "{http://www.w3.org/2000/svg}"
TRICKY_LABEL = "R&D <ops> \"quoted\" 'single'"

SECTIONS = [
    ("Business alignment and AI strategy", 2.4),
    ("Data management and pipeline", 3.1),
    ("Model lifecycle", None),
    ("Infrastructure and automation", 1.0),
    ("Documentation", 0.0),
    ("Governance and responsible AI", 4.0),
    ("People and skills", 2.0),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup, not untrusted input


def with_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter(SVG + tag) if css_class in el.get("class", "").split()]


def text_of(element: ET.Element) -> str:
    return "\n".join(tspan.text or "" for tspan in element.iter(SVG + "tspan"))


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def assert_accessible_svg(root: ET.Element) -> None:
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("font-family") == "sans-serif"
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width:g} {height:g}"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    if "chart-heatmap" in root.get("class"):  # its description is long: not its name
        assert root.get("aria-labelledby") == title.get("id")
        assert root.get("aria-describedby") == desc.get("id")
    else:
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    forbidden = {"foreignObject", "script", "style"}
    assert not [el for el in root.iter() if el.tag.removeprefix(SVG) in forbidden]


# --- Radar -------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 7, 9])
def test_radar_has_one_axis_label_and_point_per_section(count):
    axes = [(f"Section {i}", i % 5) for i in range(count)]

    root = parse(radar_chart(axes))

    assert_accessible_svg(root)
    assert len(with_class(root, "line", "radar-axis")) == count
    assert len(with_class(root, "text", "radar-label")) == count
    (score,) = with_class(root, "polygon", "radar-score")
    assert len(score.get("points").split()) == count
    assert len(with_class(root, "circle", "radar-point")) == count


def test_radar_has_rings_at_levels_1_to_4_labelled_with_their_names():
    root = parse(radar_chart(SECTIONS))

    rings = with_class(root, "polygon", "radar-ring")
    assert len(rings) == 4
    assert all(len(ring.get("points").split()) == len(SECTIONS) for ring in rings)
    labels = [text_of(el) for el in with_class(root, "text", "radar-ring-label")]
    assert labels == ["1 Manual", "2 Repeatable", "3 Reproducible", "4 Automated"]


def test_radar_scores_sit_at_their_share_of_the_outer_ring():
    root = parse(radar_chart([("A", 4.0), ("B", 2.0), ("C", 0.0)], size=400))

    (score,) = with_class(root, "polygon", "radar-score")
    (top_x, top_y), (b_x, b_y), (c_x, c_y) = (
        tuple(map(float, point.split(","))) for point in score.get("points").split()
    )
    centre_x, centre_y, radius = 300, 200, 140
    assert (top_x, top_y) == (centre_x, centre_y - radius)
    assert math.dist((b_x, b_y), (centre_x, centre_y)) == pytest.approx(radius / 2, abs=0.1)
    assert (c_x, c_y) == (centre_x, centre_y)


def test_radar_plots_an_unscored_section_at_zero_and_says_not_scored():
    root = parse(radar_chart(SECTIONS))

    labels = {text_of(el) for el in with_class(root, "text", "radar-label")}
    assert "Model lifecycle\nnot scored" in labels
    (score,) = with_class(root, "polygon", "radar-score")
    third_point = score.get("points").split()[2]
    assert third_point == f"{float(root.get('width')) / 2:g},{float(root.get('height')) / 2:g}"


def test_radar_wraps_long_labels_onto_at_most_two_lines():
    long_label = (
        "Monitoring, retraining and feedback capture for every deployed model in production"
    )
    root = parse(radar_chart([(long_label, 1.0), ("B", 2.0), ("C", 3.0), ("D", 3.0)]))

    for label in with_class(root, "text", "radar-label"):
        lines = text_of(label).split("\n")
        assert len(lines) <= 2
    first = text_of(with_class(root, "text", "radar-label")[0])
    assert first.endswith("…")
    assert long_label in root.find(SVG + "desc").text


def test_radar_draws_the_previous_assessment_dashed_with_a_legend_only_when_given():
    without = parse(radar_chart(SECTIONS))
    previous = [(label, 1.0) for label, _ in SECTIONS]
    with_previous = parse(radar_chart(SECTIONS, previous))

    assert with_class(without, "polygon", "radar-previous") == []
    assert with_class(without, "text", "radar-legend-label") == []
    (dashed,) = with_class(with_previous, "polygon", "radar-previous")
    assert dashed.get("stroke-dasharray")
    assert len(dashed.get("points").split()) == len(SECTIONS)
    legend = [text_of(el) for el in with_class(with_previous, "text", "radar-legend-label")]
    assert legend == ["This assessment", "Previous assessment"]
    assert float(with_previous.get("height")) > float(without.get("height"))


def test_radar_rejects_a_previous_assessment_with_other_axes():
    with pytest.raises(ValueError, match="same axes"):
        radar_chart(SECTIONS, SECTIONS[:-1])


@pytest.mark.parametrize("score", [-0.1, 4.01])
def test_radar_rejects_scores_outside_0_to_4(score):
    with pytest.raises(ValueError, match="from 0 to 4"):
        radar_chart([("A", score), ("B", 1.0), ("C", 1.0)])


@pytest.mark.parametrize("count", [0, 1, 2])
def test_radar_with_fewer_than_three_axes_still_renders_with_round_rings(count):
    root = parse(radar_chart([(f"S{i}", 2.0) for i in range(count)]))

    assert len(with_class(root, "circle", "radar-ring")) == 4
    assert len(with_class(root, "line", "radar-axis")) == count


def test_radar_escapes_labels_and_title():
    svg = radar_chart([(TRICKY_LABEL, 1.0), ("B", 2.0), ("C", None)], title=TRICKY_LABEL)

    root = parse(svg)
    assert root.find(SVG + "title").text == TRICKY_LABEL
    assert TRICKY_LABEL in root.find(SVG + "desc").text
    assert "<ops>" not in svg


def test_radar_description_names_each_level_and_the_score_behind_it():
    axes = [("Strategy", 2), ("Data", 3), ("Model lifecycle", None)]
    desc = parse(radar_chart(axes, scores=[2.44, 2.5, None])).find(SVG + "desc").text

    assert "Strategy 2 Repeatable (score 2.4)" in desc
    assert "Data 3 Reproducible (score 2.5)" in desc
    assert "Model lifecycle not scored" in desc


def test_radar_marks_each_exact_score_on_its_axis_inside_the_level_outline():
    root = parse(radar_chart([("A", 3), ("B", 2), ("C", 1)], scores=[2.5, 2.0, None], size=400))

    markers = with_class(root, "rect", "radar-score-marker")
    assert len(markers) == 2  # none for an axis with nothing scored
    first = markers[0]
    centre_y = 200
    # Axis A points up: a score of 2.5 sits 2.5/4 of the way to the outer ring (radius 140).
    marker_y = float(first.get("y")) + float(first.get("height")) / 2
    assert math.isclose(centre_y - marker_y, 140 * 2.5 / 4)
    (outline,) = with_class(root, "polygon", "radar-score")
    top_x, top_y = (float(v) for v in outline.get("points").split()[0].split(","))
    assert math.isclose(centre_y - top_y, 140 * 3 / 4)  # the outline is at the level


def test_radar_rejects_scores_that_do_not_match_the_axes():
    with pytest.raises(ValueError, match="one value per axis"):
        radar_chart([("A", 1), ("B", 2), ("C", 3)], scores=[1.0])


def test_radar_draws_the_target_dotted_with_its_own_legend_row():
    target = [(label, 3) for label, _ in SECTIONS]
    previous = [(label, 1) for label, _ in SECTIONS]
    root = parse(radar_chart(SECTIONS, previous, target=target))

    (dotted,) = with_class(root, "polygon", "radar-target")
    (dashed,) = with_class(root, "polygon", "radar-previous")
    assert dotted.get("stroke-dasharray") != dashed.get("stroke-dasharray")
    legend = [text_of(el) for el in with_class(root, "text", "radar-legend-label")]
    assert legend == ["This assessment", "Previous assessment", "Target"]
    assert "Target: Business alignment and AI strategy 3 Reproducible" in (
        root.find(SVG + "desc").text
    )


def test_radar_rejects_a_target_with_other_axes():
    with pytest.raises(ValueError, match="same axes"):
        radar_chart(SECTIONS, target=SECTIONS[:-1])


# --- Heatmap -----------------------------------------------------------------

COMPONENTS = [
    ("Data versioning and lineage", 2),
    ("Data quality & validation", 0),
    ("Experiment tracking", 4),
    ("Drift monitoring", None),
]


def test_heatmap_has_a_row_of_five_cells_per_component_under_level_headers():
    root = parse(heatmap(COMPONENTS, title="Pipeline grid"))

    assert_accessible_svg(root)
    rows = with_class(root, "g", "heatmap-row")
    assert len(rows) == len(COMPONENTS)
    assert all(len(with_class(row, "rect", "heatmap-cell")) == 5 for row in rows)
    headers = [text_of(el) for el in with_class(root, "text", "heatmap-column")]
    assert headers == [
        "0\nNot in place",
        "1\nManual",
        "2\nRepeatable",
        "3\nReproducible",
        "4\nAutomated",
    ]


def test_heatmap_fills_the_level_cell_and_lightly_fills_the_cells_below_it():
    rows = with_class(parse(heatmap(COMPONENTS, title="Grid")), "g", "heatmap-row")

    def classes(row):
        return [cell.get("class") for cell in with_class(row, "rect", "heatmap-cell")]

    below, level, empty = "heatmap-cell heatmap-below", "heatmap-cell heatmap-level", "heatmap-cell"
    assert classes(rows[0]) == [below, below, level, empty, empty]
    assert classes(rows[1]) == [level, empty, empty, empty, empty]
    assert classes(rows[2]) == [below, below, below, below, level]
    assert classes(rows[3]) == [empty] * 5


def test_heatmap_says_not_scored_for_a_component_without_a_level():
    rows = with_class(parse(heatmap(COMPONENTS, title="Grid")), "g", "heatmap-row")

    assert [len(with_class(row, "text", "heatmap-not-scored")) for row in rows] == [0, 0, 0, 1]
    assert rows[3].find(SVG + "title").text == "Drift monitoring: not scored"


def test_heatmap_grows_with_its_rows():
    heights = [float(parse(heatmap(COMPONENTS[:n], title="Grid")).get("height")) for n in (0, 1, 4)]

    assert heights[0] < heights[1] < heights[2]
    assert heights[2] - heights[1] == 3 * (heights[1] - heights[0])


def test_heatmap_escapes_labels_and_title():
    svg = heatmap([(TRICKY_LABEL, 1)], title=TRICKY_LABEL)

    root = parse(svg)
    assert root.find(SVG + "title").text == TRICKY_LABEL
    (label,) = with_class(root, "text", "heatmap-label")
    assert text_of(label) == TRICKY_LABEL
    assert "<ops>" not in svg


@pytest.mark.parametrize("level", [-1, 5, 2.5])
def test_heatmap_rejects_levels_outside_0_to_4(level):
    with pytest.raises(ValueError, match="0 to 4"):
        heatmap([("A", level)], title="Grid")


def test_a_grouped_heatmap_heads_each_group_under_one_row_of_level_headings():
    groups = [("Data", COMPONENTS[:2]), ("Models", COMPONENTS[2:])]
    root = parse(grouped_heatmap(groups, title="Every component"))

    assert_accessible_svg(root)
    assert len(with_class(root, "text", "heatmap-column")) == 5
    assert [text_of(el) for el in with_class(root, "text", "heatmap-group")] == ["Data", "Models"]
    assert len(with_class(root, "g", "heatmap-row")) == len(COMPONENTS)
    desc = root.find(SVG + "desc").text
    assert desc.startswith("Level by component: Data — Data versioning and lineage: Repeatable")
    assert "Models — Experiment tracking: Automated (4)" in desc


def test_a_heatmap_without_tooltips_has_no_row_titles_but_the_same_description():
    with_tips = parse(grouped_heatmap([("Data", COMPONENTS)], title="G"))
    without = parse(grouped_heatmap([("Data", COMPONENTS)], title="G", tooltips=False))

    assert [row.find(SVG + "title") is None for row in with_class(without, "g", "heatmap-row")] == [
        True
    ] * len(COMPONENTS)
    assert all(
        row.find(SVG + "title") is not None for row in with_class(with_tips, "g", "heatmap-row")
    )
    assert without.find(SVG + "desc").text == with_tips.find(SVG + "desc").text


def test_each_titled_group_adds_one_heading_row_and_an_untitled_group_none():
    def height(groups):
        return float(parse(grouped_heatmap(groups, title="G")).get("height"))

    plain = float(parse(heatmap(COMPONENTS, title="G")).get("height"))
    assert height([("", COMPONENTS)]) == plain
    assert height([("Data", COMPONENTS)]) == plain + charts.HEATMAP_GROUP_HEIGHT
    assert height([("Data", COMPONENTS[:2]), ("Models", COMPONENTS[2:])]) == (
        plain + 2 * charts.HEATMAP_GROUP_HEIGHT
    )


# --- Shared ------------------------------------------------------------------


def test_charts_on_one_page_get_distinct_ids_and_the_same_chart_the_same_ids():
    ids = [
        parse(svg).find(SVG + "title").get("id")
        for svg in (
            radar_chart(SECTIONS),
            heatmap(COMPONENTS, title="One"),
            heatmap(COMPONENTS, title="Two"),
        )
    ]

    assert len(set(ids)) == 3
    assert radar_chart(SECTIONS) == radar_chart(SECTIONS)


def test_text_colours_reach_4_5_to_1_and_data_marks_3_to_1_against_white():
    assert contrast_with_white(charts.TEXT_COLOUR) >= 4.5
    assert contrast_with_white(charts.MUTED_TEXT_COLOUR) >= 4.5
    assert contrast_with_white(charts.SCORE_COLOUR) >= 3
    assert contrast_with_white(charts.PREVIOUS_COLOUR) >= 3
    assert contrast_with_white(charts.TARGET_COLOUR) >= 3
    previous = [(label, 1.0) for label, _ in SECTIONS]
    svgs = [
        radar_chart(SECTIONS, previous, target=previous),
        heatmap(COMPONENTS, title="Grid"),
    ]

    for root in map(parse, svgs):
        for element in root.iter():
            tag = element.tag.removeprefix(SVG)
            if tag in ("text", "tspan") and element.get("fill"):
                assert contrast_with_white(element.get("fill")) >= 4.5
        for mark in [
            *with_class(root, "polygon", "radar-score"),
            *with_class(root, "polygon", "radar-previous"),
            *with_class(root, "polygon", "radar-target"),
            *with_class(root, "rect", "heatmap-level"),
        ]:
            assert contrast_with_white(mark.get("stroke")) >= 3
