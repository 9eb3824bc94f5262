"""The data model, one module per area; every model is importable from here."""

from assessment.levels import LEVEL_CHOICES
from assessment.models.actions import ACTION_NOTE_MAX_LENGTH, Action, ActionChange, ActionComment
from assessment.models.assessments import COMMENT_MAX_LENGTH, Answer, Assessment
from assessment.models.bank import (
    Choice,
    Component,
    ComponentGuidance,
    Question,
    QuestionBank,
    Section,
)
from assessment.models.branding import ReportBranding
from assessment.models.cohorts import (
    Cohort,
    CohortOrganisation,
    ComponentLevel,
    NotificationKind,
    NotificationOptOut,
    SentReminder,
)
from assessment.models.organisations import Invitation, Membership, Organisation
from assessment.models.plans import ComponentTarget
from assessment.models.reports import StoredReport
from assessment.models.reviews import ConsultantNote, ReviewEvent
from assessment.models.team import (
    AGREED_NOTE_MAX_LENGTH,
    AgreedAnswer,
    Participant,
    ParticipantAnswer,
)

__all__ = [
    "AGREED_NOTE_MAX_LENGTH",
    "ACTION_NOTE_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "LEVEL_CHOICES",
    "Action",
    "ActionChange",
    "ActionComment",
    "AgreedAnswer",
    "Answer",
    "Assessment",
    "Choice",
    "Cohort",
    "CohortOrganisation",
    "Component",
    "ComponentGuidance",
    "ComponentLevel",
    "ComponentTarget",
    "ConsultantNote",
    "Invitation",
    "Membership",
    "NotificationKind",
    "NotificationOptOut",
    "Organisation",
    "Participant",
    "ParticipantAnswer",
    "Question",
    "QuestionBank",
    "ReportBranding",
    "ReviewEvent",
    "Section",
    "SentReminder",
    "StoredReport",
]
