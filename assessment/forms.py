from dataclasses import dataclass

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.mail.message import sanitize_address
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessment import emails
from assessment.models import COMMENT_MAX_LENGTH, Answer, Assessment, Organisation, Question
from assessment.selectors import SavedAnswer
from assessment.services import AnswerSubmission, normalise_email
from assessment.text import reject_control_characters

NOT_APPLICABLE = "na"
DONT_KNOW = "dk"


EMAIL_MAX_LENGTH = 150  # the length of a username, which is the email address


def deliverable_email(raw: str) -> str:
    """The address as stored, checked to fit the username column and to be sendable."""
    email = normalise_email(raw)
    # Lower-casing can lengthen an address (İ becomes two characters).
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(
            f"Email addresses can be at most {EMAIL_MAX_LENGTH} characters long."
        )
    try:
        sanitize_address(email, "utf-8")
    except (UnicodeError, ValueError):
        raise forms.ValidationError(
            "Mail cannot be sent to this address. Please check it."
        ) from None
    return email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct email and password. The password is "
        "case-sensitive.",
    }

    def clean_username(self):
        return normalise_email(self.cleaned_data["username"])


class PasswordFieldsMixin(forms.Form):
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
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


class NewAssessmentForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        initial="MLOps maturity assessment",
        validators=[reject_control_characters],
    )
    prefill_from = forms.ModelChoiceField(
        label="Start from the answers of",
        queryset=Assessment.objects.none(),
        required=False,
        empty_label="Nothing: start with a blank questionnaire",
        help_text="Answers to questions that are still in the questionnaire are copied; "
        "you can change any of them.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefill_from"].queryset = Assessment.objects.filter(
            organisation=organisation, submitted_at__isnull=False
        ).order_by("-submitted_at")
        self.fields["prefill_from"].label_from_instance = lambda a: (
            f"{a.title} (submitted {a.submitted_at:%d %b %Y})"
        )


@dataclass
class QuestionRow:
    """One question as the section page shows it: saved or posted values, and any error."""

    question: Question
    saved: SavedAnswer | None
    value: str  # choice id, "na", "dk" or "" for none
    comment: str
    revision: int
    error: str = ""
    conflict: Answer | None = None
    conflict_by_viewer: bool = False  # the viewer's own change, from another tab or device

    @property
    def field_name(self) -> str:
        return f"q{self.question.pk}"


class SectionAnswers:
    """Reads and validates the answers posted from one section page.

    Field names carry the question id: q<id> is the choice id, "na" or "dk"; c<id> the
    comment; r<id> the revision of the saved answer the respondent was looking at.
    """

    def __init__(self, questions: list[Question], saved: dict[int, SavedAnswer], data=None):
        self.questions = questions
        self.saved = saved
        self.data = data
        self.rows = [self._row(question) for question in questions]
        self.submissions: list[AnswerSubmission] = []

    def _row(self, question: Question) -> QuestionRow:
        saved = self.saved.get(question.pk)
        if self.data is None:
            return QuestionRow(
                question=question,
                saved=saved,
                value=value_of(saved),
                comment=saved.comment if saved else "",
                revision=saved.revision if saved else 0,
            )
        return QuestionRow(
            question=question,
            saved=saved,
            value=self.data.get(f"q{question.pk}", "").strip(),
            comment=clean_comment(self.data.get(f"c{question.pk}", "")),
            revision=parse_revision(self.data.get(f"r{question.pk}", "")),
        )

    def is_valid(self) -> bool:
        self.submissions = []
        for row in self.rows:
            submission = self._validate(row)
            if submission is not None:
                self.submissions.append(submission)
        return not self.errors

    @property
    def errors(self) -> list[QuestionRow]:
        return [row for row in self.rows if row.error]

    # The shared error summary (templates/_error_summary.html) reads the page as a form:
    # a page-wide line, then one linked entry per question that needs attention.
    def non_field_errors(self) -> list[str]:
        count = len(self.errors)
        if not count:
            return []
        message = ngettext(
            "Nothing on this page was saved yet: %(count)s answer needs attention.",
            "Nothing on this page was saved yet: %(count)s answers need attention.",
            count,
        )
        return [message % {"count": count}]

    def __iter__(self):
        return (SummaryEntry.of(row) for row in self.errors)

    def _validate(self, row: QuestionRow) -> AnswerSubmission | None:
        question = row.question
        if len(set(self.data.getlist(row.field_name))) > 1:
            row.error = str(_("Choose only one answer."))
            return None
        if len(row.comment) > COMMENT_MAX_LENGTH:
            # Refused whole, never cut: the page shows the text again with its length.
            row.error = str(
                _(
                    "Comments can be at most %(limit)s characters; this one has %(length)s. "
                    "Nothing was cut: shorten it by %(over)s characters and save again."
                )
                % {
                    "limit": f"{COMMENT_MAX_LENGTH:,}",
                    "length": f"{len(row.comment):,}",
                    "over": f"{len(row.comment) - COMMENT_MAX_LENGTH:,}",
                }
            )
            return None
        if not row.value:
            if row.comment and not (row.saved and row.saved.comment == row.comment):
                row.error = str(_("Choose an answer (or “Don't know”) to save your comment."))
            return None
        choice = None
        if row.value == NOT_APPLICABLE:
            if not question.allows_not_applicable:
                row.error = str(_("This question cannot be marked “Not applicable”."))
                return None
            status = Answer.Status.NOT_APPLICABLE
        elif row.value == DONT_KNOW:
            status = Answer.Status.DONT_KNOW
        else:
            choice = next((c for c in question.choices_list if str(c.pk) == row.value), None)
            if choice is None:
                row.error = str(
                    _("That is not one of this question's options. Choose one of the list.")
                )
                return None
            status = Answer.Status.ANSWERED
        return AnswerSubmission(
            question=question,
            status=status,
            choice=choice,
            comment=row.comment,
            seen_revision=row.revision,
        )

    def show_conflicts(self, conflicts, viewer=None) -> None:
        """Keep the respondent's values on screen, now against the colleague's revision."""
        by_question = {conflict.submission.question.pk: conflict.current for conflict in conflicts}
        for row in self.rows:
            current = by_question.get(row.question.pk)
            if current is not None:
                row.conflict = current
                row.revision = current.revision
                row.conflict_by_viewer = viewer is not None and current.answered_by_id == viewer.pk


@dataclass(frozen=True)
class SummaryEntry:
    """A question with an error, as the error summary lists a form field."""

    id_for_label: str
    label: str
    errors: list[str]

    @classmethod
    def of(cls, row: QuestionRow) -> "SummaryEntry":
        question = row.question
        if len(row.comment) > COMMENT_MAX_LENGTH:
            target = f"c{question.pk}"
        elif question.choices_list:  # the first option, as the page's markup names it
            target = f"q{question.pk}-{question.choices_list[0].pk}"
        else:
            target = f"q-{question.pk}"
        text = question.text if len(question.text) <= 90 else question.text[:89] + "…"
        return cls(id_for_label=target, label=text, errors=[row.error])


def clean_comment(raw: str) -> str:
    """A posted comment as stored and counted: a line break is one character, as the box
    and its count show it, though browsers send it as two (CR LF)."""
    return raw.replace("\x00", "").replace("\r\n", "\n").strip()


def value_of(answer: SavedAnswer | None) -> str:
    if answer is None:
        return ""
    if answer.status == Answer.Status.NOT_APPLICABLE:
        return NOT_APPLICABLE
    if answer.status == Answer.Status.DONT_KNOW:
        return DONT_KNOW
    return str(answer.choice_id)


def parse_revision(raw: str) -> int:
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return 0


class AudienceCheckForm(forms.Form):
    """Three questions that tell a visitor whether the assessment fits them (it never blocks)."""

    STAGES = [
        ("exploring", "Exploring ideas: no model yet"),
        ("poc", "We have a proof of concept"),
        ("production", "A model is deployed, or about to be"),
    ]
    YES_NO = [("yes", "Yes"), ("no", "No")]

    stage = forms.ChoiceField(
        label="Where is your organisation with machine learning?",
        choices=STAGES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    repeated_use = forms.ChoiceField(
        label="Will the model's predictions be used again and again by people or systems, "
        "rather than for a one-off analysis?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    needs_upkeep = forms.ChoiceField(
        label="Will the model need retraining as data changes, or will you run more than one "
        "model?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def advice(self) -> dict:
        data = self.cleaned_data
        concerns = []
        if data["stage"] == "exploring":
            concerns.append(
                "You are still exploring. The assessment asks how models are built, released "
                "and run; it will be most useful once you have a proof of concept you plan to "
                "deploy."
            )
        if data["repeated_use"] == "no":
            concerns.append(
                "For one-off or ad hoc analyses, most MLOps practices would cost more than "
                "they save."
            )
        if data["needs_upkeep"] == "no":
            concerns.append(
                "A single model that rarely changes can often be run well by hand; the "
                "assessment may recommend more automation than you need."
            )
        return {"fits": not concerns, "concerns": concerns}


class DeleteOrganisationForm(forms.Form):
    confirm_name = forms.CharField(
        label="Type your organisation's name to confirm",
        max_length=200,
        help_text="This deletes the organisation, every member's account, and all "
        "assessments and answers. It cannot be undone.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_confirm_name(self):
        name = self.cleaned_data["confirm_name"].strip()
        if name != self.organisation.name.strip():
            raise forms.ValidationError("The name does not match; nothing was deleted.")
        return name
