"""The action form: one action of the plan, edited by a member without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.levels import LEVEL_CHOICES
from assessment.models import ACTION_NOTE_MAX_LENGTH, Action
from assessment.services.actions import ActionFields
from assessment.text import reject_control_characters

NO_LEVEL = [("", _("Not set"))]


def level_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=NO_LEVEL + [(str(value), label) for value, label in LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("What will be done"),
        max_length=200,
        validators=[reject_control_characters],
    )
    components = forms.MultipleChoiceField(
        label=_("Components it moves"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    from_level = level_field(_("From level"))
    to_level = level_field(_("To level"))
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("The owner gets a reminder a week before, unless they switched them off."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Action.Status.choices,
        initial=Action.Status.NOT_STARTED,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ACTION_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, components: list[tuple[str, str]], members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = components
        self.fields["owner"].choices = [("", _("Nobody yet"))] + [
            (str(user.pk), user.get_full_name() or user.email) for user in members
        ]

    def action_fields(self) -> ActionFields:
        data = self.cleaned_data
        return ActionFields(
            title=data["title"],
            components=tuple(data["components"]),
            from_level=data["from_level"],
            to_level=data["to_level"],
            owner_id=data["owner"],
            due_date=data["due_date"],
            status=data["status"],
            note=data["note"],
        )


def initial_for(action: Action) -> dict:
    return {
        "title": action.title,
        "components": action.components,
        "from_level": action.from_level,
        "to_level": action.to_level,
        "owner": action.owner_id,
        "due_date": action.due_date,
        "status": action.status,
        "note": action.note,
        "revision": action.revision,
    }


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    revision = forms.IntegerField(min_value=0)


class RemindersForm(forms.Form):
    action_reminders = forms.BooleanField(
        label=_("Email me a week before an action I own is due"), required=False
    )
