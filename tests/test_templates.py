"""Rules for the Django templates themselves."""

import re
from pathlib import Path

DJANGO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Django's {# #} comment ends at the line's end: one spanning lines is printed on the page.
MULTILINE_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_django_template_has_a_one_line_comment_that_spans_lines():
    found = [
        f"{path.relative_to(DJANGO_TEMPLATES)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in DJANGO_TEMPLATES.rglob("*.html")
        for text in [path.read_text()]
        for match in MULTILINE_COMMENT.finditer(text)
    ]
    assert found == []
