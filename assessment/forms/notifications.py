"""Which kinds of email a person gets: one box per kind they can get."""

from django import forms

from assessment.models import NotificationKind


class NotificationSettingsForm(forms.Form):
    def __init__(self, *args, kinds: tuple[str, ...], enabled: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(
                label=NotificationKind(kind).label, required=False, initial=kind in enabled
            )

    def enabled(self) -> set[str]:
        return {kind for kind, on in self.cleaned_data.items() if on}
