"""The results page's content, rendered once per state of a submitted assessment.

A submitted assessment's answers and scores never change while it is submitted, in review
or reviewed; what its results page shows can still change around them: its status and
review, its targets, the organisation's actions, the consultant's shared notes, the
previous assessment it is compared with. The cache key is a fingerprint of all of those,
read in one query, so any change to them renders afresh, and the content is cached for an
hour at most (a deploy with new templates is seen within the hour). A draft, or an
assessment whose answers are open for changes, is never cached.
"""

import hashlib

from django.core.cache import cache
from django.db import connections, router
from django.template.loader import render_to_string
from django.utils import translation

from assessment import changes, selectors, team
from assessment.models import Action, Assessment, ComponentTarget, ConsultantNote
from assessment.results import results_for

CONTENT_TEMPLATE = "assessment/_results_content.html"
CACHE_SECONDS = 60 * 60
# Raised when what the content shows changes shape, so older cached pages are not served.
CONTENT_VERSION = 1


# Written out rather than built with the ORM: compiling nine correlated subqueries was half
# of a cached results page's time (docs/performance.md). Only table names, which come from
# the models, are put into the text; the ids are parameters.
FINGERPRINT_SQL = """
SELECT t.n, t.changed, t.total, a.n, a.changed, n.n, n.last, n.length,
       (SELECT earlier.id FROM {assessment} earlier, {assessment} this
         WHERE this.id = %s AND earlier.organisation_id = this.organisation_id
           AND earlier.submitted_at IS NOT NULL AND earlier.submitted_at < this.submitted_at
         ORDER BY earlier.submitted_at DESC LIMIT 1)
FROM (SELECT COUNT(*) AS n, MAX(updated_at) AS changed, SUM(level) AS total
        FROM {target} WHERE assessment_id = %s) t,
     (SELECT COUNT(*) AS n, MAX(updated_at) AS changed
        FROM {action} WHERE organisation_id = %s) a,
     (SELECT COUNT(*) AS n, MAX(id) AS last, COALESCE(SUM(LENGTH(text)), 0) AS length
        FROM {note} WHERE assessment_id = %s AND shared = %s) n
"""


def fingerprint(assessment: Assessment) -> str:
    """Everything besides the answers that the results page shows, as one string: the
    assessment's own fields; its targets, the organisation's actions and the shared notes
    (count, last change, and a sum that moves when one is edited); the assessment it is
    compared with."""
    connection = connections[router.db_for_read(Assessment)]
    sql = FINGERPRINT_SQL.format(
        **{
            name: connection.ops.quote_name(model._meta.db_table)
            for name, model in (
                ("assessment", Assessment),
                ("target", ComponentTarget),
                ("action", Action),
                ("note", ConsultantNote),
            )
        }
    )
    pk, organisation = assessment.pk, assessment.organisation_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, pk, organisation, pk, True])
        row = cursor.fetchone()
    fields = [
        (field.attname, getattr(assessment, field.attname))
        for field in Assessment._meta.concrete_fields
    ]
    return repr((CONTENT_VERSION, fields, row))


def cache_key(assessment: Assessment, viewer) -> str | None:
    """The key of the page's content for this viewer, or None when it is not cached."""
    if assessment.submitted_at is None or assessment.is_editable:
        return None
    viewer_kind = (selectors.is_consultant(viewer), selectors.get_membership(viewer) is not None)
    state = repr((fingerprint(assessment), viewer_kind, translation.get_language()))
    digest = hashlib.sha256(state.encode()).hexdigest()
    return f"results-page:{assessment.pk}:{digest}"


def content_context(assessment: Assessment, viewer) -> dict:
    scored = results_for(assessment)
    context = scored.page_context(viewer=viewer)
    context["answer_changes"] = changes.answer_changes(assessment, results=scored)
    context["team"] = team.calibration_if_team(assessment, scored)
    return context


def results_content(request, assessment: Assessment) -> str:
    """The page's content: from the cache when this state was rendered before."""
    key = cache_key(assessment, request.user)
    content = cache.get(key) if key else None
    if content is None:
        content = render_to_string(
            CONTENT_TEMPLATE, content_context(assessment, request.user), request=request
        )
        if key:
            cache.set(key, content, CACHE_SECONDS)
    return content
