"""Reads for cohorts: which cohorts a consultant sees, and a cohort's dashboard (each
organisation's state, last activity and level, the counts per state, the levels per
component), in a number of queries that does not grow with the organisations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment import roles
from assessment.domain import scoring
from assessment.exports import BankIndexes, answer_values
from assessment.levels import LEVEL_LABELS, LEVELS
from assessment.models import (
    Assessment,
    Cohort,
    CohortOrganisation,
    Component,
    ComponentLevel,
    Membership,
)
from assessment.results import skipped_sections

Status = Assessment.Status

# An organisation's state in its cohort, in the order a cohort moves through them.
STATES = {
    "invited": _("Invited"),
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    Status.SUBMITTED: _("Submitted"),
    Status.IN_REVIEW: _("In review"),
    Status.CHANGES_REQUESTED: _("Changes requested"),
    Status.REVIEWED: _("Reviewed"),
}
# States whose assessment has a result the cohort's levels count.
SCORED_STATES = (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.REVIEWED)
# Not (yet) handed in: reminded before the due date.
UNSUBMITTED_STATES = ("not_started", "in_progress", Status.CHANGES_REQUESTED)


def cohorts_for(user):
    """The cohorts a consultant sees: the ones they belong to; a lead (or a superuser) all."""
    if roles.is_lead(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(consultants=user)


def get_cohort_for_user(user, cohort_id) -> Cohort:
    try:
        return cohorts_for(user).get(pk=int(cohort_id))
    except (Cohort.DoesNotExist, ValueError, TypeError):
        raise Http404("No such cohort.") from None


def window_start(cohort: Cohort) -> datetime:
    """Assessments created from the start of the opening day (site time) are the cohort's."""
    return timezone.make_aware(datetime.combine(cohort.opens_on, time.min))


def cohort_assessment(cohort: Cohort):
    """A subquery: the outer organisation's latest assessment started in the cohort's window."""
    return Subquery(
        Assessment.objects.filter(
            organisation=OuterRef("organisation_id"), created_at__gte=window_start(cohort)
        )
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )


def cohort_links(cohort: Cohort):
    """The cohort's organisations, each with whether anyone has joined it and the id of its
    assessment for the cohort (``assessment_id``, None before one is started)."""
    return (
        CohortOrganisation.objects.filter(cohort=cohort)
        .select_related("organisation")
        .annotate(
            # Annotated, not joined into instances: a cohort has thousands of rows.
            accepted_at=F("invitation__accepted_at"),
            has_members=Exists(Membership.objects.filter(organisation=OuterRef("organisation_id"))),
            assessment_id=cohort_assessment(cohort),
        )
        .order_by("organisation__name", "pk")
    )


@dataclass
class OrganisationRow:
    link: CohortOrganisation
    state: str
    assessment: Assessment | None
    percent_answered: int | None
    last_activity: datetime | None

    @property
    def organisation(self):
        return self.link.organisation

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    @property
    def level(self) -> int | None:
        if self.assessment is None or self.state not in SCORED_STATES:
            return None
        return self.assessment.overall_level

    @property
    def level_label(self) -> str:
        return "" if self.level is None else str(LEVEL_LABELS[self.level])


@dataclass
class HeatRow:
    """One component's row of the heatmap: how many reached each level, and how many had
    nothing scored there."""

    section: str
    component: str
    counts: list[int]
    unscored: int = 0


@dataclass
class Dashboard:
    cohort: Cohort
    rows: list[OrganisationRow]
    state_counts: list[tuple[str, str, int]]  # state, label, count
    heatmap: list[HeatRow] = field(default_factory=list)
    heat_max: int = 0


def heat_rows(dashboard: Dashboard) -> list[tuple[HeatRow, list[tuple[int, int]]]]:
    """The heatmap's rows, each with a shade (0-4) per count, relative to the largest count."""
    top = dashboard.heat_max or 1
    return [
        (row, [(count, -(-4 * count // top)) for count in row.counts]) for row in dashboard.heatmap
    ]


def row_state(link, assessment: Assessment | None) -> str:
    if not link.has_members:
        return "invited"
    if assessment is None:
        return "not_started"
    if assessment.status == Status.DRAFT:
        return "in_progress"
    return assessment.status


def last_activity(link, assessment: Assessment | None) -> datetime | None:
    moments = [link.added_at]
    if link.accepted_at is not None:
        moments.append(link.accepted_at)
    if assessment is not None:
        moments += [assessment.updated_at, assessment.submitted_at, assessment.reviewed_at]
    return max(moment for moment in moments if moment is not None)


def organisation_rows(cohort: Cohort) -> list[OrganisationRow]:
    """Each organisation of the cohort in its state: two queries."""
    links = list(cohort_links(cohort))
    ids = [link.assessment_id for link in links if link.assessment_id is not None]
    assessments = {
        assessment.pk: assessment
        for assessment in Assessment.objects.filter(pk__in=ids)
        .annotate(question_count=F("bank__question_count"))
        .only(
            "pk",
            "bank_id",
            "status",
            "answered_count",
            "overall_level",
            "overall_score",
            "section_applies",
            "updated_at",
            "submitted_at",
            "reviewed_at",
            "organisation_id",
        )
    }
    rows = []
    for link in links:
        assessment = assessments.get(link.assessment_id)
        percent = None
        if assessment is not None and assessment.question_count:
            percent = round(100 * assessment.answered_count / assessment.question_count)
        rows.append(
            OrganisationRow(
                link,
                row_state(link, assessment),
                assessment,
                percent,
                last_activity(link, assessment),
            )
        )
    return rows


def cohort_dashboard(cohort: Cohort) -> Dashboard:
    """Five queries (the rows' two, the levels' three); see component_levels."""
    rows = organisation_rows(cohort)
    counts = Counter(row.state for row in rows)
    dashboard = Dashboard(
        cohort=cohort,
        rows=rows,
        state_counts=[(state, str(label), counts[state]) for state, label in STATES.items()],
    )
    dashboard.heatmap = component_levels([row.assessment for row in rows if row.level is not None])
    dashboard.heat_max = max((max(row.counts) for row in dashboard.heatmap), default=0)
    return dashboard


def component_levels(assessments: list[Assessment]) -> list[HeatRow]:
    """How many of the assessments reached each level in each component, as submitted;
    components in their bank's order (the newest bank first). Two queries for the levels
    stored at submission (ComponentLevel) and one for the components' titles; assessments
    submitted before levels were stored are scored here, which costs one more query."""
    if not assessments:
        return []
    ids = [assessment.pk for assessment in assessments]
    stored = ComponentLevel.objects.filter(assessment_id__in=ids)
    tally: Counter = Counter(
        {
            (component_id, level): count
            for component_id, level, count in stored.values("component_id", "level")
            .annotate(count=Count("pk"))
            .values_list("component_id", "level", "count")
            .order_by()
        }
    )
    with_levels = set(stored.values_list("assessment_id", flat=True).distinct().order_by())
    tally.update(scored_levels([a for a in assessments if a.pk not in with_levels]))
    components = Component.objects.filter(pk__in={pk for pk, _level in tally}).order_by(
        "-section__bank_id", "section__order", "order", "pk"
    )
    rows: dict[str, HeatRow] = {}
    for pk, slug, title, section in components.values_list("pk", "slug", "title", "section__title"):
        row = rows.setdefault(slug, HeatRow(section, title, [0] * len(LEVELS)))
        row.unscored += tally[(pk, None)]
        for level in LEVELS:
            row.counts[level] += tally[(pk, level)]
    return list(rows.values())


def scored_levels(assessments: list[Assessment]) -> Counter:
    """(component id, level) → how many, scoring the assessments from their answers."""
    tally: Counter = Counter()
    if not assessments:
        return tally
    banks = BankIndexes()
    values = answer_values({a.pk: a.bank_id for a in assessments}, banks)
    for assessment in assessments:
        index = banks[assessment.bank_id]
        component_ids = {c.slug: c.pk for c in index.structure.components}
        result = scoring.score_assessment(
            index.structure.spec,
            values[assessment.pk],
            skipped_sections=skipped_sections(assessment),
        )
        for section in result.sections:
            for component in section.components:
                tally[(component_ids[component.slug], component.level)] += 1
    return tally
