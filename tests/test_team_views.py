"""Team assessments in the browser's terms: starting one, each participant answering on
their own, the calibration page, agreeing the answers of record and submitting them."""

import re

import pytest
from django.urls import reverse

from assessment.models import (
    AgreedAnswer,
    Answer,
    Assessment,
    Membership,
    Participant,
    ParticipantAnswer,
    Question,
)
from tests import factories


@pytest.fixture
def dana(org_a):
    """A member of organisation A who does not take part in the team assessment."""
    return factories.make_user("dana@acme.example", organisation=org_a, first_name="Dana")


@pytest.fixture
def team_assessment(org_a, bank, alice, bob):
    return factories.make_team_assessment(
        organisation=org_a, bank=bank, owner=alice, members=[bob], title="Team view 2026"
    )


def url(name, assessment, **kwargs):
    return reverse(name, kwargs={"assessment_id": assessment.pk, **kwargs})


def question(bank, slug):
    return Question.objects.get(component__section__bank=bank, slug=slug)


def both_answered(team_assessment, alice_levels, bob_levels):
    for user, levels in ((team_assessment.created_by, alice_levels), (None, bob_levels)):
        participant = (
            factories.participant_of(team_assessment, user)
            if user
            else team_assessment.participants.exclude(user=team_assessment.created_by).get()
        )
        for slug, level in levels.items():
            factories.own_answer(participant, slug, level)


def open_calibration(assessment):
    Assessment.objects.filter(pk=assessment.pk).update(calibration_opened_at="2026-12-01T10:00Z")


# --- Starting ---------------------------------------------------------------------------


def start_form(**fields):
    return {"title": "Team 2026", "mode": "team", "ambition": "", **fields}


def test_starting_a_team_assessment_makes_the_starter_and_the_chosen_colleagues_participants(
    client, alice, bob, bank
):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), start_form(participants=[bob.pk]))
    assessment = Assessment.objects.get(title="Team 2026")
    assert response.status_code == 302
    assert assessment.mode == Assessment.Mode.TEAM
    assert set(assessment.participants.values_list("user", flat=True)) == {alice.pk, bob.pk}


def test_a_team_assessment_can_name_someone_invited_who_takes_part_on_joining(
    client, alice, bank, org_a
):
    from assessment import services

    invitation, token = services.invite_member(
        organisation=org_a, email="eve@acme.example", invited_by=alice
    )
    client.force_login(alice)
    client.post(reverse("assessment_start"), start_form(invited=[invitation.pk]))
    services.accept_invitation(
        invitation=invitation, first_name="Eve", password=factories.PASSWORD + "!x"
    )
    eve = Participant.objects.get(invitation=invitation)
    assert eve.user.email == "eve@acme.example"
    assert eve.name == "Eve"


def test_a_team_assessment_needs_a_colleague(client, alice, bank):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), start_form())
    assert response.status_code == 400
    assert "Choose at least one colleague" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_team_assessment_cannot_copy_earlier_answers(client, alice, bob, bank, org_a):
    earlier = factories.submitted(org_a, bank, alice)
    client.force_login(alice)
    response = client.post(
        reverse("assessment_start"), start_form(participants=[bob.pk], prefill_from=earlier.pk)
    )
    assert response.status_code == 400
    assert "A team assessment starts blank" in response.content.decode()


def test_a_member_of_another_organisation_cannot_be_named(client, alice, carol, bank):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), start_form(participants=[carol.pk]))
    assert response.status_code == 400
    assert not Assessment.objects.exists()


# --- Answering on one's own ---------------------------------------------------------------


def section_post(bank, slug, level):
    asked = question(bank, slug)
    choice = asked.choices.get(level=level)
    return {f"q{asked.pk}": str(choice.pk), f"c{asked.pk}": "", f"r{asked.pk}": "0"}


def test_each_participant_saves_their_own_answers_and_not_the_answers_of_record(
    client, alice, bob, bank, team_assessment
):
    section = question(bank, "training-data-versions").component.section
    target = url("assessment_section", team_assessment, section_slug=section.slug)
    client.force_login(alice)
    client.post(target, section_post(bank, "training-data-versions", 3))
    client.force_login(bob)
    client.post(target, section_post(bank, "training-data-versions", 1))
    own = ParticipantAnswer.objects.filter(participant__assessment=team_assessment)
    assert sorted(own.values_list("participant__user__first_name", "choice__level")) == [
        ("Alice", 3),
        ("Bob", 1),
    ]
    assert not Answer.objects.filter(assessment=team_assessment).exists()


def test_a_participant_sees_only_their_own_answers_on_a_section_page(
    client, alice, bob, bank, team_assessment
):
    both_answered(team_assessment, {"training-data-versions": 3}, {})
    section = question(bank, "training-data-versions").component.section
    client.force_login(bob)
    response = client.get(url("assessment_section", team_assessment, section_slug=section.slug))
    assert response.status_code == 200
    assert "these are your own answers" in response.content.decode()
    assert not re.search(r'type="radio"[^>]* checked', response.content.decode())
    chosen = question(bank, "training-data-versions").choices.get(level=3)
    client.force_login(alice)
    page = client.get(url("assessment_section", team_assessment, section_slug=section.slug))
    assert f'value="{chosen.pk}" checked' in page.content.decode()


@pytest.mark.parametrize("page", ["assessment_overview", "assessment_review"])
def test_a_member_who_does_not_take_part_gets_a_404(client, dana, team_assessment, page):
    client.force_login(dana)
    assert client.get(url(page, team_assessment)).status_code == 404


def test_a_member_who_does_not_take_part_gets_a_404_for_a_section(
    client, dana, bank, team_assessment
):
    section = question(bank, "training-data-versions").component.section
    client.force_login(dana)
    response = client.get(url("assessment_section", team_assessment, section_slug=section.slug))
    assert response.status_code == 404


def test_finishing_marks_only_the_participant_and_can_be_taken_back(client, bob, team_assessment):
    client.force_login(bob)
    response = client.post(url("assessment_team_finished", team_assessment), {"finished": "yes"})
    assert response.status_code == 302
    assert factories.participant_of(team_assessment, bob).finished_at is not None
    assert factories.participant_of(team_assessment, team_assessment.created_by).finished_at is None
    client.post(url("assessment_team_finished", team_assessment), {"finished": "no"})
    assert factories.participant_of(team_assessment, bob).finished_at is None


# --- Who sees the calibration --------------------------------------------------------------


def test_the_calibration_is_closed_until_opened_or_everyone_has_finished(
    client, alice, team_assessment
):
    client.force_login(alice)
    assert client.get(url("assessment_calibration", team_assessment)).status_code == 404
    Participant.objects.filter(assessment=team_assessment).update(finished_at="2026-12-01T10:00Z")
    assert client.get(url("assessment_calibration", team_assessment)).status_code == 200


def test_the_owner_opens_the_calibration_before_everyone_has_finished(
    client, alice, team_assessment
):
    client.force_login(alice)
    response = client.post(
        url("assessment_team_settings", team_assessment), {"open_calibration": "yes"}
    )
    assert response.url == url("assessment_calibration", team_assessment)
    assert client.get(response.url).status_code == 200


def test_participants_see_the_calibration_only_when_the_owner_allows_it(
    client, bob, team_assessment
):
    open_calibration(team_assessment)
    client.force_login(bob)
    assert client.get(url("assessment_calibration", team_assessment)).status_code == 404
    Assessment.objects.filter(pk=team_assessment.pk).update(participants_see_calibration=True)
    response = client.get(url("assessment_calibration", team_assessment))
    assert response.status_code == 200
    assert "Save the agreed answers" not in response.content.decode()


def test_only_the_owner_changes_the_team_settings(client, bob, team_assessment):
    client.force_login(bob)
    response = client.post(url("assessment_team_settings", team_assessment), {"show_names": "on"})
    assert response.status_code == 403
    assert not Assessment.objects.get(pk=team_assessment.pk).show_participant_names


def test_the_calibration_of_another_organisation_is_a_404(client, carol, team_assessment):
    open_calibration(team_assessment)
    client.force_login(carol)
    assert client.get(url("assessment_calibration", team_assessment)).status_code == 404


def test_the_calibration_page_sends_anonymous_visitors_to_log_in(client, team_assessment):
    open_calibration(team_assessment)
    response = client.get(url("assessment_calibration", team_assessment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["assessment_calibration", "assessment_team_finished", "assessment_team_settings"]
)
def test_team_posts_send_anonymous_visitors_to_log_in(client, team_assessment, name):
    response = client.post(url(name, team_assessment), {"finished": "yes"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Participant.objects.filter(finished_at__isnull=False).exists()


@pytest.mark.parametrize(
    "name", ["assessment_calibration", "assessment_team_finished", "assessment_team_settings"]
)
def test_team_posts_of_another_organisation_are_a_404(client, carol, team_assessment, name):
    open_calibration(team_assessment)
    client.force_login(carol)
    assert client.post(url(name, team_assessment), {"finished": "yes"}).status_code == 404


def test_a_member_who_does_not_take_part_cannot_see_the_calibration(client, dana, team_assessment):
    open_calibration(team_assessment)
    Assessment.objects.filter(pk=team_assessment.pk).update(participants_see_calibration=True)
    client.force_login(dana)
    assert client.get(url("assessment_calibration", team_assessment)).status_code == 404


def test_a_member_who_does_not_take_part_cannot_mark_anything_finished(
    client, dana, team_assessment
):
    client.force_login(dana)
    response = client.post(url("assessment_team_finished", team_assessment), {"finished": "yes"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["assessment_team_finished", "assessment_team_settings"])
def test_team_actions_refuse_get(client, alice, team_assessment, name):
    client.force_login(alice)
    assert client.get(url(name, team_assessment)).status_code == 405


def test_the_calibration_page_refuses_put(client, alice, team_assessment):
    open_calibration(team_assessment)
    client.force_login(alice)
    assert client.put(url("assessment_calibration", team_assessment)).status_code == 405


# --- The calibration page ------------------------------------------------------------------


def test_the_calibration_shows_each_answer_with_its_comment_and_hides_names_by_default(
    client, alice, bank, team_assessment
):
    both_answered(team_assessment, {"training-data-versions": 3}, {"training-data-versions": 1})
    ParticipantAnswer.objects.filter(choice__level=1).update(comment="Only for one model")
    open_calibration(team_assessment)
    client.force_login(alice)
    page = client.get(url("assessment_calibration", team_assessment)).content.decode()
    assert "Participant 1:" in page and "Participant 2:" in page
    assert "Only for one model" in page
    assert "Bob:" not in page
    assert "2 levels apart" in page


def test_names_are_shown_next_to_answers_when_the_owner_chooses(client, alice, team_assessment):
    both_answered(team_assessment, {"training-data-versions": 3}, {"training-data-versions": 1})
    Assessment.objects.filter(pk=team_assessment.pk).update(show_participant_names=True)
    open_calibration(team_assessment)
    client.force_login(alice)
    page = client.get(url("assessment_calibration", team_assessment)).content.decode()
    assert "Bob:" in page and "Alice:" in page


def test_only_disagreements_lists_the_questions_answered_differently(
    client, alice, team_assessment
):
    both_answered(
        team_assessment,
        {"training-data-versions": 3, "data-lineage": 2},
        {"training-data-versions": 1, "data-lineage": 2},
    )
    open_calibration(team_assessment)
    client.force_login(alice)
    page = client.get(
        url("assessment_calibration", team_assessment) + "?show=disagreements"
    ).content.decode()
    versions = question(team_assessment.bank, "training-data-versions")
    lineage = question(team_assessment.bank, "data-lineage")
    assert f'id="q-{versions.pk}"' in page
    assert f'id="q-{lineage.pk}"' not in page
    assert f'type="hidden" name="a{lineage.pk}"' in page


def test_a_former_participant_keeps_their_answers_in_the_spread(
    client, alice, bob, team_assessment
):
    both_answered(team_assessment, {"training-data-versions": 3}, {"training-data-versions": 1})
    Membership.objects.filter(user=bob).delete()
    open_calibration(team_assessment)
    client.force_login(alice)
    page = client.get(url("assessment_calibration", team_assessment)).content.decode()
    assert "Participant 2 (former participant):" in page


def test_the_calibration_page_runs_the_same_queries_for_two_or_four_participants(
    client, alice, bob, dana, org_a, bank, django_assert_num_queries
):
    def calibration_with(members):
        assessment = factories.make_team_assessment(
            organisation=org_a, bank=bank, owner=alice, members=members
        )
        for participant in assessment.participants.all():
            for slug, level in factories.SAMPLE_LEVELS.items():
                factories.own_answer(participant, slug, level)
        open_calibration(assessment)
        return url("assessment_calibration", assessment)

    small = calibration_with([bob])
    larger = calibration_with(
        [bob, dana, factories.make_user("finn@acme.example", organisation=org_a)]
    )
    client.force_login(alice)
    client.get(small)
    with django_assert_num_queries(6) as counted:
        assert client.get(small).status_code == 200
    with django_assert_num_queries(len(counted.captured_queries)):
        assert client.get(larger).status_code == 200


# --- Agreeing and submitting ---------------------------------------------------------------


def test_saving_the_calibration_stores_the_median_default_as_the_answer_of_record(
    client, alice, bank, team_assessment
):
    both_answered(team_assessment, {"training-data-versions": 3}, {"training-data-versions": 1})
    open_calibration(team_assessment)
    client.force_login(alice)
    calibration = url("assessment_calibration", team_assessment)
    page = client.get(calibration)
    posted = {}
    for row in page.context["form"].rows:
        posted[row.field] = row.value
        posted[row.note_name] = ""
    versions = question(bank, "training-data-versions")
    posted[f"n{versions.pk}"] = "One model versions its data; the others do not."
    response = client.post(calibration, posted)
    assert response.status_code == 302
    record = Answer.objects.get(assessment=team_assessment, question=versions)
    assert record.choice.level == 1  # the lower of the two middle levels
    assert AgreedAnswer.objects.get(question=versions).note.startswith("One model")
    assert record.comment == "One model versions its data; the others do not."
    assert not Answer.objects.filter(
        assessment=team_assessment, question=question(bank, "data-lineage")
    ).exists()


def test_a_choice_of_another_question_is_refused_and_nothing_is_saved(
    client, alice, bank, team_assessment
):
    open_calibration(team_assessment)
    versions, lineage = question(bank, "training-data-versions"), question(bank, "data-lineage")
    client.force_login(alice)
    response = client.post(
        url("assessment_calibration", team_assessment),
        {f"a{versions.pk}": str(lineage.choices.first().pk), f"a{lineage.pk}": "dk"},
    )
    assert response.status_code == 400
    assert "Choose one of this question" in response.content.decode()
    assert not Answer.objects.filter(assessment=team_assessment).exists()


def test_a_participant_cannot_agree_the_answers(client, bob, team_assessment):
    open_calibration(team_assessment)
    Assessment.objects.filter(pk=team_assessment.pk).update(participants_see_calibration=True)
    client.force_login(bob)
    response = client.post(url("assessment_calibration", team_assessment), {})
    assert response.status_code == 403


def agree_everything(client, assessment, level=2):
    for asked in Question.objects.filter(component__section__bank=assessment.bank):
        Answer.objects.update_or_create(
            assessment=assessment,
            question=asked,
            defaults={"status": "answered", "choice": asked.choices.get(level=level)},
        )


def test_the_owner_submits_the_answers_of_record(client, alice, team_assessment):
    agree_everything(client, team_assessment)
    client.force_login(alice)
    response = client.post(url("assessment_submit", team_assessment))
    assert response.url == url("assessment_results", team_assessment)
    assert Assessment.objects.get(pk=team_assessment.pk).overall_level == 2


def test_a_participant_cannot_submit_a_team_assessment(client, bob, team_assessment):
    agree_everything(client, team_assessment)
    client.force_login(bob)
    assert client.post(url("assessment_submit", team_assessment)).status_code == 403
    assert Assessment.objects.get(pk=team_assessment.pk).submitted_at is None


def test_submitting_without_every_answer_of_record_says_how_many_are_missing(
    client, alice, team_assessment
):
    open_calibration(team_assessment)
    client.force_login(alice)
    response = client.post(url("assessment_submit", team_assessment), follow=True)
    assert response.redirect_chain[-1][0] == url("assessment_calibration", team_assessment)
    assert "questions have no answer of record yet" in response.content.decode()


def test_deleting_the_organisation_deletes_the_team_and_its_answers(
    alice, bob, team_assessment, org_a
):
    both_answered(team_assessment, {"training-data-versions": 3}, {"training-data-versions": 1})
    org_a.delete()
    assert not Participant.objects.exists()
    assert not ParticipantAnswer.objects.exists()


def test_the_dashboard_links_a_team_assessment_only_for_those_taking_part(
    client, bob, dana, team_assessment
):
    overview = url("assessment_overview", team_assessment)
    client.force_login(bob)
    assert f'href="{overview}"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(dana)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{overview}"' not in page
    assert "a team assessment you are not taking part in" in page
