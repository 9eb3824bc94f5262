"""The consultant's form to invite an organisation into a cohort, by its owner's address."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.accounts import choose_one, deliverable_email
from assessment.models import Organisation
from assessment.text import reject_control_characters


class CohortInvitationForm(forms.Form):
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, validators=[reject_control_characters]
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=choose_one(Organisation.Sector.choices))
    size = forms.ChoiceField(
        label=_("Organisation size"), choices=choose_one(Organisation.Size.choices)
    )
    email = forms.EmailField(
        label=_("Owner's email"),
        max_length=150,
        help_text=_("The person who will own the organisation's account and answer first."),
    )

    def clean_email(self):
        return deliverable_email(self.cleaned_data["email"])
