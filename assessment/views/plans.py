"""Targets: the level an organisation aims at for each component of an assessment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment import selectors, services
from assessment.domain.targets import suggest_targets
from assessment.forms.plans import TargetsForm, target_field_name
from assessment.models import ComponentTarget, Membership
from assessment.structure import bank_structure
from assessment.views.access import GET_AND_POST, member_required, posted


@GET_AND_POST
@member_required
def targets(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = bank_structure(assessment.bank)
    components = structure.components
    saved = dict(
        ComponentTarget.objects.filter(assessment=assessment).values_list("component_slug", "level")
    )
    action = request.POST.get("action", "save")
    form = TargetsForm(
        posted(request),
        components=components,
        targets=saved,
        initial={"ambition": assessment.ambition},
    )
    if request.method == "POST" and action == "confirm":
        try:
            services.confirm_targets(assessment=assessment, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Targets confirmed."))
        return redirect("assessment_targets", assessment_id=assessment.pk)
    if request.method == "POST" and form.is_valid():
        ambition = form.cleaned_data["ambition"]
        if action == "suggest":
            if not ambition:
                form.add_error(
                    "ambition", _("Choose how central machine learning is to suggest targets.")
                )
            else:
                suggested = suggest_targets(ambition, structure.target_subjects)
                # Shown for review, not saved: the members decide.
                data = request.POST.copy()
                for slug, level in suggested.items():
                    data[target_field_name(slug)] = str(level)
                form = TargetsForm(data, components=components, targets=saved)
                form.is_valid()
                messages.info(
                    request, _("Suggested targets are filled in below; save them to keep them.")
                )
        else:
            try:
                changed = services.set_targets(
                    assessment=assessment,
                    levels=form.targets(),
                    ambition=ambition,
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Targets saved (%(count)d changed).") % {"count": changed}
                )
                return redirect("assessment_targets", assessment_id=assessment.pk)
    return render(
        request,
        "assessment/targets.html",
        {
            "assessment": assessment,
            "form": form,
            "rows": [
                (component, form[target_field_name(component.slug)]) for component in components
            ],
            "is_owner": request.user.membership.role == Membership.Role.OWNER,
        },
        status=400 if form.errors else 200,
    )
