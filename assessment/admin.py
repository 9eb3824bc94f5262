"""The Django admin: consultants review submissions, administrators manage banks and users.

Consultants are staff in the "Consultants" group (migration 0003): they can view
organisations, assessments and answers, move assessments through review, write notes and
export. Assessments and answers are read-only for everyone here: answers belong to the
respondents, and status changes go through services.review_transition so that every step
is validated and recorded. docs/admin.md describes the screens.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass

import yaml
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime

from assessment import exports, selectors, services
from assessment.bank import (
    FILE_STATUSES,
    BankFileError,
    BankNotDraft,
    BankVersionTaken,
    bank_to_data,
    copy_bank_as_draft,
    next_draft_version,
    publish_bank,
    refresh_question_count,
)
from assessment.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    Choice,
    Component,
    ComponentGuidance,
    ConsultantNote,
    Invitation,
    Membership,
    Organisation,
    Question,
    QuestionBank,
    ReviewEvent,
    Section,
)
from assessment.scoring import LEVEL_LABELS

Status = Assessment.Status
REVIEW_MESSAGE_MAX_LENGTH = 10_000

admin.site.site_header = "MLOps Maturity Assessment — administration"
admin.site.site_title = "MLOps Maturity admin"
admin.site.index_title = "Reviews, question banks and accounts"
# The review tables are wide; the sidebar would squeeze them at laptop widths, and the
# breadcrumbs and the index already lead everywhere.
admin.site.enable_nav_sidebar = False


def person(user) -> str:
    """How a user is named on review pages; accounts can be deleted."""
    if user is None:
        return "(deleted account)"
    return user.get_full_name() or user.email or user.get_username()


def level_label(level: int | None) -> str:
    return "—" if level is None else f"{level} · {LEVEL_LABELS[level]}"


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


# --- Review workflow --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewAction:
    slug: str
    to_status: str
    button: str
    field_label: str
    help_text: str
    required_message: str  # "" when the message is optional
    done: str


REVIEW_ACTIONS = {
    action.slug: action
    for action in (
        ReviewAction(
            slug="start",
            to_status=Status.IN_REVIEW,
            button="Start review",
            field_label="Note for the review history (optional)",
            help_text="Only consultants see this note.",
            required_message="",
            done="Review started.",
        ),
        ReviewAction(
            slug="request-changes",
            to_status=Status.CHANGES_REQUESTED,
            button="Request changes",
            field_label="Message to the organisation",
            help_text="Shown on the organisation's dashboard. Its members can then change "
            "their answers and submit again.",
            required_message="Say what the organisation should change.",
            done="Changes requested: the organisation can edit its answers and resubmit.",
        ),
        ReviewAction(
            slug="mark-reviewed",
            to_status=Status.REVIEWED,
            button="Mark reviewed",
            field_label="Review summary",
            help_text="Appears in the organisation's PDF report.",
            required_message="Write a review summary: it appears in the organisation's report.",
            done="Marked reviewed. The summary now appears in the PDF report.",
        ),
    )
}


def available_review_actions(assessment: Assessment) -> list[ReviewAction]:
    """The review steps the workflow allows from the assessment's current status."""
    return [
        action
        for action in REVIEW_ACTIONS.values()
        if (assessment.status, action.to_status) in services.CONSULTANT_TRANSITIONS
    ]


class ReviewMessageForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        max_length=REVIEW_MESSAGE_MAX_LENGTH,
    )

    def __init__(self, *args, action: ReviewAction, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        field.label = action.field_label
        field.help_text = action.help_text
        field.required = bool(action.required_message)
        if action.required_message:
            field.error_messages["required"] = action.required_message


class ConsultantNoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"required": "A note needs some text."},
    )
    answer = forms.TypedChoiceField(
        label="About", coerce=int, required=False, empty_value=None, choices=()
    )
    shared = forms.BooleanField(
        label="Share with the organisation",
        required=False,
        help_text="Shared notes appear on the organisation's results page and in the PDF "
        "report. Other notes stay internal to consultants.",
    )

    def __init__(self, *args, answer_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", "The assessment as a whole"), *answer_choices]


def note_answer_choices(structure: selectors.BankStructure, answers: dict[int, Answer]) -> list:
    """Answered questions grouped by section, for the note form's "About" list."""
    groups = []
    for section in structure.sections:
        options = [
            (
                answers[question.pk].pk,
                f"{question.slug}: {Truncator(question.text).chars(90)}",
            )
            for component in section.components_list
            for question in component.questions_list
            if question.pk in answers
        ]
        if options:
            groups.append((section.title, options))
    return groups


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
            return "Not answered"
        if self.answer.status == Answer.Status.ANSWERED:
            return self.answer.choice.statement
        if self.answer.status == Answer.Status.DONT_KNOW:
            return "Don't know (scored as Not in place)"
        return "Not applicable"

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


# --- Assessments ------------------------------------------------------------------------


def matching_organisations(term: str):
    """Ids of organisations whose name, or a member's e-mail address, contains the term."""
    by_member = Membership.objects.filter(user__email__icontains=term).values("organisation_id")
    return Organisation.objects.filter(Q(name__icontains=term) | Q(pk__in=by_member)).values("pk")


class BankVersionFilter(admin.RelatedFieldListFilter):
    """The question bank an assessment is pinned to, listed by version."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "bank version"

    def field_choices(self, field, request, model_admin):
        return [
            (pk, f"v{version} ({status})")
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
class AssessmentAdmin(admin.ModelAdmin):
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
    search_help_text = "Search by organisation name or a member's e-mail address (or part of it)."
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
            "Details",
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

    # The questionnaire is answered in the app; here everything is read-only, and status
    # changes only through the review actions below.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("assessment.change_assessment")

    def get_changelist(self, request, **kwargs):
        return AssessmentChangeList

    def get_queryset(self, request):
        # The snapshot is a large JSON document that no admin page shows.
        return super().get_queryset(request).defer("result_snapshot")

    def get_search_results(self, request, queryset, search_term):
        # The matching organisations first (a small table), then their assessments by the
        # indexed organisation_id: no DISTINCT over the assessments, no duplicates.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(organisation__in=matching_organisations(term)), False

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

    @admin.display(description="Submitted", ordering="submitted_at")
    def submitted(self, obj: Assessment) -> str:
        return "—" if obj.submitted_at is None else date_format(localtime(obj.submitted_at))

    @admin.display(description="Bank", ordering="bank__version")
    def bank_version(self, obj: Assessment) -> str:
        return f"v{obj.bank.version}"

    @admin.display(description="Overall level", ordering="overall_level")
    def overall_level_label(self, obj: Assessment) -> str:
        return level_label(obj.overall_level)

    @admin.display(description="Level", ordering="overall_level")
    def level(self, obj: Assessment) -> str:
        return "—" if obj.overall_level is None else LEVEL_LABELS[obj.overall_level]

    @admin.display(description="Answered", ordering="answered_count")
    def answered(self, obj: Assessment) -> str:
        return f"{obj.answered_count}/{obj.bank.question_count}"

    @admin.display(description="Overall score", ordering="overall_score")
    def overall_score_text(self, obj: Assessment) -> str:
        return score_text(obj.overall_score)

    @admin.display(description="Answered", ordering="answered_count")
    def completion(self, obj: Assessment) -> str:
        total = obj.bank.question_count
        percent = round(100 * obj.answered_count / total) if total else 0
        return f"{obj.answered_count}/{total} ({percent}%)"

    # Custom pages

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/review/<slug:action>/",
                wrap(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            path(
                "<int:object_id>/notes/",
                wrap(self.add_note_view),
                name="{}_{}_add_note".format(*info),
            ),
            path(
                "<int:object_id>/export.json",
                wrap(self.export_json_view),
                name="{}_{}_export_json".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_url(self, assessment: Assessment, fragment: str = "") -> str:
        url = reverse("admin:assessment_assessment_change", args=[assessment.pk])
        return f"{url}#{fragment}" if fragment else url

    def get_viewable(self, request, object_id) -> Assessment:
        if not self.has_view_permission(request):
            raise PermissionDenied
        assessment = self.get_object(request, object_id)
        if assessment is None:
            raise Http404("No such assessment.")
        return assessment

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        assessment = self.get_object(request, unquote(object_id))
        if assessment is not None and self.has_view_permission(request, assessment):
            extra_context["review"] = self.review_context(request, assessment)
        return super().change_view(request, object_id, form_url, extra_context)

    def review_context(self, request, assessment: Assessment) -> dict:
        """Answers by section, the score, notes and history, in a constant number of queries."""
        structure = selectors.bank_structure(assessment.bank)
        answers = selectors.answers_by_question(assessment)
        result = selectors.score(structure, answers)
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
                    {"component": component, "result": component_result, "rows": rows}
                )
            sections.append(
                {"section": section, "result": section_result, "components": components}
            )
        titles = {component.slug: component.title for component in structure.components}
        can_review = self.has_review_permission(request)
        return {
            "result": result,
            "sections": sections,
            "gate_components": [titles[slug] for slug in result.overall.gate_components],
            "percent_answered": round(
                100 * result.completeness.answered / result.completeness.total
            )
            if result.completeness.total
            else 0,
            "notes": notes,
            "general_notes": [note for note in notes if not note.answer_id],
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

    def review_view(self, request, object_id, action):
        spec = REVIEW_ACTIONS.get(action)
        if spec is None:
            raise Http404("No such review action.")
        if not self.has_review_permission(request):
            raise PermissionDenied
        assessment = self.get_viewable(request, object_id)
        if request.method == "POST":
            form = ReviewMessageForm(request.POST, action=spec)
            if form.is_valid():
                try:
                    services.review_transition(
                        assessment=assessment,
                        to_status=spec.to_status,
                        consultant=request.user,
                        message=form.cleaned_data["message"],
                    )
                except services.TransitionError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return HttpResponseRedirect(self.change_url(assessment))
                self.log_change(request, assessment, f"{spec.button}.")
                self.message_user(request, spec.done, messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(assessment))
        else:
            if spec not in available_review_actions(assessment):
                self.message_user(
                    request,
                    f"“{spec.button}” is not possible: this assessment is "
                    f"{assessment.get_status_display().lower()}.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(self.change_url(assessment))
            initial = {"message": assessment.review_summary} if spec.slug == "mark-reviewed" else {}
            form = ReviewMessageForm(action=spec, initial=initial)
        return self.render_action_page(
            request,
            assessment,
            form=form,
            title=f"{spec.button}: {assessment.title}",
            submit=spec.button,
            action_url=reverse(
                "admin:assessment_assessment_review", args=[assessment.pk, spec.slug]
            ),
            intro={
                "start": "The organisation sees the assessment as “in review”. Its answers "
                "stay locked.",
                "request-changes": "The assessment goes back to the organisation: its "
                "members can change their answers and submit again.",
                "mark-reviewed": "This ends the review. The summary is printed in the "
                "organisation's PDF report.",
            }[spec.slug],
        )

    def add_note_view(self, request, object_id):
        if not request.user.has_perm("assessment.add_consultantnote"):
            raise PermissionDenied
        assessment = self.get_viewable(request, object_id)
        structure = selectors.bank_structure(assessment.bank)
        answers = selectors.answers_by_question(assessment)
        choices = note_answer_choices(structure, answers)
        if request.method == "POST":
            form = ConsultantNoteForm(request.POST, answer_choices=choices)
            if form.is_valid():
                answer_id = form.cleaned_data["answer"]
                answer = next((a for a in answers.values() if a.pk == answer_id), None)
                try:
                    services.add_consultant_note(
                        assessment=assessment,
                        author=request.user,
                        text=form.cleaned_data["text"],
                        shared=form.cleaned_data["shared"],
                        answer=answer,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        "Note shared with the organisation."
                        if form.cleaned_data["shared"]
                        else "Internal note added.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self.change_url(assessment, "notes"))
        else:
            initial = {}
            if request.GET.get("answer", "").isdigit():
                initial["answer"] = int(request.GET["answer"])
            form = ConsultantNoteForm(answer_choices=choices, initial=initial)
        return self.render_action_page(
            request,
            assessment,
            form=form,
            title=f"Add a note: {assessment.title}",
            submit="Add note",
            action_url=reverse("admin:assessment_assessment_add_note", args=[assessment.pk]),
            intro="Notes are internal to consultants unless you share them.",
        )

    def render_action_page(self, request, assessment, *, form, title, submit, action_url, intro):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": assessment,
            "title": title,
            "form": form,
            "submit": submit,
            "action_url": action_url,
            "intro": intro,
            "change_url": self.change_url(assessment),
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/assessment/assessment/action_form.html", context)

    def export_json_view(self, request, object_id):
        assessment = self.get_viewable(request, object_id)
        response = JsonResponse(
            exports.assessment_document(assessment),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.json"'
        return response

    # Changelist actions

    @admin.action(description="Start review of the selected assessments", permissions=["review"])
    def start_review(self, request, queryset):
        started, refused, examples = 0, 0, []
        for assessment in (
            queryset.select_related(None).only("pk", "title", "status").order_by("pk")
        ):
            try:
                services.review_transition(
                    assessment=assessment, to_status=Status.IN_REVIEW, consultant=request.user
                )
            except services.TransitionError as error:
                refused += 1
                if len(examples) < 10:
                    examples.append(f"{assessment.title} (#{assessment.pk}): {error}")
            else:
                started += 1
        if started:
            self.message_user(
                request, f"Review started for {started} assessment(s).", messages.SUCCESS
            )
        if refused:
            more = f" And {refused - len(examples)} more." if refused > len(examples) else ""
            self.message_user(
                request,
                f"{refused} assessment(s) could not start review. " + " ".join(examples) + more,
                messages.ERROR,
            )

    @admin.action(description="Export answers as CSV", permissions=["view"])
    def export_answers_csv(self, request, queryset):
        return exports.answers_csv_response(queryset)

    @admin.action(description="Export component scores as CSV", permissions=["view"])
    def export_component_scores_csv(self, request, queryset):
        return exports.component_scores_csv_response(queryset)


class ReadOnlyAssessmentRecordAdmin(admin.ModelAdmin):
    """Rows that only the workflow writes (answers, review history): viewable, never edited."""

    def get_queryset(self, request):
        return super().get_queryset(request).defer("assessment__result_snapshot")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAssessmentRecordAdmin):
    """Answers as the respondents saved them: nobody edits them here."""

    list_display = ["pk", "assessment_title", "question_slug", "status", "level", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["assessment", "question", "choice"]
    ordering = ["-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ["assessment", "question", "status", "choice", "comment", "answered_by", "updated_at"]
    readonly_fields = fields

    @admin.display(description="Assessment", ordering="assessment_id")
    def assessment_title(self, obj: Answer) -> str:
        return f"#{obj.assessment_id} {obj.assessment.title}"

    @admin.display(description="Question", ordering="question__slug")
    def question_slug(self, obj: Answer) -> str:
        return obj.question.slug

    @admin.display(description="Level")
    def level(self, obj: Answer) -> str:
        return level_label(obj.choice.level if obj.choice else None)


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAssessmentRecordAdmin):
    """The review history: an audit trail, written only by the workflow."""

    list_display = ["created_at", "assessment_title", "from_status", "to_status", "actor"]
    list_filter = ["to_status"]
    list_select_related = ["assessment__organisation", "actor"]
    search_fields = ["assessment__title", "assessment__organisation__name", "actor__email"]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ["assessment", "from_status", "to_status", "actor", "message", "created_at"]
    readonly_fields = fields

    @admin.display(description="Assessment", ordering="assessment__title")
    def assessment_title(self, obj: ReviewEvent) -> str:
        return str(obj.assessment)


@admin.register(ConsultantNote)
class ConsultantNoteAdmin(admin.ModelAdmin):
    """Notes are added on the assessment's page; here their author edits or shares them."""

    list_display = ["preview", "assessment_title", "question", "author", "shared", "created_at"]
    list_filter = ["shared"]
    list_select_related = ["assessment__organisation", "answer__question", "author"]
    search_fields = ["text", "assessment__title", "assessment__organisation__name"]
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ["assessment_link", "question", "author", "created_at", "text", "shared"]
    readonly_fields = ["assessment_link", "question", "author", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("assessment__result_snapshot")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or request.user.is_superuser or obj.author_id == request.user.pk

    @admin.display(description="Note")
    def preview(self, obj: ConsultantNote) -> str:
        return Truncator(obj.text).chars(80)

    @admin.display(description="Assessment", ordering="assessment__title")
    def assessment_title(self, obj: ConsultantNote) -> str:
        return str(obj.assessment)

    @admin.display(description="Assessment")
    def assessment_link(self, obj: ConsultantNote) -> str:
        url = reverse("admin:assessment_assessment_change", args=[obj.assessment_id])
        return format_html('<a href="{}#notes">{}</a>', url, obj.assessment)

    @admin.display(description="About the answer to")
    def question(self, obj: ConsultantNote) -> str:
        return obj.answer.question.slug if obj.answer else "The assessment as a whole"


# --- Organisations and members ------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "email", "role", "joined_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description="E-mail")
    def email(self, obj: Membership) -> str:
        return obj.user.email


class OrganisationAssessmentInline(ReadOnlyInline):
    model = Assessment
    fields = ["title", "status", "bank", "submitted_at", "overall_level"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bank").defer("result_snapshot")


def count_of(model) -> Coalesce:
    """Count(...) of the model's rows that belong to the outer organisation."""
    rows = (
        model.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows), 0)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "size", "member_count", "assessment_count", "created_at"]
    list_filter = ["sector", "size"]
    search_fields = ["name", "memberships__user__email"]
    search_help_text = "Search by name or a member's e-mail address (or part of it)."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    inlines = [MembershipInline, OrganisationAssessmentInline]

    def get_queryset(self, request):
        # Counted per organisation in subqueries: joining both relations at once would
        # multiply members by assessments before counting.
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=count_of(Membership),
                assessment_count=count_of(Assessment),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(pk__in=matching_organisations(term)), False

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count

    @admin.display(description="Assessments", ordering="assessment_count")
    def assessment_count(self, obj: Organisation) -> int:
        return obj.assessment_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    show_full_result_count = False
    raw_id_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token_hash", "invited_by", "created_at", "accepted_at"]
    raw_id_fields = ["organisation"]


# --- Question banks ---------------------------------------------------------------------
# A published or retired bank is immutable: assessments are pinned to it. Only drafts
# change, and their content is validated like a bank file when published.


def bank_of(obj) -> QuestionBank:
    if isinstance(obj, QuestionBank):
        return obj
    if isinstance(obj, Section):
        return obj.bank
    if isinstance(obj, Component):
        return obj.section.bank
    if isinstance(obj, Question | ComponentGuidance):
        return obj.component.section.bank
    if isinstance(obj, Choice):
        return obj.question.component.section.bank
    raise TypeError(f"Not part of a question bank: {obj!r}")


def is_draft_content(obj) -> bool:
    """True for a draft bank's content, and for no object (a model-wide check)."""
    return obj is None or bank_of(obj).status == QuestionBank.Status.DRAFT


SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}


class DraftContentInline(admin.TabularInline):
    """An inline that can change only while the parent's bank is a draft."""

    extra = 0
    formfield_overrides = SMALL_TEXTAREA

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and is_draft_content(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_draft_content(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_draft_content(obj)


class DraftContentAdmin(admin.ModelAdmin):
    """A bank part that can change only while its bank is a draft."""

    # The foreign key to the parent; its select offers only parents in draft banks.
    parent_field: str = ""

    def get_queryset(self, request):
        # Every page, not only the list, reads the bank above (permissions, labels).
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_draft_content(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_draft_content(obj)

    def get_actions(self, request):
        # Bulk delete could reach published content; delete one object at a time instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def parent_choices(self):
        raise NotImplementedError

    def parent_label(self, parent) -> str:
        raise NotImplementedError

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.parent_field:
            kwargs["queryset"] = self.parent_choices()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = self.parent_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_question_count(bank_of(form.instance))

    def delete_model(self, request, obj):
        bank = bank_of(obj)
        super().delete_model(request, obj)
        refresh_question_count(bank)


class SectionInline(DraftContentInline):
    model = Section
    fields = ["order", "slug", "title", "layout"]
    show_change_link = True


class ComponentInline(DraftContentInline):
    model = Component
    fields = ["order", "slug", "title", "foundation", "roadmap_stage"]
    show_change_link = True


class GuidanceInline(DraftContentInline):
    model = ComponentGuidance
    fields = ["level", "looks_like", "next_step"]


class QuestionInline(DraftContentInline):
    model = Question
    fields = ["order", "slug", "text", "allows_not_applicable"]
    show_change_link = True


class ChoiceInline(DraftContentInline):
    model = Choice
    fields = ["level", "statement"]


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "title",
        "status",
        "published_at",
        "question_count",
        "assessment_count",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["version", "title"]
    fields = [
        "version",
        "title",
        "description",
        "status",
        "published_at",
        "question_count",
        "assessment_count",
        "source_hash",
        "created_at",
    ]
    readonly_fields = [
        "status",
        "published_at",
        "question_count",
        "assessment_count",
        "source_hash",
        "created_at",
    ]
    inlines = [SectionInline]
    actions = ["create_draft", "publish", "download_yaml"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(assessment_count=Count("assessments"))

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and is_draft_content(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and is_draft_content(obj)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("assessment.change_questionbank")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_question_count(form.instance)

    @admin.display(description="Assessments", ordering="assessment_count")
    def assessment_count(self, obj: QuestionBank) -> int:
        return obj.assessment_count

    @admin.action(description="Create a new draft from this version", permissions=["add"])
    def create_draft(self, request, queryset):
        for bank in queryset.order_by("pk"):
            try:
                draft = copy_bank_as_draft(bank=bank, version=next_draft_version(bank.version))
            except BankVersionTaken as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.log_addition(request, draft, f"Copied from v{bank.version}.")
            url = reverse("admin:assessment_questionbank_change", args=[draft.pk])
            self.message_user(
                request,
                format_html(
                    'Draft <a href="{}">v{}</a> created from v{}: edit it, then publish it.',
                    url,
                    draft.version,
                    bank.version,
                ),
                messages.SUCCESS,
            )

    @admin.action(
        description="Publish this draft (the published bank retires)", permissions=["publish"]
    )
    def publish(self, request, queryset):
        banks = list(queryset[:2])
        if len(banks) != 1:
            self.message_user(request, "Select exactly one draft to publish.", messages.ERROR)
            return
        bank = banks[0]
        try:
            published = publish_bank(bank=bank)
        except BankNotDraft as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        except BankFileError as error:
            count = len(error.problems)
            self.message_user(
                request,
                f"v{bank.version} was not published: {count} problem"
                f"{'s' if count != 1 else ''} to fix first.",
                messages.ERROR,
            )
            for problem in error.problems:
                self.message_user(request, str(problem), messages.ERROR)
            return
        self.log_change(request, published, "Published.")
        self.message_user(
            request,
            f"v{published.version} is now the published bank: new assessments use it. "
            "Existing assessments keep the version they started on.",
            messages.SUCCESS,
        )

    @admin.action(description="Download as a bank file (YAML)", permissions=["view"])
    def download_yaml(self, request, queryset):
        banks = list(queryset[:2])
        if len(banks) != 1:
            self.message_user(request, "Select exactly one bank to download.", messages.ERROR)
            return None
        bank = banks[0]
        data = bank_to_data(bank)
        if data["status"] not in FILE_STATUSES:  # a retired bank loads back as a draft
            data["status"] = QuestionBank.Status.DRAFT.value
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="question_bank_{bank.version}.yaml"'
        )
        return response


@admin.register(Section)
class SectionAdmin(DraftContentAdmin):
    list_display = ["title", "slug", "bank", "layout", "order"]
    list_filter = ["bank"]
    list_select_related = ["bank"]
    search_fields = ["slug", "title"]
    fields = ["bank", "order", "slug", "title", "intro", "layout"]
    inlines = [ComponentInline]
    parent_field = "bank"

    def parent_choices(self):
        return QuestionBank.objects.filter(status=QuestionBank.Status.DRAFT)

    def parent_label(self, parent: QuestionBank) -> str:
        return f"v{parent.version} (draft)"


@admin.register(Component)
class ComponentAdmin(DraftContentAdmin):
    list_display = ["title", "slug", "section", "bank_version", "foundation", "roadmap_stage"]
    list_filter = ["section__bank", "foundation"]
    list_select_related = ["section__bank"]
    search_fields = ["slug", "title"]
    fields = [
        "section",
        "order",
        "slug",
        "title",
        "description",
        "foundation",
        "roadmap_stage",
    ]
    inlines = [GuidanceInline, QuestionInline]
    parent_field = "section"

    def parent_choices(self):
        return Section.objects.filter(bank__status=QuestionBank.Status.DRAFT).select_related("bank")

    def parent_label(self, parent: Section) -> str:
        return f"v{parent.bank.version} › {parent.title}"

    @admin.display(description="Bank", ordering="section__bank__version")
    def bank_version(self, obj: Component) -> str:
        return f"v{obj.section.bank.version}"


@admin.register(Question)
class QuestionAdmin(DraftContentAdmin):
    list_display = ["slug", "short_text", "component", "bank_version", "allows_not_applicable"]
    list_filter = ["component__section__bank"]
    list_select_related = ["component__section__bank"]
    search_fields = ["slug", "text"]
    fields = ["component", "order", "slug", "text", "help_text", "allows_not_applicable"]
    inlines = [ChoiceInline]
    parent_field = "component"

    def parent_choices(self):
        return Component.objects.filter(
            section__bank__status=QuestionBank.Status.DRAFT
        ).select_related("section__bank")

    def parent_label(self, parent: Component) -> str:
        return f"v{parent.section.bank.version} › {parent.section.title} › {parent.title}"

    @admin.display(description="Text")
    def short_text(self, obj: Question) -> str:
        return Truncator(obj.text).chars(90)

    @admin.display(description="Bank", ordering="component__section__bank__version")
    def bank_version(self, obj: Question) -> str:
        return f"v{obj.component.section.bank.version}"
