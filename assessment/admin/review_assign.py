"""Assigning assessments to consultants: the review page's form, its URL and the changelist
action. Every assignment goes through services.assign_assessment, which checks who may
assign whom and records it in the review history."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment import roles, services
from assessment.admin.site import person
from assessment.services.review import ASSIGNABLE_STATUSES

ASSIGNMENT_REFUSED = {
    services.AssignmentError.NOT_ALLOWED: _(
        "Only a lead consultant can assign an assessment to someone else."
    ),
    services.AssignmentError.NOT_A_REVIEWER: _("That account cannot review assessments."),
    services.AssignmentError.NOT_OPEN: _(
        "Only a submitted assessment whose review is not finished can be assigned."
    ),
}


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class AssignForm(forms.Form):
    assignee = ReviewerChoiceField(
        label=_("Assign to"),
        queryset=roles.reviewers(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = roles.reviewers()


class AssignmentMixin:
    """The assessment admin's assignment URL and action (admin/review.py mixes it in)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="{}_{}_assign".format(*info),
            ),
            *super().get_urls(),
        ]

    def assignment_context(self, request, assessment) -> dict:
        user = request.user
        can_review = self.has_review_permission(request)
        lead = roles.is_lead(user)
        open_ = assessment.status in ASSIGNABLE_STATUSES
        return {
            "assignee": person(assessment.assigned_to) if assessment.assigned_to_id else "",
            "mine": assessment.assigned_to_id == user.pk,
            "can_take": open_ and can_review and assessment.assigned_to_id != user.pk,
            "can_release": open_ and assessment.assigned_to_id == user.pk,
            "form": AssignForm(initial={"assignee": assessment.assigned_to_id})
            if open_ and lead
            else None,
        }

    def assign_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_review_permission(request):
            raise PermissionDenied
        assessment = self.get_viewable(request, object_id)
        form = AssignForm(request.POST)
        if not form.is_valid():
            self.message_user(request, ASSIGNMENT_REFUSED["not_a_reviewer"], messages.ERROR)
            return HttpResponseRedirect(self.change_url(assessment))
        assignee = form.cleaned_data["assignee"]
        try:
            services.assign_assessment(assessment=assessment, assignee=assignee, by=request.user)
        except services.AssignmentError as error:
            self.message_user(request, ASSIGNMENT_REFUSED[error.reason], messages.ERROR)
        else:
            done = (
                gettext("Assigned to %(name)s.") % {"name": person(assignee)}
                if assignee is not None
                else gettext("Assigned to nobody.")
            )
            self.log_change(request, assessment, done)
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self.change_url(assessment))

    @admin.action(description=_("Assign the selected assessments to me"), permissions=["review"])
    def assign_to_me(self, request, queryset):
        assigned, refused = 0, 0
        for assessment in queryset.select_related(None).only("pk", "status").order_by("pk"):
            try:
                services.assign_assessment(
                    assessment=assessment, assignee=request.user, by=request.user
                )
            except services.AssignmentError:
                refused += 1
            else:
                assigned += 1
        if assigned:
            self.message_user(
                request,
                gettext("%(count)d assessment(s) assigned to you.") % {"count": assigned},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                gettext(
                    "%(count)d assessment(s) were not assigned: only submitted assessments "
                    "whose review is not finished can be."
                )
                % {"count": refused},
                messages.ERROR,
            )
