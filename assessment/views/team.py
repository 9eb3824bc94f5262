"""The organisation's team page, invitations, its privacy export and its deletion."""

import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment import (
    documents,
    emails,
    forms,
    selectors,
    services,
)
from assessment.throttle import throttle_posts
from assessment.views.access import GET_AND_POST, member_required, owner_required, posted

logger = logging.getLogger(__name__)


def render_members(request, organisation, form, *, status: int = 200):
    return render(
        request,
        "assessment/members.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by("joined_at"),
            "invitations": selectors.open_invitations(organisation),
            "form": form,
        },
        status=status,
    )


@require_safe
@member_required
def members(request):
    organisation = selectors.get_organisation_for_user(request.user)
    return render_members(request, organisation, forms.InvitationForm(organisation=organisation))


@require_POST
@member_required
@throttle_posts("invite")
def invite(request):
    organisation = selectors.get_organisation_for_user(request.user)
    form = forms.InvitationForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return render_members(request, organisation, form, status=400)
    invitation, token = services.invite_member(
        organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
    )
    emails.send(
        "invitation",
        to=invitation.email,
        context={
            "inviter": request.user.get_full_name() or request.user.email,
            "organisation_name": organisation.name,
            "link": request.build_absolute_uri(reverse("accept_invitation", args=[token])),
        },
    )
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("members")


@require_safe
@owner_required
def organisation_export(request):
    organisation = selectors.get_organisation_for_user(request.user)
    response = JsonResponse(
        documents.organisation_document(organisation), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="organisation-{organisation.pk}-export.json"'
    )
    logger.info(
        "organisation data exported",
        extra={"organisation": organisation.pk, "user": request.user.pk},
    )
    return response


@GET_AND_POST
@owner_required
def organisation_delete(request):
    organisation = selectors.get_organisation_for_user(request.user)
    form = forms.DeleteOrganisationForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.delete_organisation(organisation=organisation, requested_by=request.user)
        logout(request)
        messages.success(
            request, _("Your organisation, its members and its assessments are deleted.")
        )
        return redirect("home")
    return render(
        request,
        "assessment/organisation_delete.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )
