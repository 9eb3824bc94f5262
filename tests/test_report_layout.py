"""The report's typography, read from the rendered PDF (issue 16): the measure of running
text, annex pages that are not left mostly blank, and step texts printed once.

Two renders of a realistic reviewed v2 assessment (tests/realistic.py): the board report
alone and the full pack.
"""

import io
import statistics

import pytest
from pypdf import PdfReader

from assessment.reports.context import report_context, report_html
from assessment.reports.rendering import render_pdf
from assessment.results import results_for
from tests.realistic import VERDICT, realistic_v2_assessment

MM = 72 / 25.4
# The page's text body (static/css/report.css, @page): A4, 24 mm top and 20 mm bottom
# margins. PDF coordinates run upwards from the bottom edge.
BODY_TOP, BODY_BOTTOM = (297 - 24) * MM, 20 * MM


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def reviewed(org_a, alice, bob, consultant):
    return realistic_v2_assessment(org_a, alice, bob, consultant)


def broken_lines(pdf: bytes, paragraphs: list[str]) -> list[str]:
    """The lines the paragraphs were broken into on the pages, without each paragraph's
    last line (which is as short as its text makes it). Lines of 40 characters or fewer
    are left out: a paragraph's other lines are longer, and a short line of other text
    (a heading) may happen to be part of a paragraph."""
    reader = PdfReader(io.BytesIO(pdf))
    lines = [flat(line) for page in reader.pages for line in page.extract_text().splitlines()]
    found = []
    for paragraph in map(flat, paragraphs):
        found += [
            line
            for line in lines
            if len(line) > 40 and line in paragraph and not paragraph.endswith(line)
        ]
    return found


def test_running_text_keeps_65_to_80_characters_a_line(reviewed):
    context = report_context(reviewed)
    board = render_pdf(report_html(reviewed, board_only=True))
    full = render_pdf(report_html(reviewed))

    decisions = [str(decision) for decision in context["board_decisions"]]
    whys = [priority.why for priority in context["board_priorities"]]
    board_lines = broken_lines(board, [VERDICT, context["level_summary"], *decisions, *whys])
    meanings = [
        f"What this level means: {row.current.looks_like}"
        for part in context["parts"]
        for row in part["components"]
        if row.current is not None
    ]
    annex_lines = broken_lines(full, meanings)

    for lines in (board_lines, annex_lines):
        lengths = sorted(len(line) for line in lines)
        assert len(lengths) >= 6, lines
        assert 65 <= statistics.median(lengths) <= 80, lengths
        # Where a long word goes to the next line a line is shorter; none is longer.
        assert lengths[-1] <= 82, lines[-1]
        assert sum(65 <= length <= 80 for length in lengths) >= 0.8 * len(lengths), lines


def lowest_text(page) -> float:
    """How far down the page's body its text reaches, from 0 (top) to 1 (bottom)."""
    heights = []

    def visit(text, cm, tm, font, size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and BODY_BOTTOM <= y <= BODY_TOP:
            heights.append(y)

    page.extract_text(visitor_text=visit)
    return (BODY_TOP - min(heights)) / (BODY_TOP - BODY_BOTTOM) if heights else 0.0


def test_no_annex_page_is_left_mostly_blank_and_every_step_is_printed_once(reviewed):
    pdf = render_pdf(report_html(reviewed))
    reader = PdfReader(io.BytesIO(pdf))
    texts = [flat(page.extract_text()) for page in reader.pages]

    annex = next(i for i, text in enumerate(texts) if "Contents" in text)
    # Every annex page but the last (which ends where the answers end) is at least half
    # full: no chapter starts a page of its own after the results by section.
    filled = {
        i + 1: round(lowest_text(reader.pages[i]), 2) for i in range(annex + 1, len(texts) - 1)
    }
    assert len(filled) >= 10
    assert {page: fill for page, fill in filled.items() if fill < 0.5} == {}

    text = " ".join(texts)
    steps = [flat(item.next_step) for item in results_for(reviewed).roadmap.items]
    assert len(steps) >= 3
    assert {step: text.count(step) for step in steps if text.count(step) != 1} == {}


def test_the_changed_components_are_grouped_by_section_with_falls_first(reviewed):
    groups = report_context(reviewed)["change_groups"]

    changed = [row for group in groups for row in group.falls + group.rises]
    assert changed and all(row.change for row in changed)
    assert len({row.result.slug for row in changed}) == len(changed)  # each once
    for group in groups:
        assert [row.change for row in group.falls] == sorted(row.change for row in group.falls)
        assert all(row.change < 0 for row in group.falls) and all(r.change > 0 for r in group.rises)
    with_falls = [bool(group.falls) for group in groups]
    assert with_falls == sorted(with_falls, reverse=True)  # the sections with a fall first
    html = report_html(reviewed)
    assert "Components that changed level, by section" in html
    first = groups[0].falls[0] if groups[0].falls else groups[0].rises[0]
    assert html.index(first.result.title, html.index("Fell, then rose")) > 0
