"""Organisations, their members and their invitations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from assessment.admin.mixins import OrganisationSearchMixin, ReadOnlyInline
from assessment.models import Assessment, Invitation, Membership, Organisation


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "email", "role", "joined_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("E-mail"))
    def email(self, obj: Membership) -> str:
        return obj.user.email


class OrganisationAssessmentInline(ReadOnlyInline):
    model = Assessment
    fields = ["title", "status", "bank", "submitted_at", "overall_level"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bank")


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
class OrganisationAdmin(OrganisationSearchMixin, admin.ModelAdmin):
    list_display = ["name", "sector", "size", "member_count", "assessment_count", "created_at"]
    list_filter = ["sector", "size"]
    search_fields = ["name", "memberships__user__email"]
    search_help_text = _("Search by name or a member's e-mail address (or part of it).")
    organisation_lookup = "pk"
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

    @admin.display(description=_("Members"), ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count

    @admin.display(description=_("Assessments"), ordering="assessment_count")
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
