"""The assessments' admin: the consultants' list, and each assessment's review page with the
score panel, the answers by section, the notes and the review history.

The review steps, the note form and the exports are in admin/review_actions.py.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.admin.mixins import OrganisationSearchMixin, WriteRuleMixin
from assessment.admin.review_actions import (
    ConsultantNoteForm,
    ReviewWorkflowMixin,
    available_review_actions,
    note_answer_choices,
)
from assessment.admin.site import level_label, person, score_text
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    Answer,
    Assessment,
    ConsultantNote,
    Question,
    QuestionBank,
    ReviewEvent,
)
from assessment.results import results_for


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    answer: Answer | None
    notes: list[ConsultantNote]

    @property
    def status(self) -> str:
        return "unanswered" if self.answer is None else self.answer.status

    @property
    def shown_answer(self) -> str:
        if self.answer is None:
            return gettext("Not answered")
        if self.answer.status == Answer.Status.ANSWERED:
            return self.answer.choice.statement
        if self.answer.status == Answer.Status.DONT_KNOW:
            return gettext("Don't know (scored as Not in place)")
        return gettext("Not applicable")

    @property
    def level(self) -> int | None:
        if self.answer is not None and self.answer.status == Answer.Status.ANSWERED:
            return self.answer.choice.level
        return None

    @property
    def label(self) -> str:
        return "" if self.level is None else LEVEL_LABELS[self.level]

    @property
    def answered_by(self) -> str:
        if self.answer is None or self.answer.answered_by_id is None:
            return ""
        return person(self.answer.answered_by)


class BankVersionFilter(admin.RelatedFieldListFilter):
    """The question bank an assessment is pinned to, listed by version."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("bank version")

    def field_choices(self, field, request, model_admin):
        return [
            (pk, gettext("v%(version)s (%(status)s)") % {"version": version, "status": status})
            for pk, version, status in QuestionBank.objects.order_by("-created_at").values_list(
                "pk", "version", "status"
            )
        ]


class AssessmentChangeList(ChangeList):
    """Fetches the page's organisations and banks in two small queries instead of joins.

    Joined, a planner may start from the joined tables and sort every assessment (SQLite
    does once ANALYZE has run: 80 ms instead of 1 ms on 100,000 rows; PostgreSQL sorts
    twice as long); alone, the assessments are read in the order of their index.
    """

    def apply_select_related(self, qs):
        return qs.prefetch_related(*self.list_select_related)


@admin.register(Assessment)
class AssessmentAdmin(
    ReviewWorkflowMixin, OrganisationSearchMixin, WriteRuleMixin, admin.ModelAdmin
):
    list_display = [
        "title",
        "organisation",
        "status",
        "submitted",
        "bank_version",
        "level",
        "answered",
    ]
    list_filter = [
        "status",
        "overall_level",
        "organisation__sector",
        "organisation__size",
        ("bank", BankVersionFilter),
        "submitted_at",
    ]
    search_fields = ["organisation__name", "organisation__memberships__user__email"]
    search_help_text = _(
        "Search by organisation name or a member's e-mail address (or part of it)."
    )
    list_select_related = ["organisation", "bank"]  # prefetched: see AssessmentChangeList
    # Newest submissions first, drafts (never submitted) last, on SQLite and PostgreSQL.
    ordering = [F("submitted_at").desc(nulls_last=True), "-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter option would scan the table
    list_per_page = 50
    actions = ["start_review", "export_answers_csv", "export_component_scores_csv"]

    class Media:
        css = {"all": ["css/admin-review.css"]}

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "title",
                    "bank",
                    "status",
                    "completion",
                    "overall_level_label",
                ]
            },
        ),
        (
            _("Details"),
            {
                "classes": ["collapse"],
                "fields": [
                    "overall_score_text",
                    "created_by",
                    "created_at",
                    "last_edited_by",
                    "updated_at",
                    "submitted_at",
                    "copied_from",
                    "change_request_message",
                    "review_summary",
                    "reviewed_by",
                    "reviewed_at",
                ],
            },
        ),
    ]
    readonly_fields = [
        "organisation",
        "title",
        "bank",
        "status",
        "completion",
        "overall_level_label",
        "overall_score_text",
        "change_request_message",
        "review_summary",
        "reviewed_by",
        "reviewed_at",
        "created_by",
        "created_at",
        "last_edited_by",
        "updated_at",
        "submitted_at",
        "copied_from",
    ]

    def may_write(self, request, operation, obj) -> bool:
        # The questionnaire is answered in the app; here everything is read-only, status
        # changes only through the review steps, and only a superuser deletes.
        return operation == "delete" and request.user.is_superuser

    def get_changelist(self, request, **kwargs):
        return AssessmentChangeList

    def get_object(self, request, object_id, from_field=None):
        # change_view and changeform_view both ask; one query serves the request.
        cache = request.__dict__.setdefault("_assessment_admin_objects", {})
        key = (str(object_id), from_field)
        if key not in cache:
            queryset = self.get_queryset(request).select_related(
                "organisation",
                "bank",
                "created_by",
                "last_edited_by",
                "reviewed_by",
                "copied_from__organisation",
            )
            try:
                cache[key] = queryset.get(pk=int(object_id))
            except (Assessment.DoesNotExist, ValueError, TypeError):
                cache[key] = None
        return cache[key]

    # List columns

    @admin.display(description=_("Submitted"), ordering="submitted_at")
    def submitted(self, obj: Assessment) -> str:
        return "—" if obj.submitted_at is None else date_format(localtime(obj.submitted_at))

    @admin.display(description=_("Bank"), ordering="bank__version")
    def bank_version(self, obj: Assessment) -> str:
        return f"v{obj.bank.version}"

    @admin.display(description=_("Overall level"), ordering="overall_level")
    def overall_level_label(self, obj: Assessment) -> str:
        return level_label(obj.overall_level)

    @admin.display(description=_("Level"), ordering="overall_level")
    def level(self, obj: Assessment) -> str:
        return "—" if obj.overall_level is None else LEVEL_LABELS[obj.overall_level]

    @admin.display(description=_("Answered"), ordering="answered_count")
    def answered(self, obj: Assessment) -> str:
        return f"{obj.answered_count}/{obj.bank.question_count}"

    @admin.display(description=_("Overall score"), ordering="overall_score")
    def overall_score_text(self, obj: Assessment) -> str:
        return score_text(obj.overall_score)

    @admin.display(description=_("Answered"), ordering="answered_count")
    def completion(self, obj: Assessment) -> str:
        total = obj.bank.question_count
        percent = round(100 * obj.answered_count / total) if total else 0
        return f"{obj.answered_count}/{total} ({percent}%)"

    # The review page

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        assessment = self.get_object(request, unquote(object_id))
        if assessment is not None and self.has_view_permission(request, assessment):
            extra_context["review"] = self.review_context(request, assessment)
        return super().change_view(request, object_id, form_url, extra_context)

    def review_context(self, request, assessment: Assessment) -> dict:
        """Answers by section, the score, notes and history, in a constant number of queries."""
        results = results_for(assessment)
        structure, answers, result = results.structure, results.answers, results.result
        notes = list(
            ConsultantNote.objects.filter(assessment=assessment)
            .select_related("author", "answer__question")
            .order_by("created_at", "id")
        )
        notes_by_answer: dict[int, list[ConsultantNote]] = defaultdict(list)
        for note in notes:
            note.author_name = person(note.author)
            if note.answer_id:
                notes_by_answer[note.answer_id].append(note)
        events = list(
            ReviewEvent.objects.filter(assessment=assessment)
            .select_related("actor")
            .order_by("created_at", "id")
        )
        for event in events:
            event.actor_name = person(event.actor)
        sections = []
        for section, section_result in zip(structure.sections, result.sections, strict=True):
            components = []
            for component, component_result in zip(
                section.components_list, section_result.components, strict=True
            ):
                rows = []
                for question in component.questions_list:
                    answer = answers.get(question.pk)
                    rows.append(
                        AnswerRow(
                            question=question,
                            answer=answer,
                            notes=notes_by_answer.get(answer.pk, []) if answer else [],
                        )
                    )
                components.append(
                    {
                        "component": component,
                        "result": component_result,
                        "rows": rows,
                        "explanation": results.explanations[component_result.slug],
                    }
                )
            sections.append(
                {
                    "section": section,
                    "result": section_result,
                    "components": components,
                    "explanation": results.explanations[section_result.slug],
                }
            )
        titles = {component.slug: component.title for component in structure.components}
        can_review = self.has_review_permission(request)
        return {
            "result": result,
            "sections": sections,
            "explanations": results.explanations,
            "gate_components": [titles[slug] for slug in result.overall.gate_components],
            "percent_answered": results.percent_answered,
            "notes": notes,
            "events": events,
            "actions": available_review_actions(assessment) if can_review else [],
            "can_review": can_review,
            "can_add_note": request.user.has_perm("assessment.add_consultantnote"),
            "note_form": ConsultantNoteForm(answer_choices=note_answer_choices(structure, answers)),
            "links": self.links(assessment),
            "reviewed_by": person(assessment.reviewed_by) if assessment.reviewed_by_id else "",
        }

    def links(self, assessment: Assessment) -> dict[str, str]:
        links = {"json": reverse("admin:assessment_assessment_export_json", args=[assessment.pk])}
        for key, name in (("results", "assessment_results"), ("report", "assessment_report")):
            with suppress(NoReverseMatch):  # a page not (yet) part of this deployment
                links[key] = reverse(name, args=[assessment.pk])
        return links
