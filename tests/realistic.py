"""A realistic reviewed v2 assessment for the report's page tests: bank v2, a previous
assessment, targets, an action with its owner and due date, a consultant's shared note on
an answer and a long verdict. Shared by the board report's page count (test_report.py)
and its measure and annex pages (test_report_layout.py)."""

from datetime import timedelta

from django.utils import timezone

from assessment import services
from assessment.bank import load_bank, read_bank_file
from assessment.domain.targets import IN_PRODUCTION, suggest_targets
from assessment.models import Answer
from assessment.results import results_for
from assessment.structure import bank_structure
from tests import factories, personas_v2

VERDICT = "Strong pipelines; the gap is continuous integration. " * 6


def realistic_v2_assessment(organisation, owner, action_owner, consultant):
    """Last year's assessment (persona ms0) and this year's (g1), reviewed."""
    v2 = load_bank(data=read_bank_file(factories.FIXTURES / "question_bank_v2.yaml")).bank
    made = []
    for title, persona in (("Last year", "ms0"), ("This year", "g1")):
        assessment = factories.make_assessment(
            organisation=organisation, bank=v2, created_by=owner, title=title
        )
        for section in personas_v2.SKIPPED:
            services.set_section_applies(
                assessment=assessment, section_slug=section, applies=False, user=owner
            )
        assessment.refresh_from_db()
        for slug, level in personas_v2.BY_NAME[persona].items():
            if level == "na":
                factories.answer(assessment, slug, status=Answer.Status.NOT_APPLICABLE)
            else:
                factories.answer(assessment, slug, level, comment=f"Evidence for {slug}.")
        made.append(services.submit_assessment(assessment=assessment, user=owner))
    current = made[1]
    levels = suggest_targets(IN_PRODUCTION, bank_structure(v2).target_subjects)
    for slug in list(levels)[:3]:
        levels[slug] = min(4, levels[slug] + 1)
    services.set_targets(assessment=current, levels=levels, ambition=IN_PRODUCTION, user=owner)
    workstream = results_for(current).roadmap.workstreams[0]
    factories.make_action(
        organisation=organisation,
        title=workstream.title,
        components=[item.component for item in workstream.items],
        owner=action_owner,
        due_date=timezone.localdate() + timedelta(days=60),
    )
    services.review_transition(assessment=current, to_status="in_review", consultant=consultant)
    services.add_consultant_note(
        assessment=current,
        author=consultant,
        text="Ask the platform team: they set the registry up in 2024.",
        shared=True,
        answer=current.answers.filter(status=Answer.Status.ANSWERED).first(),
    )
    return services.review_transition(
        assessment=current, to_status="reviewed", consultant=consultant, message=VERDICT
    )
