"""What to tell a person when a service refuses: the words live here, not in the services'
exceptions, so that pages and the admin say the same and the texts can be translated."""

from django.utils.translation import gettext as _

from assessment.models import Assessment
from assessment.services import TransitionError

Status = Assessment.Status


def status_name(status: str) -> str:
    return str(Status(status).label).lower()


def transition_refused(error: TransitionError) -> str:
    if error.reason == TransitionError.MESSAGE_REQUIRED:
        if error.to_status == Status.CHANGES_REQUESTED:
            return _("Say what should change.")
        return _("Write a review summary: it appears in the organisation's report.")
    if error.to_status == Status.SUBMITTED:
        return _("This assessment is %(status)s and cannot be submitted.") % {
            "status": status_name(error.from_status)
        }
    return _("An assessment that is %(status)s cannot be moved to “%(target)s”.") % {
        "status": status_name(error.from_status),
        "target": status_name(error.to_status),
    }
