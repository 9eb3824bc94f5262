"""Forms, one module per area; every form is importable from here."""

from assessment.forms.accounts import (
    EMAIL_MAX_LENGTH,
    AcceptInvitationForm,
    ConfirmSignupForm,
    DeleteOrganisationForm,
    EmailAuthenticationForm,
    InvitationForm,
    PasswordFieldsMixin,
    PasswordResetForm,
    SignupForm,
    choose_one,
    deliverable_email,
    name_field,
)
from assessment.forms.actions import ActionForm, ActionStatusForm, RemindersForm, initial_for
from assessment.forms.home import (
    AudienceCheckForm,
)
from assessment.forms.plans import TargetsForm
from assessment.forms.questionnaire import (
    DONT_KNOW,
    NOT_APPLICABLE,
    NewAssessmentForm,
    QuestionRow,
    SectionAnswers,
    SummaryEntry,
    clean_comment,
    parse_revision,
    value_of,
)

__all__ = [
    "AcceptInvitationForm",
    "ActionForm",
    "ActionStatusForm",
    "AudienceCheckForm",
    "ConfirmSignupForm",
    "DONT_KNOW",
    "DeleteOrganisationForm",
    "EMAIL_MAX_LENGTH",
    "EmailAuthenticationForm",
    "InvitationForm",
    "NOT_APPLICABLE",
    "NewAssessmentForm",
    "PasswordFieldsMixin",
    "PasswordResetForm",
    "QuestionRow",
    "RemindersForm",
    "SectionAnswers",
    "SignupForm",
    "SummaryEntry",
    "TargetsForm",
    "choose_one",
    "clean_comment",
    "deliverable_email",
    "initial_for",
    "name_field",
    "parse_revision",
    "value_of",
]
