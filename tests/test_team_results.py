"""What a team assessment's results show: scored from the answers of record, with who took
part, the agreement per section and the questions the team disagreed on most, on the
results page, in results.json, in the PDF's method page and in the admin."""

import pytest
from django.urls import reverse

from assessment import team
from assessment.models import AgreedAnswer, Answer, Assessment, Question
from assessment.reports.context import report_html
from assessment.results import results_for
from tests import factories


@pytest.fixture
def calibrated(org_a, bank, alice, bob):
    """A team of two who disagreed on data versioning (3 and 1) and agreed Repeatable, and
    answered every other question alike."""
    assessment = factories.make_team_assessment(
        organisation=org_a, bank=bank, owner=alice, members=[bob], title="Team view 2026"
    )
    for user in (alice, bob):
        participant = factories.participant_of(assessment, user)
        for slug, level in factories.SAMPLE_LEVELS.items():
            if slug != "training-data-versions":
                factories.own_answer(participant, slug, level)
    factories.own_answer(factories.participant_of(assessment, alice), "training-data-versions", 3)
    factories.own_answer(factories.participant_of(assessment, bob), "training-data-versions", 1)
    factories.answer_all(assessment, {**factories.SAMPLE_LEVELS, "training-data-versions": 2})
    versions = Question.objects.get(component__section__bank=bank, slug="training-data-versions")
    AgreedAnswer.objects.create(
        assessment=assessment, question=versions, note="Only the fraud model is versioned."
    )
    return assessment


def test_a_team_assessment_is_scored_from_its_answers_of_record(calibrated):
    single = factories.make_assessment(organisation=calibrated.organisation, bank=calibrated.bank)
    factories.answer_all(single, {**factories.SAMPLE_LEVELS, "training-data-versions": 2})
    team_result = team.calibration_for(calibrated).result
    single_result = results_for(single).result
    assert team_result.overall == single_result.overall


def test_the_spread_and_agreement_come_from_each_participants_own_score(calibrated):
    calibration = team.calibration_for(calibrated)
    data, _components = calibration.sections[0]
    assert data.agreement.of == 2
    assert data.spread.high > data.spread.low
    assert [row.question.slug for row in calibration.most_disagreed] == ["training-data-versions"]


def test_the_results_page_says_who_took_part_and_where_they_disagreed(client, alice, calibrated):
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[calibrated.pk])).content.decode()
    assert "2 people answered on their own" in page
    assert "Participant 1, Participant 2" in page
    assert "Where the team disagreed most" in page
    assert "Only the fraud model is versioned." in page
    assert "Agreed: 2 Repeatable" in page


def test_the_results_page_names_the_team_when_the_owner_shows_names(client, alice, calibrated):
    Assessment.objects.filter(pk=calibrated.pk).update(show_participant_names=True)
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[calibrated.pk])).content.decode()
    assert "Alice, Bob" in page


def test_a_single_assessments_results_page_has_no_team_panel(client, alice, org_a, bank):
    single = factories.submitted(org_a, bank, alice)
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[single.pk])).content.decode()
    assert "How the team answered" not in page


def test_results_json_scores_the_answers_of_record(client, alice, calibrated):
    client.force_login(alice)
    document = client.get(reverse("assessment_results_json", args=[calibrated.pk])).json()
    versions = next(a for a in document["answers"] if a["question"] == "training-data-versions")
    assert versions["level"] == 2


def test_the_report_method_page_shows_the_teams_agreement(calibrated):
    html = report_html(calibrated, board_only=True)
    assert "A team of 2, each on their own" in html
    assert "2 people answered on their own (Participant 1, Participant 2)" in html
    assert "Most disagreement: “When a model is trained" in html
    assert "agreed 2 Repeatable" in html


def test_the_admin_shows_the_spread_but_not_the_names_unless_shown(client, calibrated, consultant):
    client.force_login(consultant)
    change = reverse("admin:assessment_assessment_change", args=[calibrated.pk])
    page = client.get(change).content.decode()
    assert "How the team answered" in page
    assert "Participant 1" in page
    assert "Bob" not in page.split("How the team answered", 1)[1].split("</section>", 1)[0]


def test_answers_of_record_left_unagreed_stay_unanswered(calibrated):
    Answer.objects.filter(assessment=calibrated).delete()
    assert team.calibration_for(calibrated).result.completeness.answered == 0
