"""Targets: suggested from the ambition, set by members, confirmed by the owner, carried
into the next assessment, and shown in results.json."""

import pytest
from django.urls import reverse

from assessment import services
from assessment.domain.scoring import (
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
    score_assessment,
)
from assessment.domain.targets import (
    CORE,
    EXPERIMENTING,
    IN_PRODUCTION,
    TargetSubject,
    project_targets,
    suggest_targets,
)
from assessment.models import ComponentTarget
from assessment.structure import bank_structure

SUBJECTS = [
    TargetSubject("strategy", foundation=True, roadmap_stage=1),
    TargetSubject("pipelines", foundation=False, roadmap_stage=2),
    TargetSubject("monitoring", foundation=False, roadmap_stage=4),
    TargetSubject("retraining", foundation=False, roadmap_stage=5),
]


def test_an_experimenting_organisation_needs_foundations_repeatable_and_little_else():
    assert suggest_targets(EXPERIMENTING, SUBJECTS) == {
        "strategy": 2,
        "pipelines": 2,
        "monitoring": 1,
        "retraining": 1,
    }


def test_not_every_component_needs_automated_even_when_ml_is_core():
    targets = suggest_targets(CORE, SUBJECTS)
    assert targets["strategy"] == 4 and targets["retraining"] == 3
    assert suggest_targets(IN_PRODUCTION, SUBJECTS)["retraining"] == 2


def test_an_unknown_ambition_is_refused():
    with pytest.raises(ValueError, match="Unknown ambition"):
        suggest_targets("moonshot", SUBJECTS)


def url(assessment):
    return reverse("assessment_targets", args=[assessment.pk])


def component_slugs(assessment):
    return [c.slug for c in bank_structure(assessment.bank).components]


@pytest.mark.django_db
def test_a_member_sets_targets_and_a_change_clears_the_owners_confirmation(
    client, alice, bob, assessment_a
):
    first, second, *_ = component_slugs(assessment_a)
    client.force_login(bob)
    response = client.post(
        url(assessment_a),
        {"action": "save", "ambition": IN_PRODUCTION, f"target-{first}": "3"},
    )
    assert response["Location"] == url(assessment_a)
    assert dict(ComponentTarget.objects.values_list("component_slug", "level")) == {first: 3}

    client.force_login(alice)
    client.post(url(assessment_a), {"action": "confirm"})
    assessment_a.refresh_from_db()
    assert assessment_a.targets_confirmed_by == alice
    client.post(
        url(assessment_a), {"action": "save", f"target-{first}": "3", f"target-{second}": "2"}
    )
    assessment_a.refresh_from_db()
    assert assessment_a.targets_confirmed_at is None


@pytest.mark.django_db
def test_only_the_owner_confirms(client, bob, assessment_a):
    first = component_slugs(assessment_a)[0]
    services.set_targets(assessment=assessment_a, levels={first: 2}, ambition="", user=bob)
    client.force_login(bob)
    response = client.post(url(assessment_a), {"action": "confirm"}, follow=True)
    assert "Only the organisation&#x27;s owner can confirm" in response.content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.targets_confirmed_at is None


@pytest.mark.django_db
def test_suggesting_fills_the_form_without_saving(client, alice, assessment_a):
    client.force_login(alice)
    response = client.post(url(assessment_a), {"action": "suggest", "ambition": EXPERIMENTING})
    assert response.status_code == 200
    assert "Suggested targets are filled in below" in response.content.decode()
    assert not ComponentTarget.objects.exists()
    form = response.context["form"]
    foundation = next(c for c in bank_structure(assessment_a.bank).components if c.foundation)
    assert form.data[f"target-{foundation.slug}"] == "2"


@pytest.mark.django_db
def test_a_target_that_is_not_a_level_is_refused_and_nothing_is_saved(client, alice, assessment_a):
    first = component_slugs(assessment_a)[0]
    client.force_login(alice)
    response = client.post(url(assessment_a), {"action": "save", f"target-{first}": "9"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not ComponentTarget.objects.exists()


@pytest.mark.django_db
def test_targets_are_carried_into_the_next_assessment(org_a, bank, alice, assessment_a):
    first = component_slugs(assessment_a)[0]
    services.set_targets(assessment=assessment_a, levels={first: 3}, ambition=CORE, user=alice)
    outcome = services.start_assessment(organisation=org_a, user=alice, bank=bank, title="Next")
    carried = outcome.assessment
    assert dict(carried.targets.values_list("component_slug", "level")) == {first: 3}
    carried.refresh_from_db()
    assert carried.ambition == CORE


@pytest.mark.django_db
def test_results_json_gives_each_components_target(client, alice, assessment_a):
    first = component_slugs(assessment_a)[0]
    services.set_targets(assessment=assessment_a, levels={first: 3}, ambition="", user=alice)
    client.force_login(alice)
    document = client.get(reverse("assessment_results_json", args=[assessment_a.pk])).json()
    targets = {
        component["slug"]: component["target"]
        for section in document["sections"]
        for component in section["components"]
    }
    assert targets[first] == 3
    assert {level for slug, level in targets.items() if slug != first} == {None}


@pytest.mark.django_db
def test_the_targets_page_is_for_the_organisations_members_and_takes_get_and_post_only(
    client, alice, carol, assessment_a
):
    assert client.get(url(assessment_a))["Location"].startswith(reverse("login"))
    client.force_login(carol)
    assert client.get(url(assessment_a)).status_code == 404
    client.force_login(alice)
    assert client.get(url(assessment_a)).status_code == 200
    assert client.put(url(assessment_a)).status_code == 405


@pytest.mark.django_db
def test_the_results_page_leads_to_the_targets(client, alice, assessment_a):
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[assessment_a.pk])).content.decode()
    assert f'href="{url(assessment_a)}"' in page


def test_a_projection_lifts_each_component_to_its_target_and_combines_by_the_rule():
    bank = BankSpec(
        version="t",
        scoring_rule="v2",
        sections=(
            SectionSpec(
                "core",
                "Core",
                components=(
                    ComponentSpec("strategy", "Strategy", foundation=True, questions=("q1",)),
                    ComponentSpec("pipelines", "Pipelines", foundation=False, questions=("q2",)),
                ),
            ),
            SectionSpec(
                "ops",
                "Ops",
                components=(
                    ComponentSpec("monitoring", "Monitoring", foundation=False, questions=("q3",)),
                ),
            ),
        ),
    )
    result = score_assessment(
        bank,
        {
            "q1": AnswerValue.answered(1),
            "q2": AnswerValue.answered(4),
            "q3": AnswerValue.answered(2),
        },
    )
    assert result.overall.level == 2  # gated: the strategy foundation is Manual

    projection = project_targets(result, {"strategy": 3, "pipelines": 2, "monitoring": 4})

    # pipelines stays at 4 (its target is below it): Core is round((3 + 4) / 2) = 4,
    # capped at the weakest (3) + 1; Ops is 4; the whole is 4 with the gate lifted.
    assert projection.sections == {"core": 4, "ops": 4}
    assert projection.overall == 4
    assert project_targets(result, {}).overall == 2


@pytest.mark.django_db
def test_the_results_page_shows_each_target_and_draws_it_on_the_radar(client, alice, assessment_a):
    first = component_slugs(assessment_a)[0]
    services.set_targets(assessment=assessment_a, levels={first: 4}, ambition="", user=alice)
    client.force_login(alice)
    page = client.get(reverse("assessment_results", args=[assessment_a.pk])).content.decode()
    assert "· target Automated" in page
    assert 'class="radar-target"' in page


@pytest.mark.django_db
def test_the_ambition_asked_at_the_start_gives_the_suggested_targets(client, alice, bank):
    client.force_login(alice)
    response = client.post(
        reverse("assessment_start"), {"title": "With an ambition", "ambition": EXPERIMENTING}
    )

    assessment = alice.membership.organisation.assessments.get(title="With an ambition")
    assert response["Location"] == reverse("assessment_overview", args=[assessment.pk])
    assert assessment.ambition == EXPERIMENTING
    expected = suggest_targets(EXPERIMENTING, bank_structure(bank).target_subjects)
    assert dict(assessment.targets.values_list("component_slug", "level")) == expected
    assert assessment.targets_confirmed_at is None  # a suggestion, for the owner to confirm


@pytest.mark.django_db
def test_an_unknown_ambition_at_the_start_is_refused_and_nothing_starts(client, alice, bank):
    client.force_login(alice)
    response = client.post(reverse("assessment_start"), {"title": "Odd", "ambition": "galactic"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not alice.membership.organisation.assessments.filter(title="Odd").exists()
