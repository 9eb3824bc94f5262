"""The home page's audience check: is this assessment for you?"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class AudienceCheckForm(forms.Form):
    """Three questions that tell a visitor whether the assessment fits them (it never blocks)."""

    STAGES = [
        ("exploring", gettext_lazy("Exploring ideas: no model yet")),
        ("poc", gettext_lazy("We have a proof of concept")),
        ("production", gettext_lazy("A model is deployed, or about to be")),
    ]
    YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]

    stage = forms.ChoiceField(
        label=gettext_lazy("Where is your organisation with machine learning?"),
        choices=STAGES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    repeated_use = forms.ChoiceField(
        label=gettext_lazy(
            "Will the model's predictions be used again and again by people or systems, "
            "rather than for a one-off analysis?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    needs_upkeep = forms.ChoiceField(
        label=gettext_lazy(
            "Will the model need retraining as data changes, or will you run more than one model?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def advice(self) -> dict:
        data = self.cleaned_data
        concerns = []
        if data["stage"] == "exploring":
            concerns.append(
                _(
                    "You are still exploring. The assessment asks how models are built, "
                    "released and run; it will be most useful once you have a proof of "
                    "concept you plan to deploy."
                )
            )
        if data["repeated_use"] == "no":
            concerns.append(
                _(
                    "For one-off or ad hoc analyses, most MLOps practices would cost more "
                    "than they save."
                )
            )
        if data["needs_upkeep"] == "no":
            concerns.append(
                _(
                    "A single model that rarely changes can often be run well by hand; the "
                    "assessment may recommend more automation than you need."
                )
            )
        return {"fits": not concerns, "concerns": concerns}
