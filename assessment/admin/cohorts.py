"""Cohorts in the admin: a lead consultant creates one (name, window, consultants); its
consultants invite organisations into it and follow them on its dashboard (each
organisation's state, the counts per state, the levels per component), and export it.

A consultant sees only the cohorts they belong to (cohort_dashboard.cohorts_for); any
other cohort's pages are a 404.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import cohort_exports, emails, roles
from assessment.admin.mixins import WriteRuleMixin
from assessment.admin.site import person
from assessment.cohort_dashboard import (
    STATES,
    cohort_dashboard,
    cohorts_for,
    get_cohort_for_user,
    heat_rows,
)
from assessment.forms.cohorts import CohortInvitationForm
from assessment.levels import LEVEL_CHOICES
from assessment.models import Cohort, CohortOrganisation
from assessment.services import cohorts as cohort_services

ROWS_PER_PAGE = 100


class CohortOrganisationInline(WriteRuleMixin, admin.TabularInline):
    """Existing organisations a lead adds by hand; new ones come in by invitation."""

    model = CohortOrganisation
    extra = 0
    fields = ["organisation", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["organisation"]

    def may_write(self, request, operation, obj) -> bool:
        return True  # Django's permissions decide: only leads have them

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(Cohort)
class CohortAdmin(WriteRuleMixin, admin.ModelAdmin):
    list_display = ["name", "opens_on", "due_on", "organisation_count", "dashboard_link"]
    search_fields = ["name"]
    fields = ["name", "opens_on", "due_on", "consultants"]
    filter_horizontal = ["consultants"]
    inlines = [CohortOrganisationInline]
    list_per_page = 50

    def may_write(self, request, operation, obj) -> bool:
        # Leads create and change cohorts; nobody deletes one here (its history would go).
        return operation != "delete"

    def get_queryset(self, request):
        return (
            cohorts_for(request.user)
            .annotate(organisation_total=Count("members", distinct=True))
            .order_by("-opens_on", "name")
        )

    @admin.display(description=_("Organisations"), ordering="organisation_total")
    def organisation_count(self, obj: Cohort) -> int:
        return obj.organisation_total

    @admin.display(description=_("Dashboard"))
    def dashboard_link(self, obj: Cohort) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:assessment_cohort_dashboard", args=[obj.pk]),
            gettext("Open the dashboard"),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "consultants":
            kwargs["queryset"] = roles.reviewers()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/dashboard/",
                view(self.dashboard_view),
                name="assessment_cohort_dashboard",
            ),
            path(
                "<path:object_id>/dashboard.<str:extension>",
                view(self.export_view),
                name="assessment_cohort_export",
            ),
            path(
                "<path:object_id>/invite/",
                view(self.invite_view),
                name="assessment_cohort_invite",
            ),
            path(
                "<path:object_id>/invite-again/<int:link_id>/",
                view(self.invite_again_view),
                name="assessment_cohort_invite_again",
            ),
            *super().get_urls(),
        ]

    def cohort_for(self, request, object_id) -> Cohort:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_cohort_for_user(request.user, unquote(object_id))

    def cohort_page(self, request, name, cohort, title, context, status=200):
        """One of the cohort's own admin pages, templates/admin/assessment/cohort/<name>.html."""
        return TemplateResponse(
            request,
            f"admin/assessment/cohort/{name}.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "cohort": cohort,
                "original": cohort,
                **context,
            },
            status=status,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["dashboard_url"] = reverse(
            "admin:assessment_cohort_dashboard", args=[object_id]
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def dashboard_view(self, request, object_id):
        return require_GET(self._dashboard)(request, object_id)

    def _dashboard(self, request, object_id):
        cohort = self.cohort_for(request, object_id)
        dashboard = cohort_dashboard(cohort)
        consultants = list(cohort.consultants.all())
        # The counts and the levels cover the whole cohort; the table a page of one state.
        state = request.GET.get("state") if request.GET.get("state") in STATES else ""
        rows = [row for row in dashboard.rows if not state or row.state == state]
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("p"))
        return self.cohort_page(
            request,
            "dashboard",
            cohort,
            gettext("Dashboard: %(name)s") % {"name": cohort.name},
            {
                "dashboard": dashboard,
                "heatmap": heat_rows(dashboard),
                "state": state,
                "state_label": STATES.get(state, ""),
                "page": page,
                "page_query": urlencode({"state": state}) if state else "",
                "levels": LEVEL_CHOICES,
                "consultants": [person(user) for user in consultants],
                # The consultants are read anyway: no second query to ask may_invite.
                "may_invite": roles.is_lead(request.user) or request.user in consultants,
            },
        )

    def export_view(self, request, object_id, extension):
        return require_GET(self._export)(request, object_id, extension)

    def _export(self, request, object_id, extension):
        if extension not in ("csv", "xlsx"):
            raise Http404("No such export.")
        dashboard = cohort_dashboard(self.cohort_for(request, object_id))
        if extension == "csv":
            return cohort_exports.csv_response(dashboard)
        return cohort_exports.xlsx_response(dashboard)

    def invite_view(self, request, object_id):
        return require_http_methods(["GET", "POST"])(self._invite)(request, object_id)

    def _invite(self, request, object_id):
        cohort = self.cohort_for(request, object_id)
        if not cohort_services.may_invite(cohort, request.user):
            raise PermissionDenied
        form = CohortInvitationForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                invitation, token = cohort_services.invite_organisation(
                    cohort=cohort,
                    name=data["organisation_name"],
                    sector=data["sector"],
                    size=data["size"],
                    email=data["email"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                send_invitation(request, invitation, token, cohort)
                messages.success(
                    request,
                    gettext("%(organisation)s is invited; the invitation went to %(email)s.")
                    % {"organisation": invitation.organisation.name, "email": invitation.email},
                )
                return redirect("admin:assessment_cohort_dashboard", cohort.pk)
        return self.cohort_page(
            request,
            "invite",
            cohort,
            gettext("Invite an organisation into %(name)s") % {"name": cohort.name},
            {"form": form},
            status=400 if form.errors else 200,
        )

    def invite_again_view(self, request, object_id, link_id):
        return require_POST(self._invite_again)(request, object_id, link_id)

    def _invite_again(self, request, object_id, link_id):
        cohort = self.cohort_for(request, object_id)
        link = get_object_or_404(
            CohortOrganisation.objects.select_related("cohort", "organisation"),
            pk=link_id,
            cohort=cohort,
        )
        try:
            invitation, token = cohort_services.invite_again(link=link, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            send_invitation(request, invitation, token, cohort)
            messages.success(
                request,
                gettext("A new invitation went to %(email)s.") % {"email": invitation.email},
            )
        return redirect("admin:assessment_cohort_dashboard", cohort.pk)


def send_invitation(request, invitation, token: str, cohort: Cohort) -> None:
    emails.send(
        "invitation",
        to=invitation.email,
        context={
            "inviter": person(request.user),
            "organisation_name": invitation.organisation.name,
            "link": request.build_absolute_uri(reverse("accept_invitation", args=[token])),
            "cohort": cohort.name,
            "due_on": cohort.due_on.isoformat(),
        },
    )
