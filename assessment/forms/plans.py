"""The targets form: the organisation's ambition, and a target level per component."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.domain.targets import AMBITIONS
from assessment.levels import LEVEL_CHOICES


def target_field_name(component_slug: str) -> str:
    return f"target-{component_slug}"


class TargetsForm(forms.Form):
    ambition = forms.ChoiceField(
        label=_("How central is machine learning to your organisation?"),
        choices=[("", _("Choose one"))] + list(AMBITIONS.items()),
        required=False,
        help_text=_("Used to suggest targets; you can change every target afterwards."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, components, targets: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.components = components
        for component in components:
            self.fields[target_field_name(component.slug)] = forms.TypedChoiceField(
                label=component.title,
                choices=[("", _("No target"))] + [(str(v), label) for v, label in LEVEL_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=targets.get(component.slug),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def targets(self) -> dict[str, int]:
        return {
            component.slug: self.cleaned_data[target_field_name(component.slug)]
            for component in self.components
            if self.cleaned_data.get(target_field_name(component.slug)) is not None
        }
