"""What axe cannot see (issue 20): where focus is, what a screen reader is told, whether an
error is announced. Each test runs at desktop and phone width."""

import json

import pytest
import yaml

from assessment.levels import LEVEL_LABELS
from assessment.models import Question
from tests import factories
from tests.e2e.conftest import horizontal_overflow, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = [1280, 390]
SECTION = "/assessments/{draft}/sections/data-management/"
GRID = "/assessments/{draft}/sections/pipeline-grid/"
RESULTS = "/assessments/{submitted}/results/"

# The WCAG contrast ratio of two CSS colours, and the colour an element is drawn on (its
# ancestors' backgrounds, blended, over white).
CONTRAST_JS = """
const parse = (css) => {
  const m = css.match(/rgba?\\(([^)]*)\\)/);
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const luminance = ([r, g, b]) => {
  const c = [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
};
const backgroundOf = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const colour = parse(getComputedStyle(e).backgroundColor);
    if (colour && colour[3] > 0) {
      layers.push(colour);
      if (colour[3] === 1) break;
    }
  }
  let result = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    result = [0, 1, 2].map((i) => [r, g, b][i] * a + result[i] * (1 - a));
  }
  return result;
};
"""

FOCUS_STOP_JS = (
    "() => {"
    + CONTRAST_JS
    + """
  const e = document.activeElement;
  if (!e || e === document.body || e.dataset.tabStop) return null;  // the end, or round again
  e.dataset.tabStop = "seen";
  const style = getComputedStyle(e);
  const kind = e.tagName.toLowerCase() + (e.type ? "[" + e.type + "]" : "")
    + (e.getAttribute("role") ? "[role=" + e.getAttribute("role") + "]" : "");
  const outline = parse(style.outlineColor);
  // The outline is drawn outside the element (outline-offset), on its parent's background.
  const behind = backgroundOf(e.parentElement || e);
  return {
    kind,
    what: kind + " " + (e.id || e.className) + " " + e.textContent.trim().slice(0, 40),
    outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor,
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    contrast: outline ? contrast(outline, behind) : 0,
  };
}"""
)


def member_page(new_page, width, javascript=True):
    page = new_page(width=width, javascript=javascript)
    log_in(page, "alice@acme.example", factories.PASSWORD)
    return page


def tab_through(page, limit=250) -> list[dict]:
    """Every focus stop of the page, in order, from the first Tab to the last."""
    stops = []
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP_JS)
        if stop is None:
            break
        stops.append(stop)
    return stops


# --- 1.4.11: a focus indicator of at least 3:1 on every control ---------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path, kinds",
    [
        (SECTION, {"a", "button[submit]", "input[radio]", "textarea[textarea]", "summary"}),
        (GRID, {"a", "button[submit]", "input[radio]", "textarea[textarea]", "summary"}),
        (RESULTS, {"a"}),
    ],
)
def test_every_focus_stop_shows_an_indicator_of_at_least_3_to_1(
    assessments, new_page, width, path, kinds
):
    page = member_page(new_page, width)
    page.goto(path.format(**assessments))
    # One comment box open, so that its textarea is a stop too.
    page.evaluate(
        "() => document.querySelectorAll('details:has(textarea)')[0]?.setAttribute('open', '')"
    )
    stops = tab_through(page)

    assert kinds <= {stop["kind"] for stop in stops}, [stop["kind"] for stop in stops]
    faint = [
        (stop["what"], stop["outline"], round(stop["contrast"], 2))
        for stop in stops
        if not stop["visible"] or stop["contrast"] < 3
    ]
    assert faint == []


# --- 1.3.1: the pipeline grid read as a table of named radios ------------------------------


def snapshot_nodes(snapshot: str) -> list[str]:
    """Every node of an ARIA snapshot (YAML), in order, as 'role "name"'."""

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for key, children in node.items():
                yield key
                yield from walk(children)
        elif isinstance(node, list):
            for child in node:
                yield from walk(child)

    return list(walk(yaml.safe_load(snapshot)))


def names_of(role: str, snapshot: str) -> list[str]:
    return [
        json.loads(node.removeprefix(role + " "))
        for node in snapshot_nodes(snapshot)
        if node.startswith(role + ' "')
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_grid_radio_says_its_question_level_and_statement(assessments, new_page, width):
    page = member_page(new_page, width)
    page.goto(GRID.format(**assessments))
    snapshot = page.locator("table.grid-table").aria_snapshot()

    expected = []
    for question in Question.objects.filter(component__section__slug="pipeline-grid").order_by(
        "component__order", "order"
    ):
        for choice in question.choices.order_by("level"):
            expected.append((question.text, str(LEVEL_LABELS[choice.level]), choice.statement))
        if question.allows_not_applicable:
            expected.append((question.text, "Not applicable", ""))
        expected.append((question.text, "Don't know", ""))
    names = names_of("radio", snapshot)

    assert len(names) == len(expected), snapshot
    for name, (question, level, statement) in zip(names, expected, strict=True):
        assert question in name and level in name and statement in name, (name, level)
    # Still a table: a row per question under the header row, no radiogroup replacing them.
    assert "radiogroup" not in snapshot
    assert len([node for node in snapshot_nodes(snapshot) if node.startswith("row ")]) == (
        1 + Question.objects.filter(component__section__slug="pipeline-grid").count()
    )


# --- Errors: linked, legible, announced ----------------------------------------------------


def fail_a_save(page, path):
    """A comment without an answer on the page's first question: the page comes back with
    an error."""
    page.goto(path)
    box = page.locator("textarea").first
    box.evaluate("e => e.closest('details').open = true")
    box.fill("a comment without an answer")
    page.locator("button[value=next]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [SECTION, GRID])
def test_an_invalid_question_is_described_by_its_error_in_legible_text(
    assessments, new_page, width, path
):
    page = member_page(new_page, width)
    fail_a_save(page, path.format(**assessments))

    error = page.locator("p[id^=error-]").first
    error_id = error.get_attribute("id")
    question_id = error_id.removeprefix("error-")
    fields = page.locator(
        f"#q-{question_id} input[type=radio], #q-{question_id} textarea"
    ).evaluate_all("es => es.map(e => e.id + ': ' + (e.getAttribute('aria-describedby') || ''))")
    assert fields
    assert [field for field in fields if error_id not in field.split(": ")[1].split()] == []
    ratio = error.evaluate(
        "e => {"
        + CONTRAST_JS
        + "return contrast(parse(getComputedStyle(e).color), backgroundOf(e)); }"
    )
    assert ratio >= 4.5


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_failed_save_is_announced_by_the_title_and_the_focused_summary(
    assessments, new_page, width, javascript
):
    page = member_page(new_page, width, javascript=javascript)
    fail_a_save(page, SECTION.format(**assessments))

    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.evaluate(
        "() => document.querySelector('main').innerText.trim()"
        ".startsWith(document.getElementById('error-summary').innerText.trim())"
    )


@pytest.mark.parametrize("javascript", [True, False])
def test_a_failed_sign_up_is_announced_by_the_title_and_the_focused_summary(
    bank, new_page, javascript
):
    page = new_page(javascript=javascript)
    page.goto("/signup/")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    page.goto("/signup/")
    assert not page.title().startswith("Error")


# --- Targets, order, names -----------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_the_grid_comment_toggles_are_at_least_24px_tall(assessments, new_page, width):
    page = member_page(new_page, width)
    page.goto(GRID.format(**assessments))
    heights = page.locator(".grid-table summary").evaluate_all(
        "es => es.map(e => e.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= 24


@pytest.mark.parametrize("width", WIDTHS)
def test_the_section_menu_is_drawn_where_the_tab_order_reaches_it(assessments, new_page, width):
    page = member_page(new_page, width)
    page.goto(SECTION.format(**assessments))
    # The menu follows the questions and their Save buttons in the page; so must it on screen
    # (to their right, or below them), not in a column to their left.
    content, menu = (
        page.locator(selector).bounding_box() for selector in (".sticky-actions", ".section-nav")
    )
    first_question = page.locator(".question").first.bounding_box()
    assert menu["x"] >= first_question["x"] + first_question["width"] - 1 or (
        menu["y"] >= content["y"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_results_table_is_wider_than_the_screen_with_every_disclosure_open(
    assessments, new_page, width
):
    page = member_page(new_page, width)
    page.goto(RESULTS.format(**assessments))
    page.locator("details").evaluate_all("es => es.forEach(e => e.open = true)")

    assert page.locator("table.section-table").count() == 1
    assert horizontal_overflow(page) == []


def test_the_heatmap_is_a_table_with_headers_and_each_level_named(assessments, new_page):
    page = member_page(new_page, 1280)
    page.goto(RESULTS.format(**assessments))
    page.click("text=Level of every component")
    heat = page.locator("table.heat").first

    headers = heat.locator("thead th").all_text_contents()
    assert headers == ["Component", "0", "1", "2", "3", "4"]
    names = set(heat.locator("td.heat-on abbr").evaluate_all("es => es.map(e => e.title)"))
    assert names and names <= {
        f"{label}{suffix}"
        for label in ("Not in place", "Manual", "Repeatable", "Reproducible", "Automated")
        for suffix in ("", ", unchanged")
    }
    assert heat.locator("th[scope=row]").count() == heat.locator("td.heat-on").count()


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_links_within_text_are_underlined(assessments, consultant, new_page, width):
    page = new_page(width=width)
    page.goto("/admin/login/")
    page.fill("#id_username", consultant.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/assessment/assessment/?q=year")
    links = page.locator("#changelist .quiet a, #changelist .paginator a").evaluate_all(
        "es => es.map(e => [e.textContent.trim(), getComputedStyle(e).textDecorationLine])"
    )
    assert links
    assert [text for text, decoration in links if "underline" not in decoration] == []
