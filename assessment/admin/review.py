"""The assessments' admin: the consultants' list, and each assessment's review page with the
summary, the score panel, the answers by section, the notes and the review history.

The list's filters and columns are in admin/review_list.py, what the review page shows in
admin/review_page.py, the review steps, the note form and the exports in
admin/review_actions.py, assignment in admin/review_assign.py.
"""

from __future__ import annotations

from contextlib import suppress

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment import team
from assessment.admin import review_page
from assessment.admin.mixins import OrganisationSearchMixin, WriteRuleMixin
from assessment.admin.review_actions import (
    ConsultantNoteForm,
    ReviewWorkflowMixin,
    available_review_actions,
    note_answer_choices,
)
from assessment.admin.review_assign import AssignmentMixin
from assessment.admin.review_list import (
    AssigneeFilter,
    BankVersionFilter,
    CohortFilter,
    ReviewListMixin,
    WaitingFilter,
)
from assessment.admin.site import level_label, person, score_text
from assessment.changes import answer_changes
from assessment.models import Assessment, ConsultantNote, ReviewEvent
from assessment.results import results_for


@admin.register(Assessment)
class AssessmentAdmin(
    AssignmentMixin,
    ReviewWorkflowMixin,
    ReviewListMixin,
    OrganisationSearchMixin,
    WriteRuleMixin,
    admin.ModelAdmin,
):
    list_display = [
        "title",
        "organisation",
        "status",
        "submitted",
        "waiting",
        "assignee",
        "cohort",
        "bank_version",
        "level",
        "answered",
    ]
    list_filter = [
        "status",
        AssigneeFilter,
        WaitingFilter,
        CohortFilter,
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
    # Prefetched, not joined: see AssessmentChangeList.
    list_select_related = ["organisation", "bank", "assigned_to"]
    # Newest submissions first, drafts (never submitted) last, on SQLite and PostgreSQL.
    ordering = [F("submitted_at").desc(nulls_last=True), "-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter option would scan the table
    list_per_page = 50
    actions = [
        "start_review",
        "assign_to_me",
        "export_answers_csv",
        "export_component_scores_csv",
    ]

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
                "assigned_to",
                "copied_from__organisation",
            )
            try:
                cache[key] = queryset.get(pk=int(object_id))
            except (Assessment.DoesNotExist, ValueError, TypeError):
                cache[key] = None
        return cache[key]

    # Fields of the change page

    @admin.display(description=_("Overall level"), ordering="overall_level")
    def overall_level_label(self, obj: Assessment) -> str:
        return level_label(obj.overall_level)

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
        if assessment is None or not self.has_view_permission(request, assessment):
            return super().change_view(request, object_id, form_url, extra_context)
        extra_context["review"] = self.review_context(request, assessment)
        # Every time on the page in the organisation's zone: rendered inside it.
        with timezone.override(assessment.organisation.zone):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def review_context(self, request, assessment: Assessment) -> dict:
        """The summary, answers by section, score, notes and history, in a constant number
        of queries."""
        results = results_for(assessment)
        structure, answers, result = results.structure, results.answers, results.result
        notes = list(
            ConsultantNote.objects.filter(assessment=assessment)
            .select_related("author", "answer__question")
            .order_by("created_at", "id")
        )
        events = list(
            ReviewEvent.objects.filter(assessment=assessment)
            .select_related("actor", "assigned_to")
            .order_by("created_at", "id")
        )
        for event in events:
            event.actor_name = person(event.actor)
            event.assignee_name = person(event.assigned_to) if event.assigned_to_id else ""
        request_event = review_page.last_change_request(events)
        show = request.GET.get("show", "")
        if show not in review_page.ANSWER_FILTERS or (
            show == "since_request" and request_event is None
        ):
            show = ""
        changes = answer_changes(assessment, results=results)
        sections = review_page.answer_sections(
            results=results, changes=changes, notes=notes, request_event=request_event, show=show
        )
        titles = {component.slug: component.title for component in structure.components}
        titles |= {section.slug: section.title for section in structure.sections}
        can_review = self.has_review_permission(request)
        return {
            "result": result,
            "team": team.calibration_if_team(assessment, results),
            "sections": sections,
            "summary": review_page.summarise(sections, changes, notes),
            "held_back": [
                (titles[slug], results.explanations[slug]) for slug in review_page.held_back(result)
            ],
            "show": show,
            "filters": review_page.filter_links(show, has_request=request_event is not None),
            "request_event": request_event,
            "time_zone": assessment.organisation.time_zone,
            "explanations": results.explanations,
            "gate_components": [titles[slug] for slug in result.overall.gate_components],
            "percent_answered": results.percent_answered,
            "notes": notes,
            "events": events,
            "actions": available_review_actions(assessment) if can_review else [],
            "assignment": self.assignment_context(request, assessment),
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
