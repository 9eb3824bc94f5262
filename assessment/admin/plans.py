"""Targets and the action plan, read-only for consultants, who may comment on an action."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessment.admin.mixins import OrganisationSearchMixin, ReadOnlyInline, WriteRuleMixin
from assessment.admin.site import level_label
from assessment.models import Action, ActionChange, ActionComment, ComponentTarget


class ActionChangeInline(ReadOnlyInline):
    model = ActionChange
    verbose_name_plural = _("History")
    fields = ["changed_at", "changed_by", "created", "changes"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class ActionCommentInline(WriteRuleMixin, admin.StackedInline):
    """Existing comments read-only; a consultant adds a new one, signed with their name."""

    model = ActionComment
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def may_write(self, request, operation, obj) -> bool:
        return operation == "add"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Action)
class ActionAdmin(OrganisationSearchMixin, WriteRuleMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "owner", "due_date", "levels"]
    list_filter = ["status", "due_date"]
    list_select_related = ["organisation", "owner"]
    search_fields = ["title", "organisation__name"]
    search_help_text = _("Search by title, organisation name or a member's e-mail address.")
    ordering = ["organisation__name", "due_date", "pk"]
    show_facets = admin.ShowFacets.NEVER
    fields = [
        "organisation",
        "title",
        "components",
        "from_level",
        "to_level",
        "owner",
        "due_date",
        "status",
        "note",
        "planned_in",
        "created_by",
        "created_at",
        "done_at",
    ]
    readonly_fields = fields
    inlines = [ActionCommentInline, ActionChangeInline]

    def has_change_permission(self, request, obj=None) -> bool:
        # Every field is read-only: "change" only lets the form post the new comment.
        return self.has_view_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        for comment in formset.save(commit=False):
            comment.author = request.user
            comment.save()

    @admin.display(description=_("Levels"))
    def levels(self, obj: Action) -> str:
        return f"{level_label(obj.from_level)} → {level_label(obj.to_level)}"


@admin.register(ComponentTarget)
class ComponentTargetAdmin(OrganisationSearchMixin, WriteRuleMixin, admin.ModelAdmin):
    list_display = ["component_slug", "target", "assessment", "set_by", "updated_at"]
    list_select_related = ["assessment__organisation", "set_by"]
    search_fields = ["component_slug", "assessment__organisation__name"]
    organisation_lookup = "assessment__organisation"
    ordering = ["assessment", "component_slug"]
    show_facets = admin.ShowFacets.NEVER
    fields = ["assessment", "component_slug", "level", "set_by", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("Target"), ordering="level")
    def target(self, obj: ComponentTarget) -> str:
        return level_label(obj.level)
