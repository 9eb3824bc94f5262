"""The review workflow on an assessment: its steps and their texts, the forms, the pages that
take a step or add a note, the JSON export and the changelist actions.

AssessmentAdmin (admin/review.py) gets them from ReviewWorkflowMixin.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment import documents, exports, selectors, services
from assessment.models import COMMENT_MAX_LENGTH, Answer, Assessment
from assessment.refusals import transition_refused
from assessment.structure import bank_structure

Status = Assessment.Status
REVIEW_MESSAGE_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class ReviewAction:
    """One review step, with every text a consultant sees for it."""

    slug: str
    to_status: str
    button: str
    intro: str  # the first line of the step's page
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
            button=_("Start review"),
            intro=_(
                "The organisation sees the assessment as “in review”. Its answers stay locked."
            ),
            field_label=_("Note for the review history (optional)"),
            help_text=_("Only consultants see this note."),
            required_message="",
            done=_("Review started."),
        ),
        ReviewAction(
            slug="request-changes",
            to_status=Status.CHANGES_REQUESTED,
            button=_("Request changes"),
            intro=_(
                "The assessment goes back to the organisation: its members can change their "
                "answers and submit again."
            ),
            field_label=_("Message to the organisation"),
            help_text=_(
                "Shown on the organisation's dashboard. Its members can then change their "
                "answers and submit again."
            ),
            required_message=_("Say what the organisation should change."),
            done=_("Changes requested: the organisation can edit its answers and resubmit."),
        ),
        ReviewAction(
            slug="mark-reviewed",
            to_status=Status.REVIEWED,
            button=_("Mark reviewed"),
            intro=_(
                "This ends the review. The summary is printed in the organisation's PDF report."
            ),
            field_label=_("Review summary"),
            help_text=_("Appears in the organisation's PDF report."),
            required_message=_("Write a review summary: it appears in the organisation's report."),
            done=_("Marked reviewed. The summary now appears in the PDF report."),
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
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"required": _("A note needs some text.")},
    )
    answer = forms.TypedChoiceField(
        label=_("About"), coerce=int, required=False, empty_value=None, choices=()
    )
    shared = forms.BooleanField(
        label=_("Share with the organisation"),
        required=False,
        help_text=_(
            "Shared notes appear on the organisation's results page and in the PDF report. "
            "Other notes stay internal to consultants."
        ),
    )

    def __init__(self, *args, answer_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", _("The assessment as a whole")), *answer_choices]


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


class ReviewWorkflowMixin:
    """The assessment admin's review pages, JSON export and changelist actions."""

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("assessment.change_assessment")

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
            raise Http404(gettext("No such assessment."))
        return assessment

    def review_view(self, request, object_id, action):
        spec = REVIEW_ACTIONS.get(action)
        if spec is None:
            raise Http404(gettext("No such review action."))
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
                    self.message_user(request, transition_refused(error), messages.ERROR)
                    return HttpResponseRedirect(self.change_url(assessment))
                self.log_change(request, assessment, f"{spec.button}.")
                self.message_user(request, spec.done, messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(assessment))
        else:
            if spec not in available_review_actions(assessment):
                self.message_user(
                    request,
                    gettext("“%(action)s” is not possible: this assessment is %(status)s.")
                    % {"action": spec.button, "status": assessment.get_status_display().lower()},
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
            intro=spec.intro,
        )

    def add_note_view(self, request, object_id):
        if not request.user.has_perm("assessment.add_consultantnote"):
            raise PermissionDenied
        assessment = self.get_viewable(request, object_id)
        structure = bank_structure(assessment.bank)
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
                        gettext("Note shared with the organisation.")
                        if form.cleaned_data["shared"]
                        else gettext("Internal note added."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self.after_note_url(request, assessment, answer))
        else:
            initial = {}
            if request.GET.get("answer", "").isdigit():
                initial["answer"] = int(request.GET["answer"])
            form = ConsultantNoteForm(answer_choices=choices, initial=initial)
        return self.render_action_page(
            request,
            assessment,
            form=form,
            title=gettext("Add a note: %(title)s") % {"title": assessment.title},
            submit=gettext("Add note"),
            action_url=reverse("admin:assessment_assessment_add_note", args=[assessment.pk]),
            intro=gettext("Notes are internal to consultants unless you share them."),
        )

    def after_note_url(self, request, assessment: Assessment, answer: Answer | None) -> str:
        """Back to the notes, or, for a note written beside its answer, to that answer with
        the answer filter the page had."""
        if answer is None or not request.POST.get("in_place"):
            return self.change_url(assessment, "notes")
        url = self.change_url(assessment)
        show = request.POST.get("show", "")
        if show.isidentifier():
            url = f"{url}?{urlencode({'show': show})}"
        return f"{url}#answer-{answer.pk}"

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
            documents.assessment_document(assessment),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.pk}.json"'
        return response

    @admin.action(description=_("Start review of the selected assessments"), permissions=["review"])
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
                    examples.append(
                        f"{assessment.title} (#{assessment.pk}): {transition_refused(error)}"
                    )
            else:
                started += 1
        if started:
            self.message_user(
                request,
                gettext("Review started for %(count)d assessment(s).") % {"count": started},
                messages.SUCCESS,
            )
        if refused:
            parts = [
                gettext("%(count)d assessment(s) could not start review.") % {"count": refused},
                *examples,
            ]
            if refused > len(examples):
                parts.append(gettext("And %(count)d more.") % {"count": refused - len(examples)})
            self.message_user(request, " ".join(parts), messages.ERROR)

    @admin.action(description=_("Export answers as CSV"), permissions=["view"])
    def export_answers_csv(self, request, queryset):
        return exports.answers_csv_response(queryset)

    @admin.action(description=_("Export component scores as CSV"), permissions=["view"])
    def export_component_scores_csv(self, request, queryset):
        return exports.component_scores_csv_response(queryset)
