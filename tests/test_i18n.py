"""User-facing text is marked for translation (issue 13 §1), and marking it changed nothing.

The Python check reads the modules listed below and reports any literal (plain or f-string)
given where a person reads it: a message (messages.*, message_user, JsonResponse's
"message"), a ValidationError, a form or admin label, help text, empty label or
description, a form's error_messages, a page's heading or explanation.

The template check reads each template listed below as text and reports, with file and line,
any words a visitor would see that are not inside {% translate %} or {% blocktranslate %}:
text between HTML tags, the attributes a browser shows or reads out (title, alt,
aria-label, placeholder), and string literals handed to a template as text
(``{% include ... with heading="..." %}``, ``|default:"..."``).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from assessment.forms import AudienceCheckForm, SignupForm

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# The templates whose text is checked here (others are marked and checked by their owners).
CHECKED = sorted(
    [
        *(TEMPLATES / "registration").glob("*.html"),
        *(TEMPLATES / "registration").glob("*.txt"),
        *(
            TEMPLATES / "assessment" / name
            for name in (
                "dashboard.html",
                "members.html",
                "overview.html",
                "review.html",
                "home.html",
                "organisation_delete.html",
                "report_preparing.html",
                "_status.html",
                "_progress.html",
                "_change.html",
                "_conflict.html",
                "_nav_link.html",
                "_carried_over_section.html",
                "_carried_over_review.html",
                "_answer_changes.html",
            )
        ),
        *(
            TEMPLATES / name
            for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html")
        ),
        TEMPLATES / "_error.html",
        TEMPLATES / "admin" / "base_site.html",
        TEMPLATES / "admin" / "assessment" / "assessment" / "action_form.html",
    ]
)

COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S)
BLOCK_TRANSLATIONS = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
# Blocks whose content is markup, not text (the admin's <body> classes).
NOT_TEXT_BLOCKS = re.compile(r"\{%\s*block\s+bodyclass\s*%\}.*?\{%\s*endblock\b.*?%\}", re.S)
TRANSLATE_TAGS = re.compile(r"\{%\s*trans(?:late)?\s.*?%\}", re.S)
TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
HTML_TAGS = re.compile(r"<[!/]?[a-zA-Z][^>]*>", re.S)
SHOWN_ATTRIBUTES = re.compile(
    r"""\b(title|alt|aria-label|placeholder)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.S
)
# A literal given to a template as a value (with x="...", |default:"..."); a date format
# (date:"j M Y") is not one.
TEXT_LITERALS = re.compile(r"""(?:=|\|default:|\|default_if_none:)\s*(?:"([^"]*)"|'([^']*)')""")
ENTITIES = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
LETTER = re.compile(r"[^\W\d_]")


def blank(match: re.Match) -> str:
    """The match's place kept, and its line breaks, so that line numbers still count."""
    return "\n" * match.group(0).count("\n")


def is_text(value: str) -> bool:
    value = ENTITIES.sub("", TEMPLATE_TAGS.sub("", value))
    return bool(LETTER.search(value))


def unmarked_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of visible text outside the translation tags."""
    source = COMMENTS.sub(blank, source)
    source = BLOCK_TRANSLATIONS.sub(blank, source)
    source = TRANSLATE_TAGS.sub(blank, source)
    source = NOT_TEXT_BLOCKS.sub(blank, source)
    found = []

    def line_of(position: int, text: str = source) -> int:
        return text.count("\n", 0, position) + 1

    for tag in TEMPLATE_TAGS.finditer(source):
        for literal in TEXT_LITERALS.finditer(tag.group(0)):
            value = literal.group(1) if literal.group(1) is not None else literal.group(2)
            if is_text(value) and (" " in value.strip() or value[:1].isupper()):
                found.append((line_of(tag.start()), value))
    for attribute in SHOWN_ATTRIBUTES.finditer(source):
        value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        if is_text(value):
            found.append((line_of(attribute.start()), f"{attribute.group(1)}={value!r}"))
    text = TEMPLATE_TAGS.sub(blank, source)
    text = HTML_TAGS.sub(lambda match: blank(match) or " ", text)
    position = 0
    for piece in re.split(r"(\s{2,}|\n)", text):
        if piece and is_text(piece):
            found.append((line_of(position, text), piece.strip()))
        position += len(piece)
    return found


def test_the_checked_templates_exist():
    missing = [str(path) for path in CHECKED if not path.exists()]
    assert not missing
    assert len(CHECKED) > 30


def test_every_user_facing_string_of_the_checked_templates_is_marked_for_translation():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{line}: {text}"
        for path in CHECKED
        for line, text in unmarked_text(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "Not marked for translation:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>Hello there</p>", ["Hello there"]),
        ('<p>{% translate "Hello" %} world</p>', ["world"]),
        ("{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}", []),
        (
            '{% blocktranslate with a=b trimmed %}One\n  <a href="{{ u }}">two</a>'
            "{% endblocktranslate %}",
            [],
        ),
        ('<a title="Up from {{ x }}">▲</a>', ["title='Up from {{ x }}'"]),
        ('<nav aria-label="{% translate "Breadcrumb" %}">', []),
        ('{% include "_error.html" with code=404 heading="Page not found" %}', ["Page not found"]),
        ('{{ when|date:"j M Y, H:i" }} {{ id|default:"main" }}', []),
        ("{{ wait|default:'15 minutes' }}", ["15 minutes"]),
        ("{% load static %}<!doctype html>\n<p>&rsaquo; · 10/10 — ✓</p>", []),
        ("{% block bodyclass %}{{ block.super }} app-{{ a }}{% endblock %}", []),
        ("{# A note #}{% comment %}Translators: about it{% endcomment %}", []),
        ("<p>\n  {{ a }}\n</p>\n<p>Second line</p>", [(4, "Second line")]),
    ],
)
def test_the_check_finds_unmarked_text_and_only_that(source, expected):
    found = unmarked_text(source)
    if expected and isinstance(expected[0], tuple):
        assert found == expected
    else:
        assert [text for _, text in found] == expected


@pytest.mark.parametrize("path", CHECKED, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_each_checked_template_compiles_in_another_language(path):
    with translation.override("de"):
        get_template(str(path.relative_to(TEMPLATES)))


def test_python_texts_are_marked():
    """A few strings of the forms, proven to go through gettext: under a language whose
    catalogue has them (Django's own), they change; ours stay as they are."""
    with translation.override("de"):
        assert str(SignupForm().fields["password1"].help_text).startswith("<ul><li>Das Passwort")
    assert str(AudienceCheckForm.base_fields["stage"].label) == (
        "Where is your organisation with machine learning?"
    )


@pytest.mark.django_db
def test_pages_render_unchanged_under_another_language(client, alice, assessment_a):
    """No catalogue of ours exists yet: under German, Django's own texts change and ours
    read as before; nothing breaks."""
    with translation.override("de"):
        home = client.get(reverse("home"))
        assert home.status_code == 200
        assert "How ready are your machine-learning models for production?" in home.text

        login = client.post(reverse("login"), {"username": "", "password": ""})
        assert "Dieses Feld ist zwingend erforderlich." in login.text  # Django's catalogue
        assert "Forgotten your password?" in login.text

        assert client.get(reverse("home"), {"stage": "exploring"}).status_code == 200
        assert client.get("/no-such-page/").status_code == 404

        client.force_login(alice)
        pages = [
            reverse("dashboard"),
            reverse("members"),
            reverse("organisation_delete"),
            reverse("assessment_overview", args=[assessment_a.pk]),
            reverse("assessment_review", args=[assessment_a.pk]),
            reverse("password_change"),
        ]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
        review = client.get(reverse("assessment_review", args=[assessment_a.pk])).text
        assert "questions still need an answer" in review
        assert "Submit assessment" in review


PYTHON = sorted(
    [
        *(Path(settings.BASE_DIR) / "assessment" / "views").glob("*.py"),
        *(Path(settings.BASE_DIR) / "assessment" / "forms").glob("*.py"),
        *(Path(settings.BASE_DIR) / "assessment" / "services").glob("*.py"),
        *(Path(settings.BASE_DIR) / "assessment" / "admin").glob("*.py"),
        Path(settings.BASE_DIR) / "assessment" / "questionnaire.py",
        Path(settings.BASE_DIR) / "assessment" / "refusals.py",
        Path(settings.BASE_DIR) / "maturity_site" / "middleware.py",
    ]
)
MESSAGE_FUNCTIONS = {"success", "error", "info", "warning", "debug", "add_message", "message_user"}
TEXT_KEYWORDS = {"label", "help_text", "empty_label", "description", "search_help_text"}
TEXT_KEYS = {"message", "heading", "explanation", "intro", "title", "invalid_login"}


def is_literal_text(node) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and is_text(node.value)


def called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def unmarked_python(source: str) -> list[tuple[int, str]]:
    """(line, text) of every literal given where a person reads it, outside gettext."""
    found = []
    for node in ast.walk(ast.parse(source)):
        candidates = []
        if isinstance(node, ast.Call):
            name = called(node)
            if name in MESSAGE_FUNCTIONS:
                candidates += node.args[1:2]
            if name == "ValidationError":
                candidates += node.args[:1]
            candidates += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in TEXT_KEYWORDS for target in node.targets
        ):
            candidates.append(node.value)
        elif isinstance(node, ast.Dict):
            candidates += [
                value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value in TEXT_KEYS
            ]
        found += [(c.lineno, ast.unparse(c)) for c in candidates if is_literal_text(c)]
    return found


def test_every_user_facing_string_of_the_checked_modules_is_marked_for_translation():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for path in PYTHON
        for line, text in unmarked_python(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "Not marked for translation:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('messages.success(request, "Saved.")', ["'Saved.'"]),
        ('messages.success(request, f"Hi {name}")', ["f'Hi {name}'"]),
        ('messages.success(request, _("Saved."))', []),
        ('self.message_user(request, "Done.", messages.SUCCESS)', ["'Done.'"]),
        ('raise forms.ValidationError("No match.")', ["'No match.'"]),
        ('raise ValidationError(_("No match."))', []),
        ('x = forms.CharField(label="Name", help_text=_("Yours"))', ["'Name'"]),
        ('render(r, "t.html", {"heading": "Oops", "code": 400})', ["'Oops'"]),
        ('JsonResponse({"status": "ok", "message": _("Fine")})', []),
        ('search_help_text = "Search by name."', ["'Search by name.'"]),
        ('logger.info("organisation data exported")', []),
    ],
)
def test_the_python_check_finds_unmarked_text_and_only_that(source, expected):
    assert [text for _, text in unmarked_python(source)] == expected
