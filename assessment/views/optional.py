"""An optional section (generative AI in bank v2) asks once whether it applies; when it
does not, it is left out of scoring and of the report."""

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment import selectors, services
from assessment.structure import bank_structure
from assessment.views.access import GET_AND_POST, member_required, posted


class AppliesForm(django_forms.Form):
    applies = django_forms.TypedChoiceField(
        label=gettext_lazy("Does this part apply to your organisation?"),
        choices=[
            ("yes", gettext_lazy("Yes: answer its questions")),
            ("no", gettext_lazy("No: leave it out")),
        ],
        coerce=lambda value: value == "yes",
        widget=django_forms.RadioSelect,
    )


@GET_AND_POST
@member_required
def section_applies(request, assessment_id: int, section_slug: str):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    section = bank_structure(assessment.bank).section(section_slug)
    if section is None or not section.optional:
        raise Http404("No such optional section.")
    decided = assessment.section_applies.get(section_slug)
    form = AppliesForm(
        posted(request), initial={"applies": {True: "yes", False: "no"}.get(decided)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_section_applies(
                assessment=assessment,
                section_slug=section_slug,
                applies=form.cleaned_data["applies"],
                user=request.user,
            )
        except services.NotEditable:
            messages.error(request, _("This assessment can no longer be changed."))
            return redirect("assessment_overview", assessment_id=assessment.pk)
        if form.cleaned_data["applies"]:
            return redirect(
                "assessment_section", assessment_id=assessment.pk, section_slug=section_slug
            )
        messages.success(
            request, _("Left out: this part counts in no level and is not in the report.")
        )
        return redirect("assessment_overview", assessment_id=assessment.pk)
    return render(
        request,
        "assessment/section_applies.html",
        {"assessment": assessment, "section": section, "form": form, "decided": decided},
        status=400 if form.errors else 200,
    )
