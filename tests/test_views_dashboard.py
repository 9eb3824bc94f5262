import html
import re

import pytest
from django.urls import reverse

from assessment import selectors, services
from assessment.bank import load_bank, read_bank_file
from assessment.models import Answer, Assessment, Question
from assessment.results import results_for
from tests import factories
from tests.held_back import HELD_BACK, held_back_assessment


def answer_everything(assessment, level=2):
    for q in Question.objects.filter(component__section__bank=assessment.bank):
        factories.answer(assessment, q.slug, level)


@pytest.mark.django_db
def test_the_dashboard_lists_only_the_organisations_assessments(
    client, alice, assessment_a, assessment_b
):
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("assessment_overview", args=[assessment_a.pk]) in html
    assert reverse("assessment_overview", args=[assessment_b.pk]) not in html


@pytest.mark.django_db
def test_the_dashboard_shows_completion_level_and_last_editor(client, alice, bob, assessment_a):
    answer_everything(assessment_a, level=3)
    Assessment.objects.filter(pk=assessment_a.pk).update(answered_count=10)
    services.submit_assessment(assessment=assessment_a, user=bob)
    Assessment.objects.filter(pk=assessment_a.pk).update(last_edited_by=bob)
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert "10/10" in html
    assert "Reproducible" in html
    assert "by Bob" in html


@pytest.mark.django_db
def test_starting_an_assessment_pins_it_to_the_published_bank(client, alice, bank):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), {"title": "Spring review"})
    assessment = Assessment.objects.get(title="Spring review")
    assert response["Location"] == reverse("assessment_overview", args=[assessment.pk])
    assert assessment.bank == bank
    assert assessment.created_by == alice


@pytest.mark.django_db
def test_starting_without_a_title_shows_the_error(client, alice, bank):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), {"title": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_starting_when_no_bank_is_published_explains_why(client, alice):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), {"title": "Early"}, follow=True)
    assert "No questionnaire is published yet" in response.content.decode()


@pytest.mark.django_db
def test_a_new_assessment_can_start_from_a_previous_submission(client, alice, assessment_a):
    answer_everything(assessment_a, level=3)
    Answer.objects.filter(question__slug="data-lineage").update(comment="see wiki")
    services.submit_assessment(assessment=assessment_a, user=alice)
    client.force_login(alice)
    response = client.post(
        reverse("assessment_start"), {"title": "Next year", "prefill_from": assessment_a.pk}
    )
    new = Assessment.objects.get(title="Next year")
    assert new.copied_from == assessment_a
    assert new.answered_count == 10
    copied = Answer.objects.filter(assessment=new)
    assert {a.choice.level for a in copied} == {3}
    assert copied.get(question__slug="data-lineage").comment == "see wiki"
    page = client.get(response["Location"]).content.decode()
    assert "10 answers were copied" in page


@pytest.mark.django_db
def test_prefill_says_which_answers_could_not_be_copied_into_a_new_bank(
    client, alice, assessment_a, tmp_path
):
    import yaml

    answer_everything(assessment_a, level=3)
    services.submit_assessment(assessment=assessment_a, user=alice)
    data = yaml.safe_load(factories.SAMPLE_BANK_FILE.read_text())
    data["version"] = "sample-2"
    data["sections"][0]["components"][0]["questions"][1]["slug"] = "data-lineage-v2"
    data["sections"][0]["components"][0]["questions"][1]["text"] = "A reworded lineage question?"
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(data))
    factories.make_bank(path)
    client.force_login(alice)
    response = client.post(
        reverse("assessment_start"), {"title": "On v2", "prefill_from": assessment_a.pk}
    )
    page = client.get(response["Location"]).content.decode()
    assert "9 answers were copied" in page
    assert "Can you trace a production prediction back to the raw data behind it?" in page
    assert Assessment.objects.get(title="On v2").bank.version == "sample-2"


@pytest.mark.django_db
def test_prefill_from_another_organisation_is_refused(client, carol, assessment_a, alice):
    answer_everything(assessment_a)
    services.submit_assessment(assessment=assessment_a, user=alice)
    client.force_login(carol)
    response = client.post(
        reverse("assessment_start"), {"title": "Stolen", "prefill_from": assessment_a.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(title="Stolen").exists()


@pytest.mark.django_db
def test_the_dashboard_shows_a_reviewers_change_request(client, alice, assessment_a):
    Assessment.objects.filter(pk=assessment_a.pk).update(
        status="changes_requested", change_request_message="Please explain the <b>drift</b> answer."
    )
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Changes requested" in html
    assert "Please explain the &lt;b&gt;drift&lt;/b&gt; answer." in html


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_assessments(
    client, alice, org_a, bank, django_assert_max_num_queries
):
    client.force_login(alice)
    factories.make_assessment(organisation=org_a, bank=bank, last_edited_by=alice)
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))
    for index in range(10):
        factories.make_assessment(
            organisation=org_a, bank=bank, title=f"A{index}", last_edited_by=alice
        )
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard"))


# --- Every level explains itself (issue 14 §3) -------------------------------------------


def test_the_results_page_says_why_a_level_was_held_back(client, org_a, alice):
    assessment = held_back_assessment(org_a, alice)
    client.force_login(alice)
    response = client.get(reverse("assessment_results", args=[assessment.pk]))
    page = html.unescape(response.content.decode())
    assert HELD_BACK in page
    # The section and the overall explain themselves too, with the lines results.py built.
    explanations = results_for(assessment).explanations
    assert explanations["overall"] in page
    assert explanations["model-lifecycle"] in page


# "about 45 to 55 minutes", "50 minutes": every time estimate a text states.
ESTIMATE = re.compile(r"(\d+(?: to \d+)?) minutes")


def test_the_pages_state_only_the_banks_own_time_estimate(client, org_a, alice):
    """Issue 14: "say the estimate once, everywhere the same" — the bank's description says
    it, and no page works out an estimate of its own."""
    for name in ("question_bank_v1", "question_bank_v2", "question_bank_v2_1"):  # as `make run`
        load_bank(data=read_bank_file(factories.FIXTURES / f"{name}.yaml"))
    bank = selectors.current_bank()
    stated = set(ESTIMATE.findall(bank.description))
    assert stated  # the bank says how long it takes
    client.force_login(alice)
    assessment = factories.make_assessment(organisation=org_a, bank=bank)
    for url in (
        reverse("home"),
        reverse("dashboard"),
        reverse("assessment_overview", args=[assessment.pk]),
    ):
        page = html.unescape(client.get(url).content.decode())
        assert set(ESTIMATE.findall(" ".join(page.split()))) <= stated, url
    home = " ".join(html.unescape(client.get(reverse("home")).content.decode()).split())
    with_everything = re.search(r"about \d+ minutes", bank.description).group()
    assert with_everything in home
    assert (
        "One section is asked only where it applies (Generative AI and LLMOps (optional))" in home
    )
