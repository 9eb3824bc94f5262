"""Rows the workflow writes about an assessment: answers, the review history, notes."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.admin.mixins import AssessmentRecordAdmin
from assessment.admin.site import level_label
from assessment.models import Answer, ConsultantNote, ReviewEvent


@admin.register(Answer)
class AnswerAdmin(AssessmentRecordAdmin):
    """Answers as the respondents saved them: nobody edits them here."""

    list_display = ["pk", "assessment_title", "question_slug", "status", "level", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["assessment", "question", "choice"]
    ordering = ["-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fields = ["assessment", "question", "status", "choice", "comment", "answered_by", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("Assessment"), ordering="assessment_id")
    def assessment_title(self, obj: Answer) -> str:
        return f"#{obj.assessment_id} {obj.assessment.title}"

    @admin.display(description=_("Question"), ordering="question__slug")
    def question_slug(self, obj: Answer) -> str:
        return obj.question.slug

    @admin.display(description=_("Level"))
    def level(self, obj: Answer) -> str:
        return level_label(obj.choice.level if obj.choice else None)


@admin.register(ReviewEvent)
class ReviewEventAdmin(AssessmentRecordAdmin):
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

    @admin.display(description=_("Assessment"), ordering="assessment__title")
    def assessment_title(self, obj: ReviewEvent) -> str:
        return str(obj.assessment)


@admin.register(ConsultantNote)
class ConsultantNoteAdmin(AssessmentRecordAdmin):
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

    def may_write(self, request, operation, obj) -> bool:
        if operation == "add":
            return False  # a note is written on its assessment's page, which knows the answers
        if operation == "change":
            return obj is None or request.user.is_superuser or obj.author_id == request.user.pk
        return True

    @admin.display(description=_("Note"))
    def preview(self, obj: ConsultantNote) -> str:
        return Truncator(obj.text).chars(80)

    @admin.display(description=_("Assessment"), ordering="assessment__title")
    def assessment_title(self, obj: ConsultantNote) -> str:
        return str(obj.assessment)

    @admin.display(description=_("Assessment"))
    def assessment_link(self, obj: ConsultantNote) -> str:
        url = reverse("admin:assessment_assessment_change", args=[obj.assessment_id])
        return format_html('<a href="{}#notes">{}</a>', url, obj.assessment)

    @admin.display(description=_("About the answer to"))
    def question(self, obj: ConsultantNote) -> str:
        return obj.answer.question.slug if obj.answer else gettext("The assessment as a whole")
