"""What the PDF report shows: its HTML, from templates under templates/assessment/report/.

The report shares the result, the roadmap and the SVG charts with the results page
(``results.results_context``). docs/report.md describes the fonts, the URL fetcher, the
render-time guard and the stored files.
"""

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from assessment import results, team
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    ConsultantNote,
    ReportBranding,
)
from assessment.reports import board
from assessment.reports.fetcher import BRANDING_LOGO_BASE, STATIC_BASE

TEMPLATE = "assessment/report/report.html"

# Every text a person typed is cut to a fixed length, so the input of a report (and so
# its render time) is bounded by the size of the question bank.
MAX_COMMENT_CHARS = COMMENT_MAX_LENGTH
MAX_SUMMARY_CHARS = 8000
RUNNING_HEADER_CHARS = 45
FILENAME_SLUG_CHARS = 60

# "Noto Color Emoji" is deliberately not named: named in a stack, Pango draws digits
# with its bitmap glyphs (0-9 are emoji keycap bases). Fontconfig falls back to it for
# real emoji anyway. See docs/report.md.
# Arabic before DejaVu Sans, which has Arabic glyphs of its own that read less well.
FONT_STACK = '"Noto Sans", "Noto Sans Arabic", "DejaVu Sans", "Noto Sans CJK SC", sans-serif'
AUTHOR = "MLOps Maturity Assessment"

LEVEL_SUMMARIES = {
    0: "Most of the practices asked about are not in place yet, or nobody could say how "
    "they are done. Machine learning work depends on a few people and would be hard to "
    "repeat if they were away.",
    1: "Machine learning work gets done, but by hand and case by case: it depends on the "
    "people who do it and on what they remember. Results can be produced; repeating them "
    "exactly is hard.",
    2: "Work follows documented procedures, code and data are under version control, and "
    "scripts do the routine steps, but people start and check each step. Results can be "
    "repeated; they are not yet produced by pipelines.",
    3: "Work runs in versioned, orchestrated pipelines with CI/CD and tracked artefacts, "
    "and people approve the key steps. Any model can be rebuilt from its recorded inputs.",
    4: "Pipelines are triggered automatically, with validation gates, alerts and rollback; "
    "people handle the exceptions. The practice improves itself with little manual effort.",
}


def report_filename(assessment: Assessment) -> str:
    """``mlops-maturity-<organisation-slug>-<date>.pdf``; ASCII only, safe in a header."""
    slug = slugify(assessment.organisation.name)
    if len(slug) > FILENAME_SLUG_CHARS:  # cut at a word
        slug = slug[: FILENAME_SLUG_CHARS + 1].rsplit("-", 1)[0]
    day = timezone.localdate(assessment.submitted_at) if assessment.submitted_at else None
    suffix = "" if day and not _is_provisional(assessment) else "-draft"
    day = day or timezone.localdate()
    return f"mlops-maturity-{slug or 'organisation'}-{day.isoformat()}{suffix}.pdf"


def report_html(assessment: Assessment, *, board_only: bool = False) -> str:
    """The full report (board report, then the annex), or the board report alone."""
    return render_to_string(TEMPLATE, {**report_context(assessment), "board_only": board_only})


def report_context(assessment: Assessment) -> dict:
    assessment_results = results.results_for(assessment)
    context = assessment_results.page_context(viewer=AnonymousUser())
    result = context["result"]
    structure = context["structure"]
    answers = context["answers"]
    shared_notes = [_Note(note) for note in context["shared_notes"]]
    component_titles = {c.slug: c.title for c in structure.components}
    scored = [section for section in result.sections if section.score is not None]
    best = max((section.score for section in scored), default=None)
    worst = min((section.score for section in scored), default=None)
    organisation = assessment.organisation.name
    provisional = _is_provisional(assessment)
    # A draft's report is dated by its last change: the same data, the same report.
    when = assessment.submitted_at or assessment.updated_at

    # A section the respondents said does not apply is left out of the report (it is not
    # in context["sections"]), and the sections that remain are numbered without a gap.
    shown = [structure.section(part["result"].slug) for part in context["sections"]]
    parts = [
        {**part, "number": number, "anchor": f"part-{section.slug}", "intro": section.intro}
        for number, (section, part) in enumerate(
            zip(shown, context["sections"], strict=True), start=1
        )
    ]

    comparison = context["comparison"]
    for part in parts:
        previous = comparison.result.section(part["result"].slug) if comparison else None
        part["previous_score"] = previous.score if previous else None
        part["score_change"] = (
            part["result"].score - previous.score
            if previous and previous.score is not None and part["result"].score is not None
            else None
        )
    report = {
        **context,
        "title": f"MLOps maturity report: {organisation}",
        "author": AUTHOR,
        "organisation": organisation,
        "running_header": _clip(organisation, RUNNING_HEADER_CHARS),
        "report_date": timezone.localtime(when),
        "provisional": provisional,
        "provisional_mark": _provisional_mark(assessment),
        "static_base": STATIC_BASE,
        "font_stack": FONT_STACK,
        "level_labels": LEVEL_LABELS,
        "level_scale": list(LEVEL_LABELS.items()),
        "level_summary": LEVEL_SUMMARIES.get(result.overall.level),
        "strongest": [s for s in scored if s.score == best] if best != worst else [],
        "weakest": [s for s in scored if s.score == worst] if best != worst else [],
        "all_equal": bool(scored) and best == worst,
        "gate_titles": [component_titles[slug] for slug in result.overall.gate_components],
        "top_steps": context["roadmap"].top(3),
        "roadmap_total": len(context["roadmap"].workstreams),
        "to_find_out": [
            {"text": item.text, "component": component_titles.get(item.component, "")}
            for item in context["roadmap"].to_find_out
        ],
        "radar": _svg(context["radar"]),
        "parts": parts,
        "comparison_rows": _comparison_rows(context) if context["comparison"] else [],
        "component_changes": _component_changes(context) if context["comparison"] else [],
        "overall_change": _overall_change(context) if context["comparison"] else None,
        "appendix": _appendix(shown, answers, shared_notes),
        "review_summary": _clip(assessment.review_summary, MAX_SUMMARY_CHARS)
        if assessment.status == Assessment.Status.REVIEWED
        else "",
        "notes": shared_notes,
        "reviewer": (
            assessment.reviewed_by.get_full_name() or "a consultant"
            if assessment.reviewed_by_id
            else ""
        ),
    }
    report.update(board.board_context(report))
    report["branding"] = _branding()
    report["team"] = team.calibration_if_team(assessment, assessment_results)
    return report


def _branding() -> dict | None:
    branding = ReportBranding.objects.first()
    if branding is None:
        return None
    return {
        "name": branding.name,
        "accent": branding.accent,
        "logo_url": (
            f"{BRANDING_LOGO_BASE}{branding.updated_at:%Y%m%d%H%M%S%f}" if branding.logo else ""
        ),
    }


def _is_provisional(assessment: Assessment) -> bool:
    return assessment.submitted_at is None or assessment.is_editable


def _provisional_mark(assessment: Assessment) -> str:
    if assessment.status == Assessment.Status.CHANGES_REQUESTED:
        return "Provisional — changes requested, not resubmitted"
    return "Provisional — not submitted"


def _svg(markup: str) -> str:
    # The charts name a generic family; the report names its own so that the charts
    # use the same typeface as the text around them.
    return markup.replace('font-family="sans-serif"', f"font-family='{FONT_STACK}'", 1)


def _clip(text: str, limit: int) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


class _Note:
    """A shared consultant note, with its text cut to the stored maximum."""

    def __init__(self, note: ConsultantNote):
        self.text = _clip(note.text, MAX_COMMENT_CHARS)
        self.answer_id = note.answer_id
        self.question = note.answer.question.text if note.answer_id else ""
        self.created_at = note.created_at
        self.author = (note.author.get_full_name() or "Your reviewer") if note.author else ""


def _comparison_rows(context: dict) -> list[dict]:
    previous = context["comparison"].result
    rows = []
    for part in context["sections"]:
        section = part["result"]
        try:
            previous_score = previous.section(section.slug).score
        except KeyError:  # not in the previous assessment's bank
            previous_score = None
        rows.append(
            {
                "title": section.title,
                "level": section.level,
                "label": section.label,
                "score": section.score,
                "previous_level": part["previous_level"],
                "previous_label": part["previous_label"],
                "previous_score": previous_score,
                "change": part["change"],
            }
        )
    return rows


def _component_changes(context: dict) -> list:
    """Components whose level went up (biggest first), then those that went down."""
    rows = [row for part in context["sections"] for row in part["components"] if row.change]
    return sorted(rows, key=lambda row: (row.change < 0, -abs(row.change)))


def _overall_change(context: dict) -> int | None:
    now = context["result"].overall.level
    before = context["comparison"].result.overall.level
    return None if now is None or before is None else now - before


def _appendix(sections_shown, answers: dict[int, Answer], notes: list[_Note]) -> list[dict]:
    notes_by_answer: dict[int, list[_Note]] = {}
    for note in notes:
        if note.answer_id:
            notes_by_answer.setdefault(note.answer_id, []).append(note)
    sections = []
    for section_number, section in enumerate(sections_shown, start=1):
        components = []
        question_number = 0
        for component in section.components_list:
            questions = []
            for question in component.questions_list:
                question_number += 1
                answer = answers.get(question.pk)
                questions.append(
                    {
                        "number": f"{section_number}.{question_number}",
                        "text": question.text,
                        "status": answer.status if answer else "unanswered",
                        "level": answer.choice.level if answer and answer.choice else None,
                        "label": LEVEL_LABELS[answer.choice.level]
                        if answer and answer.choice
                        else None,
                        "statement": answer.choice.statement if answer and answer.choice else "",
                        "comment": _clip(answer.comment, MAX_COMMENT_CHARS) if answer else "",
                        "notes": notes_by_answer.get(answer.pk, []) if answer else [],
                    }
                )
            components.append({"title": component.title, "questions": questions})
        sections.append(
            {
                "number": section_number,
                "title": section.title,
                "anchor": f"appendix-{section.slug}",
                "components": components,
            }
        )
    return sections
