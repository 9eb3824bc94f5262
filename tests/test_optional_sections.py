"""An optional section asks once whether it applies; left out, it counts in no level, no
total and no submit check."""

import copy

import pytest
from django.urls import reverse

from assessment import services
from assessment.bank import load_bank, read_bank_file
from assessment.models import Assessment
from assessment.reports.context import report_context, report_html
from assessment.results import results_for
from tests import factories


@pytest.fixture
def optional_bank(db):
    """The sample bank with its last section made optional."""
    data = copy.deepcopy(read_bank_file(factories.SAMPLE_BANK_FILE))
    data["version"] = "sample-optional"
    data["sections"][-1]["optional"] = True
    data["sections"][-1]["applies_question"] = "Do you automate your pipelines at all?"
    return load_bank(data=data).bank


@pytest.fixture
def draft(org_a, optional_bank, alice):
    return factories.make_assessment(organisation=org_a, bank=optional_bank, created_by=alice)


def optional_slug(bank) -> str:
    return bank.sections.get(optional=True).slug


def test_the_optional_sections_page_asks_first_whether_it_applies(client, alice, draft):
    slug = optional_slug(draft.bank)
    client.force_login(alice)
    section = reverse("assessment_section", args=[draft.pk, slug])
    applies = reverse("assessment_section_applies", args=[draft.pk, slug])
    assert client.get(section)["Location"] == applies
    page = client.get(applies).content.decode()
    assert "Do you automate your pipelines at all?" in page
    assert client.post(applies, {"applies": "yes"})["Location"] == section
    assert client.get(section).status_code == 200


def test_left_out_it_counts_in_no_level_and_the_rest_can_be_submitted(client, alice, draft):
    slug = optional_slug(draft.bank)
    client.force_login(alice)
    response = client.post(
        reverse("assessment_section_applies", args=[draft.pk, slug]), {"applies": "no"}
    )
    assert response["Location"] == reverse("assessment_overview", args=[draft.pk])
    draft.refresh_from_db()
    left_out = {
        q.slug
        for c in draft.bank.sections.get(slug=slug).components.all()
        for q in c.questions.all()
    }
    for question_slug, level in factories.SAMPLE_LEVELS.items():
        if question_slug not in left_out:
            factories.answer(draft, question_slug, level)
    result = results_for(draft).result
    assert result.section(slug).applies is False and result.section(slug).level is None
    assert result.completeness.total == len(factories.SAMPLE_LEVELS) - len(left_out)
    overview = client.get(reverse("assessment_overview", args=[draft.pk])).content.decode()
    assert "Left out: does not apply" in overview
    submitted = services.submit_assessment(assessment=draft, user=alice)
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_section_that_is_not_optional_has_no_such_question(client, alice, draft):
    client.force_login(alice)
    first = draft.bank.sections.get(optional=False, order=0).slug
    assert (
        client.get(reverse("assessment_section_applies", args=[draft.pk, first])).status_code == 404
    )


def test_no_answer_is_refused_with_the_form_again(client, alice, draft):
    client.force_login(alice)
    url = reverse("assessment_section_applies", args=[draft.pk, optional_slug(draft.bank)])
    response = client.post(url, {})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.section_applies == {}


def test_a_section_left_out_is_in_neither_the_results_page_nor_the_report(client, alice, draft):
    slug = optional_slug(draft.bank)
    title = draft.bank.sections.get(slug=slug).title
    services.set_section_applies(assessment=draft, section_slug=slug, applies=False, user=alice)
    factories.answer_all(draft)
    draft.refresh_from_db()
    context = report_context(draft)

    assert slug not in {part["result"].slug for part in context["parts"]}
    assert [part["number"] for part in context["parts"]] == list(
        range(1, len(context["parts"]) + 1)
    )
    assert title not in {section["title"] for section in context["appendix"]}
    assert title not in context["radar"]
    assert "Left out, as it does not apply" in report_html(draft)
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[draft.pk])).content.decode()
    assert f'id="section-{slug}"' not in page
    assert f"Left out, as you said it does not apply: {title}." in page
