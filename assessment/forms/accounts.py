"""Forms for accounts: logging in, signing up and confirming, passwords, invitations."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.mail.message import sanitize_address
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment import emails
from assessment.models import Organisation
from assessment.services import normalise_email
from assessment.text import reject_control_characters

EMAIL_MAX_LENGTH = 150  # the length of a username, which is the email address


def deliverable_email(raw: str) -> str:
    """The address as stored, checked to fit the username column and to be sendable."""
    email = normalise_email(raw)
    # Lower-casing can lengthen an address (İ becomes two characters).
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(
            gettext("Email addresses can be at most %(limit)d characters long.")
            % {"limit": EMAIL_MAX_LENGTH}
        )
    try:
        sanitize_address(email, "utf-8")
    except (UnicodeError, ValueError):
        raise forms.ValidationError(
            gettext("Mail cannot be sent to this address. Please check it.")
        ) from None
    return email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email and password. The password is case-sensitive."
        ),
    }

    def clean_username(self):
        return normalise_email(self.cleaned_data["username"])


class PasswordFieldsMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy, so that the validators' help texts are worded in the language of the request.
        help_text=lazy(password_validation.password_validators_help_text_html, SafeString)(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def user_for_password_check(self) -> User:
        return User(
            username=self.cleaned_data.get("email", ""),
            email=self.cleaned_data.get("email", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        # Every problem at once: a mismatch must not hide that the password is too weak.
        if password1:
            try:
                password_validation.validate_password(password1, self.user_for_password_check())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending its email through emails.send like every other."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        emails.send(
            "password-reset",
            to=to_email,
            context={
                "email": to_email,
                "link": f"{context['protocol']}://{context['domain']}{path}",
            },
        )


def name_field(label, **kwargs) -> forms.CharField:
    """A person's or organisation's name: one line, no control characters."""
    return forms.CharField(
        label=label, max_length=150, validators=[reject_control_characters], **kwargs
    )


def choose_one(choices) -> list:
    # An empty first option, so that nobody is put in a sector or size they did not pick.
    return [("", _("Choose one"))] + list(choices)


class SignupForm(PasswordFieldsMixin):
    first_name = name_field(
        _("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = name_field(
        _("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=choose_one(Organisation.Sector.choices))
    size = forms.ChoiceField(
        label=_("Organisation size"), choices=choose_one(Organisation.Size.choices)
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "organisation_name",
        "sector",
        "size",
    ]

    def clean_email(self):
        return deliverable_email(self.cleaned_data["email"])


class ConfirmSignupForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"), max_length=150)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self):
        email = deliverable_email(self.cleaned_data["email"])
        account = User.objects.filter(username=email).select_related("membership").first()
        if account is None:
            return email
        if account.is_staff:
            raise forms.ValidationError(
                _(
                    "This address belongs to a consultant or administrator account, which "
                    "cannot join an organisation. Invite a personal address instead."
                )
            )
        membership = getattr(account, "membership", None)
        if membership is not None and membership.organisation_id == self.organisation.pk:
            raise forms.ValidationError(_("This person is already a member of your organisation."))
        if membership is not None:
            raise forms.ValidationError(
                _(
                    "This person already belongs to another organisation on the MLOps "
                    "Maturity Assessment, and an account can be in only one. Ask them to "
                    "leave it first, or invite another address."
                )
            )
        return email


class AcceptInvitationForm(PasswordFieldsMixin):
    first_name = name_field(_("First name"))
    last_name = name_field(_("Last name"))
    field_order = ["first_name", "last_name", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def user_for_password_check(self) -> User:
        user = super().user_for_password_check()
        user.username = user.email = self.email
        return user


class DeleteOrganisationForm(forms.Form):
    confirm_name = forms.CharField(
        label=_("Type your organisation's name to confirm"),
        max_length=200,
        help_text=_(
            "This deletes the organisation, every member's account, and all "
            "assessments and answers. It cannot be undone."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_confirm_name(self):
        name = self.cleaned_data["confirm_name"].strip()
        if name != self.organisation.name.strip():
            raise forms.ValidationError(_("The name does not match; nothing was deleted."))
        return name
