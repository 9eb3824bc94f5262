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
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Length
from django.template.loader import render_to_string
from django.utils import translation

from assessment import changes, selectors, team
from assessment.models import Action, Assessment, ComponentTarget, ConsultantNote
from assessment.results import results_for

CONTENT_TEMPLATE = "assessment/_results_content.html"
CACHE_SECONDS = 60 * 60
# Raised when what the content shows changes shape, so older cached pages are not served.
CONTENT_VERSION = 1


def _aggregate(queryset, group: str, expression):
    """One aggregate of the rows ``queryset`` correlates (by OuterRef) with the outer row."""
    return Subquery(queryset.order_by().values(group).annotate(value=expression).values("value"))


def fingerprint(assessment: Assessment) -> str:
    """Everything besides the answers that the results page shows, as one string."""
    targets = ComponentTarget.objects.filter(assessment=OuterRef("pk"))
    actions = Action.objects.filter(organisation=OuterRef("organisation"))
    notes = ConsultantNote.objects.filter(assessment=OuterRef("pk"), shared=True)
    previous = Assessment.objects.filter(
        organisation=OuterRef("organisation"),
        submitted_at__isnull=False,
        submitted_at__lt=OuterRef("submitted_at"),
    ).order_by("-submitted_at")
    row = (
        Assessment.objects.filter(pk=assessment.pk)
        .annotate(
            target_count=_aggregate(targets, "assessment", Count("pk")),
            target_changed=_aggregate(targets, "assessment", Max("updated_at")),
            target_sum=_aggregate(targets, "assessment", Sum("level")),
            action_count=_aggregate(actions, "organisation", Count("pk")),
            action_changed=_aggregate(actions, "organisation", Max("updated_at")),
            note_count=_aggregate(notes, "assessment", Count("pk")),
            note_last=_aggregate(notes, "assessment", Max("pk")),
            note_length=_aggregate(notes, "assessment", Coalesce(Sum(Length("text")), 0)),
            previous_id=Subquery(previous.values("pk")[:1]),
        )
        .values(
            "target_count",
            "target_changed",
            "target_sum",
            "action_count",
            "action_changed",
            "note_count",
            "note_last",
            "note_length",
            "previous_id",
        )
        .get()
    )
    fields = [
        (field.attname, getattr(assessment, field.attname))
        for field in Assessment._meta.concrete_fields
    ]
    return repr((CONTENT_VERSION, fields, sorted(row.items())))


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
