"""The Django admin: consultants review submissions, administrators manage banks and users.

Consultants are staff in the "Consultants" group (migration 0003): they can view
organisations, assessments and answers, move assessments through review, write notes and
export. Assessments and answers are read-only for everyone here: answers belong to the
respondents, and status changes go through services.review_transition so that every step
is validated and recorded. docs/admin.md describes the screens.

One module per role; importing them registers their admins with the site.
"""

from assessment.admin import (  # noqa: F401
    banks,
    branding,
    cohorts,
    organisations,
    plans,
    records,
    review,
    site,
)
