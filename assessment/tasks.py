"""Background work: report renders. Emails are sent by the task in emails.py.

With TASKS_BACKEND=database the tasks wait in the database for `manage.py db_worker`;
with "immediate" they run at once in the process that enqueued them.
"""

from django_tasks import task

from assessment.models import Assessment, StoredReport
from assessment.reports import stored


@task()
def render_report(report_id: int) -> None:
    stored.render_stored_report(report_id)


@task()
def prepare_report(assessment_id: int) -> None:
    """Render the report of an assessment that just changed hands (submitted, reviewed, a
    note shared), so that its first download finds it ready."""
    assessment = Assessment.objects.select_related("organisation", "bank").get(pk=assessment_id)
    claim = stored.claim_report(assessment)
    if claim.render:
        stored.render_stored_report(claim.report.pk)


def request_report(assessment: Assessment) -> StoredReport:
    """The stored report of the assessment as it is now: ready, being prepared by a
    worker, or (with the immediate backend) rendered here and then ready or failed."""
    claim = stored.claim_report(assessment)
    if claim.render:
        render_report.enqueue(claim.report.pk)
        claim.report.refresh_from_db()
    return claim.report
