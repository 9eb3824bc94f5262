"""What the admins share: one rule for adding, changing and deleting, read-only inlines and
rows about an assessment, and the search by organisation."""

from __future__ import annotations

from typing import Literal

from django.contrib import admin
from django.db.models import Q

from assessment.models import Membership, Organisation

Operation = Literal["add", "change", "delete"]


class WriteRuleMixin:
    """Adding, changing and deleting need this admin's `may_write` rule and Django's permission.

    By default the rule refuses everything: most rows here are written only by the app and
    its workflow. The rule is asked first because it is cheap and a refusal needs nothing else.
    """

    def may_write(self, request, operation: Operation, obj) -> bool:
        """`obj` is None for the model as a whole, and an inline's parent object for an inline."""
        return False

    def has_add_permission(self, request, *parent) -> bool:
        # Django asks a model admin without an object and an inline with its parent.
        obj = parent[0] if parent else None
        return self.may_write(request, "add", obj) and super().has_add_permission(request, *parent)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.may_write(request, "change", obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.may_write(request, "delete", obj) and super().has_delete_permission(
            request, obj
        )


class ReadOnlyInline(WriteRuleMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class AssessmentRecordAdmin(WriteRuleMixin, admin.ModelAdmin):
    """Rows about one assessment (answers, review history, notes): read-only unless the rule
    says otherwise."""


class OrganisationSearchMixin:
    """Searches by organisation name or a member's e-mail address (or part of either).

    The matching organisations first (a small table), then the rows by the indexed
    `organisation_lookup`: no join, no DISTINCT over the rows, no duplicates.
    """

    organisation_lookup = "organisation"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        by_member = Membership.objects.filter(user__email__icontains=term).values("organisation_id")
        matching = Organisation.objects.filter(Q(name__icontains=term) | Q(pk__in=by_member))
        lookup = f"{self.organisation_lookup}__in"
        return queryset.filter(**{lookup: matching.values("pk")}), False
