"""Question bank versions and their content: sections, components, guidance, questions,
choices.

A published or retired bank is immutable: assessments are pinned to it. Only drafts change,
and their content is validated like a bank file when published.
"""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assessment.admin.mixins import WriteRuleMixin
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
from assessment.models import Choice, Component, ComponentGuidance, Question, QuestionBank, Section


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


class DraftOnlyMixin(WriteRuleMixin):
    """Bank content is added, changed and deleted only while its bank is a draft."""

    def may_write(self, request, operation, obj) -> bool:
        return is_draft_content(obj)


class DraftOnlyAdmin(DraftOnlyMixin, admin.ModelAdmin):
    def get_actions(self, request):
        # Bulk delete could reach published content; delete one object at a time instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}


class DraftContentInline(DraftOnlyMixin, admin.TabularInline):
    extra = 0
    formfield_overrides = SMALL_TEXTAREA


class DraftContentAdmin(DraftOnlyAdmin):
    """A part of a bank: its parent is chosen among draft banks' content."""

    # The foreign key to the parent; its select offers only parents in draft banks.
    parent_field: str = ""

    def get_queryset(self, request):
        # Every page, not only the list, reads the bank above (permissions, labels).
        return super().get_queryset(request).select_related(*self.list_select_related)

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
class QuestionBankAdmin(DraftOnlyAdmin):
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

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("assessment.change_questionbank")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_question_count(form.instance)

    @admin.display(description=_("Assessments"), ordering="assessment_count")
    def assessment_count(self, obj: QuestionBank) -> int:
        return obj.assessment_count

    @admin.action(description=_("Create a new draft from this version"), permissions=["add"])
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
                    gettext(
                        'Draft <a href="{}">v{}</a> created from v{}: edit it, then publish it.'
                    ),
                    url,
                    draft.version,
                    bank.version,
                ),
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Publish this draft (the published bank retires)"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        banks = list(queryset[:2])
        if len(banks) != 1:
            self.message_user(
                request, gettext("Select exactly one draft to publish."), messages.ERROR
            )
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
                ngettext(
                    "v%(version)s was not published: %(count)d problem to fix first.",
                    "v%(version)s was not published: %(count)d problems to fix first.",
                    count,
                )
                % {"version": bank.version, "count": count},
                messages.ERROR,
            )
            for problem in error.problems:
                self.message_user(request, str(problem), messages.ERROR)
            return
        self.log_change(request, published, "Published.")
        self.message_user(
            request,
            gettext(
                "v%(version)s is now the published bank: new assessments use it. "
                "Existing assessments keep the version they started on."
            )
            % {"version": published.version},
            messages.SUCCESS,
        )

    @admin.action(description=_("Download as a bank file (YAML)"), permissions=["view"])
    def download_yaml(self, request, queryset):
        banks = list(queryset[:2])
        if len(banks) != 1:
            self.message_user(
                request, gettext("Select exactly one bank to download."), messages.ERROR
            )
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
        return gettext("v%(version)s (draft)") % {"version": parent.version}


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

    @admin.display(description=_("Bank"), ordering="section__bank__version")
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

    @admin.display(description=_("Text"))
    def short_text(self, obj: Question) -> str:
        return Truncator(obj.text).chars(90)

    @admin.display(description=_("Bank"), ordering="component__section__bank__version")
    def bank_version(self, obj: Question) -> str:
        return f"v{obj.component.section.bank.version}"
