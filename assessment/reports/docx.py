"""The report as an editable Word document (DOCX), for consultants to edit and add to.

Its content comes from the PDF report's context (``context.report_context``, which is built
from ``results.results_for``): the same levels, reasons, plan and charts, nothing scored
again here. Headings are Word's Heading 1-3, tables have a header row, charts are pictures
drawn from the same SVG as the page and the PDF (``word.chart``). The sections after the
summary are in ``docx_parts.py``.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx.shared import Pt

from assessment.models import Assessment
from assessment.reports import docx_parts, word
from assessment.reports.context import report_context
from assessment.reports.docx_parts import day, level_text, score, status


def report_docx(assessment: Assessment) -> bytes:
    context = report_context(assessment)
    document = word.new_document(
        title=context["title"],
        author=context["author"],
        subject=_("MLOps maturity report"),
        keywords=_("MLOps, maturity, assessment, roadmap"),
    )
    cover(document, context)
    running_header(document, context)
    executive_summary(document, context)
    docx_parts.at_a_glance(document, context)
    docx_parts.improvement_plan(document, context)
    docx_parts.action_plan(document, context)
    docx_parts.method(document, context)
    docx_parts.annex(document, context)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cover(document, context: dict) -> None:
    assessment = context["assessment"]
    brand = word.paragraph(document, _("MLOps Maturity Assessment"), style="Subtitle")
    brand.paragraph_format.space_before = Pt(48)
    word.paragraph(document, context["organisation"], style="Title")
    word.paragraph(document, _("Maturity report: %(title)s") % {"title": assessment.title})
    if context["provisional"]:
        word.paragraph(document, context["provisional_mark"], style="Intense Quote")
    organisation = assessment.organisation
    rows = [
        [
            _("Organisation"),
            f"{context['organisation']}\n"
            f"{organisation.get_sector_display()} · {organisation.get_size_display()}",
        ],
        [
            _("Submitted") if assessment.submitted_at else _("Report date"),
            date_format(context["report_date"], "j F Y"),
        ],
        [_("Overall level"), overall_level(context)],
        [_("Why this level"), context["explanations"]["overall"]],
    ]
    if context["comparison"]:
        rows.append([_("Since last time"), trend(context)])
    rows += [
        [_("Status"), status(assessment)],
        [
            _("Question bank"),
            _("%(title)s, version %(version)s")
            % {"title": assessment.bank.title, "version": assessment.bank.version},
        ],
    ]
    facts = document.add_table(rows=0, cols=2)
    facts.style = word.TABLE_STYLE
    for label, value in rows:
        cells = word.add_row(facts, [label, value])
        cells[0].paragraphs[0].runs[0].bold = True
    word.set_widths(facts, [4.5, word.TEXT_WIDTH_CM - 4.5])
    confidential = word.paragraph(document, _("Confidential"), style="Subtitle")
    confidential.paragraph_format.space_before = Pt(24)
    word.paragraph(
        document,
        _(
            "Prepared for %(organisation)s. Levels follow the Digital Catapult (BridgeAI) "
            "MLOps maturity model: 0 Not in place, 1 Manual, 2 Repeatable, 3 Reproducible, "
            "4 Automated. Scores are means on the same 0–4 scale, shown with one decimal."
        )
        % {"organisation": context["organisation"]},
    )
    word.page_break(document)


def running_header(document, context: dict) -> None:
    """Every page but the cover: the organisation and "Confidential" above, page numbers
    below."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    text = _("%(organisation)s · MLOps maturity report · Confidential") % {
        "organisation": context["running_header"]
    }
    if context["provisional"]:
        text += f" · {context['provisional_mark']}"
    word.muted(header, text)
    footer = section.footer.paragraphs[0]
    word.muted(footer, _("Page "))
    word.field(footer, "PAGE")
    word.muted(footer, _(" of "))
    word.field(footer, "NUMPAGES")


def executive_summary(document, context: dict) -> None:
    result = context["result"]
    overall = result.overall
    document.add_heading(_("Executive summary"), level=1)
    if overall.level is None:
        word.paragraph(
            document,
            _("Nothing is scored yet: %(answered)s of %(total)s questions are answered.")
            % {"answered": result.completeness.answered, "total": result.completeness.total},
        )
    else:
        headline = word.paragraph(document)
        headline.add_run(
            _("%(organisation)s is at level %(level)s: %(label)s.")
            % {
                "organisation": word.clean(context["organisation"]),
                "level": overall.level,
                "label": overall.label,
            }
        ).bold = True
        headline.add_run(" ")
        headline.add_run(
            ngettext(
                "Overall score %(score)s out of 4 across %(count)d section.",
                "Overall score %(score)s out of 4 across %(count)d sections.",
                len(context["parts"]),
            )
            % {"score": score(overall.score), "count": len(context["parts"])}
        )
        word.paragraph(document, context["explanations"]["overall"], lead=_("Why this level:"))
        word.paragraph(document, context["level_summary"])
    if context["gate_titles"]:
        word.paragraph(
            document,
            ", ".join(context["gate_titles"]),
            lead=_("Foundations below Repeatable, which cap the overall level at Repeatable:"),
        )
    consultant_verdict(document, context)
    strengths(document, context)
    document.add_heading(_("The three most important next steps"), level=2)
    if overall.level is None:
        word.paragraph(document, _("None yet: the plan starts from the scored answers."))
    elif not context["top_steps"]:
        word.paragraph(document, _("Nothing to improve: every scored component is at its target."))
    for item in context["top_steps"]:
        step = word.paragraph(document, style="List Number")
        step.add_run(word.clean(item.title)).bold = True
        word.muted(
            step,
            f" {item.current_label} → {item.target_label} · {item.horizon}",
        )
        step.add_run(f": {word.clean(item.next_step)}")
    if context["top_steps"]:
        word.paragraph(
            document,
            ngettext(
                "The improvement plan lists %(count)d workstream in three horizons.",
                "The improvement plan lists %(count)d workstreams in three horizons.",
                context["roadmap_total"],
            )
            % {"count": context["roadmap_total"]},
        )


def consultant_verdict(document, context: dict) -> None:
    """The review summary once reviewed, and the consultant's shared notes that are about
    the whole assessment (those on an answer are beside it in the annex)."""
    general = [note for note in context["notes"] if not note.answer_id]
    if not context["review_summary"] and not general:
        return
    document.add_heading(_("The consultant's verdict"), level=2)
    if context["review_summary"]:
        word.paragraph(document, context["review_summary"], style="Quote")
        word.paragraph(document, status(context["assessment"]))
    for note in general:
        note_paragraph = word.paragraph(document, note.text)
        word.muted(
            note_paragraph,
            f" — {note.author or _('Reviewer')}, {day(note.created_at, 'j M Y')}",
        )


def strengths(document, context: dict) -> None:
    document.add_heading(_("Strengths and gaps"), level=2)
    if context["all_equal"]:
        word.paragraph(document, _("Every scored section has the same score."))
        return
    rows = [
        [which, section.title, level_text(section.level, section.label), score(section.score)]
        for which, sections in (
            (_("Strongest"), context["strongest"]),
            (_("Weakest"), context["weakest"]),
        )
        for section in sections
    ]
    if not rows:
        word.paragraph(document, _("No section is scored yet."))
        return
    word.table(
        document,
        [_("Which"), _("Section"), _("Level"), _("Score")],
        rows,
        [2.6, 8.4, 4.0, 2.0],
    )


def overall_level(context: dict) -> str:
    overall = context["result"].overall
    if overall.level is None:
        return _("Not scored yet")
    text = _("Level %(level)s · %(label)s, score %(score)s out of 4") % {
        "level": overall.level,
        "label": overall.label,
        "score": score(overall.score),
    }
    if overall.gated:
        text += _(" (held at Repeatable by the foundation gate)")
    return text


def trend(context: dict) -> str:
    comparison = context["comparison"]
    before = comparison.result.overall
    values = {
        "label": before.label or _("not scored"),
        "score": score(before.score),
        "date": day(comparison.assessment.submitted_at),
    }
    change = context["overall_change"]
    if change is None:  # one of the two is not scored
        return _("The assessment of %(date)s: %(label)s (score %(score)s).") % values
    if change == 0:
        return (
            _("Level unchanged from %(label)s (score %(score)s) in the assessment of %(date)s.")
            % values
        )
    if change > 0:
        text = ngettext(
            "Up %(count)d level from %(label)s (score %(score)s) in the assessment of %(date)s.",
            "Up %(count)d levels from %(label)s (score %(score)s) in the assessment of %(date)s.",
            change,
        )
    else:
        text = ngettext(
            "Down %(count)d level from %(label)s (score %(score)s) in the assessment of %(date)s.",
            "Down %(count)d levels from %(label)s (score %(score)s) in the assessment of %(date)s.",
            -change,
        )
    return text % {**values, "count": abs(change)}
