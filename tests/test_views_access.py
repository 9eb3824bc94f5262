"""Every respondent view: works for a member, anonymous → login, other organisation → 404,
wrong method → 405."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def submitted_a(assessment_a, alice):
    from assessment import services

    for question in ("training-data-versions", "data-lineage", "data-validation-checks"):
        factories.answer(assessment_a, question, 2)
    for question in ("feature-store", "run-tracking", "rerun-training", "drift-monitoring"):
        factories.answer(assessment_a, question, 1)
    for question in ("retraining", "grid-deployment-automation", "grid-rollback-automation"):
        factories.answer(assessment_a, question, 3)
    return services.submit_assessment(assessment=assessment_a, user=alice)


def assessment_pages(assessment):
    return [
        ("get", reverse("assessment_overview", args=[assessment.pk])),
        ("get", reverse("assessment_section", args=[assessment.pk, "data-management"])),
        ("get", reverse("assessment_section", args=[assessment.pk, "pipeline-grid"])),
        ("get", reverse("assessment_review", args=[assessment.pk])),
        ("get", reverse("assessment_results", args=[assessment.pk])),
        ("get", reverse("assessment_results_json", args=[assessment.pk])),
    ]


ORGANISATION_PAGES = ["dashboard", "members"]


@pytest.mark.django_db
def test_every_assessment_page_works_for_a_member(client, alice, assessment_a):
    client.force_login(alice)
    for _, url in assessment_pages(assessment_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_every_organisation_page_works_for_a_member(client, alice, bank):
    client.force_login(alice)
    for name in ORGANISATION_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, assessment_a):
    urls = [url for _, url in assessment_pages(assessment_a)]
    urls += [reverse(name) for name in ORGANISATION_PAGES]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.django_db
def test_anonymous_posts_are_sent_to_log_in(client, assessment_a):
    for url in [
        reverse("assessment_start"),
        reverse("invite"),
        reverse("assessment_submit", args=[assessment_a.pk]),
    ]:
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
def test_another_organisations_assessment_is_not_found(client, carol, assessment_a):
    client.force_login(carol)
    for _, url in assessment_pages(assessment_a):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assessment_submit", args=[assessment_a.pk])).status_code == 404
    section_url = reverse("assessment_section", args=[assessment_a.pk, "data-management"])
    assert client.post(section_url, {"goto": "save"}).status_code == 404


@pytest.mark.django_db
def test_a_missing_assessment_or_section_is_not_found(client, alice, assessment_a):
    client.force_login(alice)
    assert client.get(reverse("assessment_overview", args=[987654])).status_code == 404
    url = reverse("assessment_section", args=[assessment_a.pk, "no-such-section"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_wrong_methods_are_refused(client, alice, assessment_a):
    client.force_login(alice)
    post_only = [
        reverse("assessment_start"),
        reverse("invite"),
        reverse("assessment_submit", args=[assessment_a.pk]),
    ]
    for url in post_only:
        assert client.get(url).status_code == 405, url
    read_only = [url for _, url in assessment_pages(assessment_a) if "/sections/" not in url]
    read_only += [reverse(name) for name in ORGANISATION_PAGES] + [reverse("home")]
    for url in read_only:
        assert client.post(url).status_code == 405, url
    section_url = reverse("assessment_section", args=[assessment_a.pk, "data-management"])
    assert client.put(section_url).status_code == 405
    assert client.delete(reverse("signup")).status_code == 405


@pytest.mark.django_db
def test_a_user_without_an_organisation_gets_not_found(client, assessment_a):
    loner = factories.make_user("loner@example.com")
    client.force_login(loner)
    assert client.get(reverse("dashboard")).status_code == 404
    assert client.get(reverse("assessment_overview", args=[assessment_a.pk])).status_code == 404


@pytest.mark.django_db
def test_consultants_see_results_of_any_organisation_but_not_the_questionnaire(client, submitted_a):
    from django.contrib.auth.models import Group

    consultant = factories.make_user("morgan@consult.example", is_staff=True)
    consultant.groups.add(Group.objects.get(name="Consultants"))
    client.force_login(consultant)
    assert client.get(reverse("assessment_results", args=[submitted_a.pk])).status_code == 200
    assert client.get(reverse("assessment_results_json", args=[submitted_a.pk])).status_code == 200
    assert client.get(reverse("assessment_overview", args=[submitted_a.pk])).status_code == 302
    section_url = reverse("assessment_section", args=[submitted_a.pk, "data-management"])
    assert client.get(section_url)["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_staff_outside_the_consultants_group_cannot_see_results(client, submitted_a):
    staff = factories.make_user("staff@example.com", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("assessment_results", args=[submitted_a.pk])).status_code == 404
