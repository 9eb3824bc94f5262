import pytest
from django.urls import reverse

from assessment.models import Answer, Assessment, Question
from tests import factories


def question(slug: str) -> Question:
    return Question.objects.get(slug=slug, component__section__bank__status="published")


def choice_id(slug: str, level: int) -> str:
    return str(question(slug).choices.get(level=level).pk)


def section_url(assessment, slug="data-management") -> str:
    return reverse("assessment_section", args=[assessment.pk, slug])


def answer_data(assessment, answers: dict, **extra) -> dict:
    """answers: question slug → level, "na" or "dk"; revisions default to what is saved."""
    data = {"goto": "save", **extra}
    for slug, value in answers.items():
        q = question(slug)
        data[f"q{q.pk}"] = value if isinstance(value, str) else choice_id(slug, value)
        saved = Answer.objects.filter(assessment=assessment, question=q).first()
        data.setdefault(f"r{q.pk}", str(saved.revision if saved else 0))
    return data


def post_answers(client, assessment, answers: dict, *, section="data-management", **extra):
    return client.post(section_url(assessment, section), answer_data(assessment, answers, **extra))


def saved_levels(assessment) -> dict:
    return {
        answer.question.slug: answer.choice.level if answer.choice else answer.status
        for answer in Answer.objects.filter(assessment=assessment).select_related(
            "question", "choice"
        )
    }


@pytest.fixture
def member_client(client, alice):
    client.force_login(alice)
    return client


def test_a_section_page_shows_every_question_with_its_options_and_help(member_client, assessment_a):
    response = member_client.get(section_url(assessment_a))
    html = response.content.decode()
    for slug in ("training-data-versions", "data-lineage", "data-validation-checks"):
        q = question(slug)
        assert q.text in html
        assert f'id="help-{q.pk}"' in html
        assert f'aria-describedby="help-{q.pk}"' in html
        for choice in q.choices.all():
            assert f'value="{choice.pk}"' in html
    assert f'id="q{question("feature-store").pk}-na"' in html
    assert f'id="q{question("data-lineage").pk}-na"' not in html
    assert html.count('value="dk"') == 4


def test_saving_a_section_stores_answers_and_moves_on(member_client, assessment_a, alice):
    response = post_answers(
        member_client,
        assessment_a,
        {"training-data-versions": 3, "data-lineage": "dk", "feature-store": "na"},
        goto="next",
    )
    assert response["Location"] == section_url(assessment_a, "model-lifecycle")
    assert saved_levels(assessment_a) == {
        "training-data-versions": 3,
        "data-lineage": "dont_know",
        "feature-store": "not_applicable",
    }
    assessment_a.refresh_from_db()
    assert assessment_a.answered_count == 3
    assert assessment_a.last_edited_by == alice


def test_each_button_leads_where_it_says(member_client, assessment_a):
    answers = {"training-data-versions": 1}
    assert post_answers(member_client, assessment_a, answers, goto="exit")["Location"] == reverse(
        "dashboard"
    )
    assert post_answers(member_client, assessment_a, answers, goto="section:pipeline-grid")[
        "Location"
    ] == section_url(assessment_a, "pipeline-grid")
    assert post_answers(member_client, assessment_a, answers, goto="save")["Location"] == (
        section_url(assessment_a)
    )
    last = post_answers(
        member_client,
        assessment_a,
        {"grid-rollback-automation": 2},
        section="pipeline-grid",
        goto="next",
    )
    assert last["Location"] == reverse("assessment_review", args=[assessment_a.pk])


def test_comments_are_saved_with_their_answer(member_client, assessment_a):
    q = question("data-lineage")
    post_answers(
        member_client, assessment_a, {"data-lineage": 2}, **{f"c{q.pk}": "  See runbook §4  "}
    )
    assert Answer.objects.get(assessment=assessment_a, question=q).comment == "See runbook §4"


def test_a_page_saved_twice_is_idempotent(member_client, assessment_a):
    post_answers(member_client, assessment_a, {"data-lineage": 2})
    first = Answer.objects.get(assessment=assessment_a, question=question("data-lineage"))
    data = {"goto": "save", f"q{first.question_id}": choice_id("data-lineage", 2)}
    data[f"r{first.question_id}"] = "0"  # the same stale page posted again
    member_client.post(section_url(assessment_a), data)
    again = Answer.objects.get(pk=first.pk)
    assert (again.revision, again.updated_at) == (first.revision, first.updated_at)


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda q: {f"q{q.pk}": "999999"}, "not one of this question"),
        (lambda q: {f"q{q.pk}": choice_id("run-tracking", 2)}, "not one of this question"),
        (lambda q: {f"q{q.pk}": "na"}, "cannot be marked"),
        (lambda q: {f"q{q.pk}": "<script>"}, "not one of this question"),
        (
            lambda q: {f"q{q.pk}": choice_id("data-lineage", 1), f"c{q.pk}": "x" * 4001},
            "at most 4,000 characters",
        ),
        (lambda q: {f"c{q.pk}": "a comment without an answer"}, "Choose an answer"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    member_client, assessment_a, tamper, message
):
    q = question("data-lineage")
    data = {
        "goto": "next",
        f"q{question('training-data-versions').pk}": choice_id("training-data-versions", 2),
    }
    data.update(tamper(q))
    response = member_client.post(section_url(assessment_a), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing on this page was saved yet" in html
    assert f'value="{choice_id("training-data-versions", 2)}" checked' in html
    assert Answer.objects.filter(assessment=assessment_a).count() == 0


def test_conflicting_values_for_one_question_are_refused(member_client, assessment_a):
    q = question("data-lineage")
    url = section_url(assessment_a)
    response = member_client.post(
        url, {f"q{q.pk}": [choice_id("data-lineage", 1), choice_id("data-lineage", 3)]}
    )
    assert "Choose only one answer." in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_questions_of_other_sections_and_unknown_fields_are_ignored(member_client, assessment_a):
    other = question("run-tracking")
    response = member_client.post(
        section_url(assessment_a),
        {f"q{other.pk}": choice_id("run-tracking", 4), "q0": "1", "nonsense": "x", "goto": "save"},
    )
    assert response.status_code == 302
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_nul_bytes_in_comments_are_removed_not_stored(member_client, assessment_a):
    q = question("data-lineage")
    post_answers(member_client, assessment_a, {"data-lineage": 1}, **{f"c{q.pk}": "a\x00b"})
    assert Answer.objects.get(question=q, assessment=assessment_a).comment == "ab"


def test_colleagues_editing_different_sections_keep_each_others_answers(
    client, assessment_a, alice, bob
):
    from django.test import Client

    bobs_client = Client()
    bobs_client.force_login(bob)
    client.force_login(alice)
    post_answers(client, assessment_a, {"training-data-versions": 2})
    post_answers(bobs_client, assessment_a, {"run-tracking": 3}, section="model-lifecycle")
    assert saved_levels(assessment_a) == {"training-data-versions": 2, "run-tracking": 3}


def test_a_save_from_a_stale_page_shows_both_values_and_saves_nothing(
    client, assessment_a, alice, bob
):
    from django.test import Client

    client.force_login(alice)
    bobs_client = Client()
    bobs_client.force_login(bob)
    q = question("data-lineage")
    # Both open the page while the question is unanswered; Bob saves first.
    post_answers(bobs_client, assessment_a, {"data-lineage": 3})
    response = client.post(
        section_url(assessment_a),
        {
            f"q{q.pk}": choice_id("data-lineage", 1),
            f"r{q.pk}": "0",
            f"q{question('training-data-versions').pk}": choice_id("training-data-versions", 2),
            "goto": "next",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "A colleague changed 1 of these answers" in html
    assert "Bob" in html and q.choices.get(level=3).statement in html
    assert f'value="{choice_id("data-lineage", 1)}" checked' in html
    assert saved_levels(assessment_a) == {"data-lineage": 3}

    # Saving again from the page that now shows Bob's revision keeps Alice's choice.
    current = Answer.objects.get(assessment=assessment_a, question=q)
    resent = client.post(
        section_url(assessment_a),
        {f"q{q.pk}": choice_id("data-lineage", 1), f"r{q.pk}": str(current.revision)},
    )
    assert resent.status_code == 302
    assert saved_levels(assessment_a)["data-lineage"] == 1


def test_the_same_answer_from_a_stale_page_is_not_a_conflict(client, assessment_a, alice, bob):
    from django.test import Client

    bobs_client = Client()
    bobs_client.force_login(bob)
    client.force_login(alice)
    post_answers(bobs_client, assessment_a, {"data-lineage": 3})
    q = question("data-lineage")
    response = client.post(
        section_url(assessment_a), {f"q{q.pk}": choice_id("data-lineage", 3), f"r{q.pk}": "0"}
    )
    assert response.status_code == 302


def test_answers_posted_after_the_session_expired_are_saved_after_logging_in(
    client, assessment_a, alice
):
    q = question("data-lineage")
    url = section_url(assessment_a)
    response = client.post(url, {f"q{q.pk}": choice_id("data-lineage", 2), f"r{q.pk}": "0"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Answer.objects.filter(assessment=assessment_a).exists()

    login = client.post(
        response["Location"], {"username": "alice@acme.example", "password": factories.PASSWORD}
    )
    assert login["Location"] == url
    page = client.get(url, follow=True)
    assert "The answers you sent before logging in are saved." in page.content.decode()
    assert saved_levels(assessment_a) == {"data-lineage": 2}


def test_answers_kept_from_an_expired_session_are_not_given_to_another_organisation(
    client, assessment_a, carol
):
    q = question("data-lineage")
    url = section_url(assessment_a)
    client.post(url, {f"q{q.pk}": choice_id("data-lineage", 2)})
    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_a_submitted_assessment_is_read_only(member_client, assessment_a):
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    page = member_client.get(section_url(assessment_a)).content.decode()
    assert "answers are shown read-only" in page
    assert "disabled" in page
    response = post_answers(member_client, assessment_a, {"data-lineage": 2})
    assert response["Location"] == reverse("assessment_overview", args=[assessment_a.pk])
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def answer_everything(assessment, level=2):
    for q in Question.objects.filter(component__section__bank=assessment.bank):
        factories.answer(assessment, q.slug, level)


def test_review_lists_unanswered_questions_with_links(member_client, assessment_a):
    factories.answer(assessment_a, "data-lineage", 2)
    html = member_client.get(reverse("assessment_review", args=[assessment_a.pk])).content.decode()
    assert "9 questions still need an answer" in html
    q = question("run-tracking")
    assert f"{section_url(assessment_a, 'model-lifecycle')}#q-{q.pk}" in html


def test_submitting_an_incomplete_assessment_is_refused(member_client, assessment_a):
    factories.answer(assessment_a, "data-lineage", 2)
    response = member_client.post(reverse("assessment_submit", args=[assessment_a.pk]), follow=True)
    assert "9 question(s) still need an answer" in response.content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.status == "draft"
    assert assessment_a.result_snapshot is None


def test_submitting_stores_the_result_snapshot_and_locks_the_answers(member_client, assessment_a):
    answer_everything(assessment_a, level=3)
    response = member_client.post(reverse("assessment_submit", args=[assessment_a.pk]))
    assert response["Location"] == reverse("assessment_results", args=[assessment_a.pk])
    assessment_a.refresh_from_db()
    assert assessment_a.status == "submitted"
    assert assessment_a.submitted_at is not None
    assert assessment_a.overall_level == 3
    assert assessment_a.result_snapshot["overall"]["label"] == "Reproducible"
    again = member_client.post(reverse("assessment_submit", args=[assessment_a.pk]), follow=True)
    assert "cannot be submitted" in again.content.decode()


def test_section_page_query_count_does_not_grow_with_answers(
    member_client, assessment_a, django_assert_max_num_queries
):
    url = section_url(assessment_a)
    member_client.get(url)  # warm the bank-structure cache
    with django_assert_max_num_queries(8):
        member_client.get(url)
    answer_everything(assessment_a)
    with django_assert_max_num_queries(8):
        member_client.get(url)
    with django_assert_max_num_queries(8):
        member_client.get(section_url(assessment_a, "pipeline-grid"))


def test_saving_a_section_uses_a_constant_number_of_queries(
    member_client, assessment_a, django_assert_max_num_queries
):
    url = section_url(assessment_a)
    member_client.get(url)
    one = answer_data(assessment_a, {"training-data-versions": 1})
    with django_assert_max_num_queries(14):
        member_client.post(url, one)
    three = answer_data(
        assessment_a, {"training-data-versions": 2, "data-lineage": 3, "data-validation-checks": 1}
    )
    with django_assert_max_num_queries(14):
        member_client.post(url, three)
