"""The action plan: the organisation's actions across assessments, created from a plan's
workstream, edited without JavaScript with every change recorded, and exported."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment import action_exports, forms, selectors, services
from assessment.models import Action, ActionChange, Assessment
from assessment.results import results_for
from assessment.services.actions import ActionConflict
from assessment.structure import bank_structure
from assessment.views.access import GET_AND_POST, member_required, posted


def component_choices(actions: list[Action]) -> list[tuple[str, str]]:
    """The current bank's components, then any an older action names that it lacks."""
    bank = selectors.current_bank()
    choices = (
        [(c.slug, c.title) for c in bank_structure(bank).components] if bank is not None else []
    )
    known = {slug for slug, _ in choices}
    extra = sorted({slug for action in actions for slug in action.components} - known)
    return choices + [(slug, slug) for slug in extra]


def component_titles(actions: list[Action]) -> list[tuple[Action, list[str]]]:
    titles = dict(component_choices(actions))
    return [(action, [titles.get(slug, slug) for slug in action.components]) for action in actions]


def action_form(request, organisation, actions, **kwargs) -> forms.ActionForm:
    return forms.ActionForm(
        posted(request),
        components=component_choices(actions),
        members=selectors.organisation_members(organisation),
        **kwargs,
    )


def from_plan(request, organisation) -> tuple[Assessment | None, dict]:
    """The assessment and workstream a new action is planned from (?plan=&workstream=)."""
    plan_id = request.GET.get("plan") or request.POST.get("plan")
    if not plan_id:
        return None, {}
    if not str(plan_id).isdigit():
        raise Http404("No such plan.")
    assessment = selectors.get_assessment_for_user(request.user, int(plan_id))
    slug = request.GET.get("workstream", "")
    workstream = next(
        (w for w in results_for(assessment).roadmap.workstreams if w.slug == slug), None
    )
    if workstream is None:
        return assessment, {}
    return assessment, {
        "title": workstream.title,
        "components": [item.component for item in workstream.items],
        "from_level": min(item.current_level for item in workstream.items),
        "to_level": max(item.target_level for item in workstream.items),
        "note": "\n".join(f"{item.title}: {item.next_step}" for item in workstream.items),
    }


@GET_AND_POST
@member_required
def action_plan(request):
    organisation = selectors.get_organisation_for_user(request.user)
    actions = selectors.organisation_actions(organisation)
    planned_in, initial = from_plan(request, organisation)
    form = action_form(request, organisation, actions, initial=initial)
    membership = request.user.membership
    if request.method == "POST" and request.POST.get("action") == "reminders":
        reminders = forms.RemindersForm(request.POST)
        reminders.is_valid()
        enabled = reminders.cleaned_data.get("action_reminders", False)
        services.set_action_reminders(membership=membership, enabled=enabled)
        messages.success(
            request, _("Reminders switched on.") if enabled else _("Reminders switched off.")
        )
        return redirect("action_plan")
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(
                organisation=organisation,
                user=request.user,
                fields=form.action_fields(),
                planned_in=planned_in,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action added: %(title)s") % {"title": action.title})
            return redirect("action_plan")
    return render(
        request,
        "assessment/action_plan.html",
        {
            "organisation": organisation,
            "rows": component_titles(actions),
            "today": timezone.localdate(),
            "form": form,
            "planned_in": planned_in,
            "reminders": forms.RemindersForm(
                initial={"action_reminders": membership.action_reminders}
            ),
        },
        status=400 if form.errors else 200,
    )


@GET_AND_POST
@member_required
def action_edit(request, action_id: int):
    action = selectors.get_action_for_user(request.user, action_id)
    organisation = action.organisation
    form = action_form(request, organisation, [action], initial=forms.initial_for(action))
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["revision"] or 0
        try:
            services.update_action(
                action=action, user=request.user, fields=form.action_fields(), seen_revision=seen
            )
        except ActionConflict as conflict:
            # What was typed stays in the form; the next save, made knowingly, wins.
            data = request.POST.copy()
            data["revision"] = str(conflict.current.revision)
            form = forms.ActionForm(
                data,
                components=component_choices([action]),
                members=selectors.organisation_members(organisation),
            )
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else changed this action while you were editing it. Your "
                    "changes are below and are not saved yet: check the history, then save "
                    "again to keep them."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect("action_edit", action_id=action.pk)
    return render(
        request,
        "assessment/action_edit.html",
        {
            "action": action,
            "form": form,
            "component_titles": component_titles([action])[0][1],
            "history": [
                (change, [(form[name].label, *values) for name, values in change.changes.items()])
                for change in ActionChange.objects.filter(action=action).select_related(
                    "changed_by"
                )
            ],
            "comments": action.comments.select_related("author"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@member_required
def action_status(request, action_id: int):
    """Done or not, asked per open action when a new assessment starts."""
    action = selectors.get_action_for_user(request.user, action_id)
    form = forms.ActionStatusForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
    else:
        try:
            services.set_action_status(
                action=action,
                user=request.user,
                status=form.cleaned_data["status"],
                seen_revision=form.cleaned_data["revision"],
            )
        except ActionConflict:
            messages.error(
                request,
                _("Someone else changed “%(title)s” meanwhile; here it is as it is now.")
                % {"title": action.title},
            )
            return redirect("action_edit", action_id=action.pk)
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(status)s.")
                % {
                    "title": action.title,
                    "status": Action.Status(form.cleaned_data["status"]).label.lower(),
                },
            )
    return redirect(back or "action_plan")


@require_safe
@member_required
def action_export(request, extension: str):
    if extension not in ("csv", "xlsx"):
        raise Http404("The action plan exports as .csv or .xlsx.")
    organisation = selectors.get_organisation_for_user(request.user)
    actions = selectors.organisation_actions(organisation)
    titles = dict(component_choices(actions))
    if extension == "xlsx":
        return action_exports.xlsx_response(actions, titles, organisation.name)
    return action_exports.csv_response(actions, titles)
