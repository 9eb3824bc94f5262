import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

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
    assert "Bob changed one of these answers" in html
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


def answering_as(client, assessment, slug="data-management") -> str:
    """The signed field a section page gives a logged-in member, as their browser keeps it."""
    html = client.get(section_url(assessment, slug)).content.decode()
    return re.search(r'name="answering_as" value="([^"]+)"', html)[1]


def expire_login(client) -> None:
    """What a browser does when the session cookie expires: it stops sending it."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME)


def pending_posts(client) -> list:
    return [key for key, _ in client.session.items() if key.startswith("pending-post")]


def test_answers_posted_after_the_login_expired_are_saved_after_logging_in(
    member_client, assessment_a
):
    q = question("data-lineage")
    url = section_url(assessment_a)
    token = answering_as(member_client, assessment_a)
    expire_login(member_client)
    response = member_client.post(
        url, {f"q{q.pk}": choice_id("data-lineage", 2), f"r{q.pk}": "0", "answering_as": token}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Answer.objects.filter(assessment=assessment_a).exists()

    login = member_client.post(
        response["Location"], {"username": "alice@acme.example", "password": factories.PASSWORD}
    )
    assert login["Location"] == url
    page = member_client.get(url, follow=True)
    assert "The answers you sent before logging in are saved." in page.content.decode()
    assert saved_levels(assessment_a) == {"data-lineage": 2}
    assert pending_posts(member_client) == []


def test_an_anonymous_post_from_a_visitor_who_never_logged_in_is_not_kept(client, assessment_a):
    q = question("data-lineage")
    response = client.post(section_url(assessment_a), {f"q{q.pk}": choice_id("data-lineage", 2)})
    assert response["Location"].startswith(reverse("login"))
    assert pending_posts(client) == []
    assert "answers you sent are kept" not in client.get(response["Location"]).content.decode()


def test_a_forged_or_foreign_answering_as_field_keeps_nothing(
    client, assessment_a, assessment_b, carol
):
    client.force_login(carol)
    carols = answering_as(client, assessment_b)
    expire_login(client)
    q = question("data-lineage")
    for token in (carols, carols[:-2] + "xx", "garbage", "ü:ü:ü"):
        client.post(section_url(assessment_a), {f"q{q.pk}": "dk", "answering_as": token})
        assert pending_posts(client) == []


def test_only_the_last_post_is_kept_with_only_the_sections_own_fields(member_client, assessment_a):
    token = answering_as(member_client, assessment_a)
    grid_token = answering_as(member_client, assessment_a, "pipeline-grid")
    expire_login(member_client)
    own, other = question("data-lineage"), question("run-tracking")
    member_client.post(
        section_url(assessment_a, "pipeline-grid"), {"answering_as": grid_token, "x": "y" * 1000}
    )
    member_client.post(
        section_url(assessment_a),
        {
            f"q{own.pk}": "dk",
            f"c{own.pk}": "kept",
            f"r{own.pk}": "0",
            f"q{other.pk}": "dk",
            "goto": "exit",
            "junk": "z" * 100_000,
            "answering_as": token,
        },
    )
    assert pending_posts(member_client) == ["pending-post"]
    kept = member_client.session["pending-post"]
    assert kept["path"] == section_url(assessment_a)
    assert kept["data"] == {f"q{own.pk}": ["dk"], f"c{own.pk}": ["kept"], f"r{own.pk}": ["0"]}


def test_a_kept_post_is_no_bigger_than_the_sections_fields_can_be(member_client, assessment_a):
    token = answering_as(member_client, assessment_a)
    expire_login(member_client)
    q = question("data-lineage")
    # Four questions on the page: a comment of 100,000 characters is more than all of them
    # can hold together.
    response = member_client.post(
        section_url(assessment_a), {f"c{q.pk}": "x" * 100_000, "answering_as": token}
    )
    assert response["Location"].startswith(reverse("login"))
    assert pending_posts(member_client) == []
    # Over one comment's limit, but within the page's: kept, so that it can be refused whole
    # with its length once logged in, rather than lost.
    member_client.post(
        section_url(assessment_a),
        {f"q{q.pk}": "dk", f"c{q.pk}": "x" * 5000, "answering_as": token},
    )
    assert len(member_client.session["pending-post"]["data"][f"c{q.pk}"][0]) == 5000


def test_kept_answers_are_saved_only_for_the_member_who_sent_them(member_client, assessment_a, bob):
    token = answering_as(member_client, assessment_a)
    expire_login(member_client)
    q = question("data-lineage")
    member_client.post(section_url(assessment_a), {f"q{q.pk}": "dk", "answering_as": token})
    member_client.force_login(bob)
    assert member_client.get(section_url(assessment_a)).status_code == 200
    assert not Answer.objects.filter(assessment=assessment_a).exists()
    assert pending_posts(member_client) == []


def test_answers_kept_from_an_expired_session_are_not_given_to_another_organisation(
    member_client, assessment_a, carol
):
    q = question("data-lineage")
    url = section_url(assessment_a)
    token = answering_as(member_client, assessment_a)
    expire_login(member_client)
    member_client.post(url, {f"q{q.pk}": choice_id("data-lineage", 2), "answering_as": token})
    member_client.force_login(carol)
    assert member_client.get(url).status_code == 404
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_a_submitted_assessment_is_read_only(member_client, assessment_a):
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    page = member_client.get(section_url(assessment_a)).content.decode()
    assert "answers are shown read-only" in page
    assert "disabled" in page
    assert 'name="answering_as"' not in page
    assert 'name="goto"' not in page


def test_a_save_to_an_assessment_that_is_no_longer_editable_keeps_what_was_sent_on_screen(
    member_client, assessment_a
):
    """A tab left open while a colleague submitted: the save is refused with a page that
    says why and still shows the answers and comment that were sent, to copy."""
    q = question("data-lineage")
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    response = post_answers(
        member_client, assessment_a, {"data-lineage": 2}, **{f"c{q.pk}": "Runbook §4, step 2"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "can no longer be changed" in html
    assert "<title>Error: " in html
    assert "was not saved" in html
    assert f'value="{choice_id("data-lineage", 2)}" checked disabled' in html
    assert "Runbook §4, step 2</textarea>" in html
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
    assert "9 questions still need an answer" in response.content.decode()
    assessment_a.refresh_from_db()
    assert assessment_a.status == "draft"
    assert assessment_a.submitted_at is None and assessment_a.overall_level is None


# --- The review page (issue 16 §2): grouped by section, a "Change" link per question -------


def review_url(assessment) -> str:
    return reverse("assessment_review", args=[assessment.pk])


def review_sections(html: str) -> dict[str, str]:
    """Each section's part of the review page, by its slug, in page order."""
    parts = re.split(r'<section class="review-section" aria-labelledby="review-([\w-]+)">', html)
    return {
        slug: part.split("</section>")[0]
        for slug, part in zip(parts[1::2], parts[2::2], strict=True)
    }


def review_item(html: str, question_text: str) -> str:
    """The block of the review page that shows one question and its answer."""
    items = [item.split("</li>")[0] for item in html.split('<li class="review-item">')[1:]]
    return next(item for item in items if escape(question_text) in item)


def unanswered_box(html: str) -> str:
    return html.split('id="unanswered"')[1].split("</div>")[0]


def test_the_review_page_groups_the_answers_by_section_each_with_its_count(
    member_client, assessment_a
):
    factories.answer(assessment_a, "data-lineage", 2)
    factories.answer(assessment_a, "feature-store", status=Answer.Status.NOT_APPLICABLE)
    factories.answer(assessment_a, "run-tracking")  # Don't know
    sections = review_sections(member_client.get(review_url(assessment_a)).content.decode())
    assert list(sections) == ["data-management", "model-lifecycle", "pipeline-grid"]
    assert "Data management and pipeline <span" in sections["data-management"]
    assert "2 of 4 answered" in sections["data-management"]
    assert "1 of 4 answered" in sections["model-lifecycle"]
    assert "0 of 2 answered" in sections["pipeline-grid"]
    assert question("data-lineage").text in sections["data-management"]
    assert question("run-tracking").text not in sections["data-management"]
    lineage = review_item(sections["data-management"], question("data-lineage").text)
    assert ">Repeatable</span>" in lineage
    assert question("data-lineage").choices.get(level=2).statement in lineage
    assert "Not applicable" in review_item(
        sections["data-management"], question("feature-store").text
    )
    assert "Don't know" in review_item(sections["model-lifecycle"], question("run-tracking").text)
    assert "Unanswered" in review_item(
        sections["pipeline-grid"], question("grid-rollback-automation").text
    )


def test_every_question_on_the_review_page_links_to_its_place_on_its_section_page(
    member_client, assessment_a
):
    factories.answer(assessment_a, "data-lineage", 2)
    html = member_client.get(review_url(assessment_a)).content.decode()
    for q in Question.objects.filter(component__section__bank=assessment_a.bank):
        item = review_item(html, q.text)
        link = f'href="{section_url(assessment_a, q.component.section.slug)}#q-{q.pk}">Change'
        assert link in item, q.slug
        assert f'<span class="visually-hidden"> the answer to: {escape(q.text)}</span>' in item


def test_the_anchor_of_a_change_link_is_on_the_section_page(member_client, assessment_a):
    q = question("grid-rollback-automation")
    html = member_client.get(review_url(assessment_a)).content.decode()
    assert f"{section_url(assessment_a, 'pipeline-grid')}#q-{q.pk}" in html
    section_page = member_client.get(section_url(assessment_a, "pipeline-grid")).content.decode()
    assert f'id="q-{q.pk}"' in section_page


def test_a_submitted_assessments_review_page_offers_to_view_not_change(
    member_client, assessment_a, alice
):
    from assessment import services

    answer_everything(assessment_a)
    services.submit_assessment(assessment=assessment_a, user=alice)
    html = member_client.get(review_url(assessment_a)).content.decode()
    q = question("data-lineage")
    assert f'#q-{q.pk}">View<span' in review_item(html, q.text)
    assert ">Change<" not in html


def test_a_long_comment_is_shown_inside_its_own_questions_block(member_client, assessment_a):
    comment = "We keep the lineage in a wiki page nobody updates. " * 30 + "x" * 300
    factories.answer(assessment_a, "data-lineage", 2, comment=comment)
    factories.answer(assessment_a, "training-data-versions", 3)
    html = member_client.get(review_url(assessment_a)).content.decode()
    assert html.count(comment) == 1
    lineage = review_item(html, question("data-lineage").text)
    assert f'<p class="review-comment"><span class="fw-semibold">Comment:</span> {comment}</p>' in (
        lineage
    )
    assert "Change<span" in lineage.split(comment)[1]
    assert comment not in review_item(html, question("training-data-versions").text)
    assert "<table" not in html


def test_the_unanswered_questions_are_listed_under_their_section(member_client, assessment_a):
    for slug in ("training-data-versions", "data-lineage", "data-validation-checks"):
        factories.answer(assessment_a, slug, 2)
    box = unanswered_box(member_client.get(review_url(assessment_a)).content.decode())
    assert "7 questions still need an answer" in box
    groups = re.findall(r'<span class="fw-semibold">([^<]+)</span> \((\d+) unanswered\)', box)
    assert groups == [
        ("Data management and pipeline", "1"),
        ("Model lifecycle", "4"),
        ("Pipeline automation grid", "2"),
    ]
    data_group = box.split("Data management and pipeline")[1].split("Model lifecycle")[0]
    feature_store = question("feature-store")
    assert (
        f'{section_url(assessment_a)}#q-{feature_store.pk}">{escape(feature_store.text)}</a>'
        in (data_group)
    )
    assert question("data-lineage").text not in box
    assert question("run-tracking").text not in data_group


def test_a_section_left_out_as_not_applying_has_nothing_unanswered(member_client, assessment_a):
    answer_everything(assessment_a)
    Answer.objects.filter(assessment=assessment_a, question__slug__startswith="grid-").delete()
    assessment_a.section_applies = {"pipeline-grid": False}
    assessment_a.save(update_fields=["section_applies"])
    html = member_client.get(review_url(assessment_a)).content.decode()
    assert 'id="unanswered"' not in html
    grid = review_sections(html)["pipeline-grid"]
    assert "left out" in grid and "You said this part does not apply" in grid
    assert question("grid-rollback-automation").text not in grid


def test_a_refused_submit_says_why_once_with_the_unanswered_questions(member_client, assessment_a):
    factories.answer(assessment_a, "data-lineage", 2)
    response = member_client.post(reverse("assessment_submit", args=[assessment_a.pk]))
    assert response["Location"] == review_url(assessment_a)
    html = member_client.get(response["Location"]).content.decode()
    assert html.count("still need an answer") == 1
    assert html.count("Not submitted") == 1
    assert "Not submitted: 9 questions still need an answer" in unanswered_box(html)
    assert 'id="unanswered" role="alert"' in html
    assert 'class="messages"' not in html
    again = member_client.get(review_url(assessment_a)).content.decode()
    assert "Not submitted" not in again and "9 questions still need an answer" in again
    assert 'role="alert"' not in again


def test_the_review_page_query_count_does_not_grow_with_answers(
    member_client, assessment_a, django_assert_max_num_queries
):
    url = review_url(assessment_a)
    member_client.get(url)  # warm the bank-structure cache
    with django_assert_max_num_queries(4):
        member_client.get(url)
    answer_everything(assessment_a)
    Answer.objects.filter(assessment=assessment_a).update(comment="Checked with the data team.")
    with django_assert_max_num_queries(4):
        member_client.get(url)


def test_submitting_stores_the_overall_result_and_locks_the_answers(member_client, assessment_a):
    answer_everything(assessment_a, level=3)
    response = member_client.post(reverse("assessment_submit", args=[assessment_a.pk]))
    assert response["Location"] == reverse("assessment_results", args=[assessment_a.pk])
    assessment_a.refresh_from_db()
    assert assessment_a.status == "submitted"
    assert assessment_a.submitted_at is not None
    assert assessment_a.overall_level == 3
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


# --- Every way off a section page saves first ------------------------------------------------


def test_the_section_menu_marks_this_section_and_counts_each_sections_answers(
    member_client, assessment_a
):
    post_answers(member_client, assessment_a, {"training-data-versions": 2})
    html = member_client.get(section_url(assessment_a)).content.decode()
    assert re.search(
        r'value="section:data-management" class="[^"]* active" aria-current="page">'
        r'<span>Data management and pipeline</span><span class="small">1/4'
        r'<span class="visually-hidden"> answered</span>',
        html,
    )
    assert html.count('aria-current="page"') == 2  # the menu's entry and the breadcrumb's

    post_answers(
        member_client,
        assessment_a,
        {"data-lineage": 1, "data-validation-checks": "dk", "feature-store": "na"},
    )
    html = member_client.get(section_url(assessment_a, "model-lifecycle")).content.decode()
    assert re.search(
        r'value="section:data-management" class="list-group-item list-group-item-action">'
        r'<span>Data management and pipeline</span><span class="small done">4/4'
        r'<span class="visually-hidden"> complete</span>',
        html,
    )


def test_a_read_only_section_menu_links_to_each_section(member_client, assessment_a):
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    html = member_client.get(section_url(assessment_a)).content.decode()
    for slug in ("data-management", "model-lifecycle"):
        assert f'<a href="{section_url(assessment_a, slug)}" class="list-group-item' in html
    assert "/4</span></a>" in html


def test_every_way_off_an_editable_section_page_is_a_button_of_its_form(
    member_client, assessment_a
):
    html = member_client.get(section_url(assessment_a)).content.decode()
    for goto in ("home", "dashboard", "members", "account", "logout", "overview"):
        assert re.search(rf'<button [^>]*form="answers" name="goto" value="{goto}"', html), goto
    for url in (
        reverse("home"),
        reverse("dashboard"),
        reverse("members"),
        reverse("password_change"),
        reverse("assessment_overview", args=[assessment_a.pk]),
    ):
        assert f'href="{url}"' not in html, url
    assert f'action="{reverse("logout")}"' not in html


@pytest.mark.parametrize(
    "goto, destination",
    [
        ("home", lambda a: reverse("home")),
        ("dashboard", lambda a: reverse("dashboard")),
        ("members", lambda a: reverse("members")),
        ("account", lambda a: reverse("password_change")),
        ("overview", lambda a: reverse("assessment_overview", args=[a.pk])),
    ],
)
def test_leaving_by_the_breadcrumb_or_the_top_navigation_saves_first(
    member_client, assessment_a, goto, destination
):
    response = post_answers(member_client, assessment_a, {"data-lineage": 2}, goto=goto)
    assert response.status_code == 302
    assert response["Location"] == destination(assessment_a)
    assert saved_levels(assessment_a) == {"data-lineage": 2}


def test_logging_out_from_a_section_page_saves_first(member_client, assessment_a):
    response = post_answers(member_client, assessment_a, {"data-lineage": 2}, goto="logout")
    assert response["Location"] == reverse("home")
    assert saved_levels(assessment_a) == {"data-lineage": 2}
    assert "_auth_user_id" not in member_client.session
    assert "saved" in member_client.get(reverse("home")).content.decode()


def test_leaving_with_an_answer_that_needs_attention_stays_on_the_page(member_client, assessment_a):
    q = question("data-lineage")
    response = post_answers(
        member_client, assessment_a, {}, goto="dashboard", **{f"c{q.pk}": "no answer yet"}
    )
    assert response.status_code == 400
    assert "no answer yet</textarea>" in response.content.decode()


# --- Background saves (JavaScript) -----------------------------------------------------------


def background_save(client, assessment, answers: dict, *, section="data-management", **extra):
    return client.post(
        section_url(assessment, section),
        answer_data(assessment, answers, **extra),
        headers={"Accept": "application/json"},
    )


def test_a_background_save_answers_json_with_the_time_and_the_new_revisions(
    member_client, assessment_a
):
    q = question("data-lineage")
    before = timezone.localtime()
    response = background_save(member_client, assessment_a, {"data-lineage": 2})
    assert response.status_code == 200
    reply = response.json()
    assert reply["status"] == "saved"
    assert reply["message"] in {f"Saved at {t:%H:%M}" for t in (before, timezone.localtime())}
    assert reply["revisions"] == {f"r{q.pk}": 1}
    assert saved_levels(assessment_a) == {"data-lineage": 2}

    # The page sends the revision it was given: the next save is no stale-page conflict.
    changed = {"goto": "save", f"q{q.pk}": choice_id("data-lineage", 3), f"r{q.pk}": "1"}
    again = member_client.post(
        section_url(assessment_a), changed, headers={"Accept": "application/json"}
    )
    assert again.json()["revisions"] == {f"r{q.pk}": 2}
    assert saved_levels(assessment_a) == {"data-lineage": 3}


def test_a_background_save_keeps_the_valid_answers_and_names_the_others(
    member_client, assessment_a
):
    lineage, versions = question("data-lineage"), question("training-data-versions")
    response = background_save(
        member_client,
        assessment_a,
        {"data-lineage": 2},
        **{f"c{versions.pk}": "a comment typed before choosing"},
    )
    reply = response.json()
    assert reply["status"] == "partly_saved"
    assert "1 answer that needs attention" in reply["message"]
    assert list(reply["errors"]) == [f"q{versions.pk}"]
    assert reply["revisions"] == {f"r{lineage.pk}": 1}
    assert saved_levels(assessment_a) == {"data-lineage": 2}


def test_a_background_save_from_a_stale_page_reports_the_conflict_and_saves_nothing(
    member_client, assessment_a, bob
):
    factories.answer(assessment_a, "data-lineage", 3, answered_by=bob)
    q = question("data-lineage")
    response = background_save(
        member_client, assessment_a, {"data-lineage": 1}, **{f"r{q.pk}": "0"}
    )
    assert response.status_code == 409
    reply = response.json()
    assert reply["status"] == "conflict"
    assert "Bob changed one of these answers" in reply["message"]
    assert saved_levels(assessment_a) == {"data-lineage": 3}


def test_a_background_save_after_the_login_expired_is_kept_and_says_so(member_client, assessment_a):
    token = answering_as(member_client, assessment_a)
    expire_login(member_client)
    response = background_save(member_client, assessment_a, {"data-lineage": 2}, answering_as=token)
    assert response.status_code == 401
    assert response.json()["status"] == "login"
    assert pending_posts(member_client) == ["pending-post"]


def test_a_background_save_to_a_submitted_assessment_is_refused_in_json(
    member_client, assessment_a
):
    Assessment.objects.filter(pk=assessment_a.pk).update(status=Assessment.Status.SUBMITTED)
    response = background_save(member_client, assessment_a, {"data-lineage": 2})
    assert response.status_code == 409
    assert response.json()["status"] == "not_editable"
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_a_background_save_uses_a_constant_number_of_queries(
    member_client, assessment_a, django_assert_max_num_queries
):
    url = section_url(assessment_a)
    member_client.get(url)
    one = answer_data(assessment_a, {"training-data-versions": 1})
    accept = {"Accept": "application/json"}
    with django_assert_max_num_queries(13):
        assert member_client.post(url, one, headers=accept).json()["status"] == "saved"
    three = answer_data(
        assessment_a, {"training-data-versions": 2, "data-lineage": 3, "data-validation-checks": 1}
    )
    with django_assert_max_num_queries(13):
        assert member_client.post(url, three, headers=accept).json()["status"] == "saved"


def test_the_section_page_loads_its_script_and_no_inline_one(member_client, assessment_a):
    html = member_client.get(section_url(assessment_a)).content.decode()
    assert re.search(r'<script src="/static/js/section\.js" defer></script>', html)
    assert "<script>" not in html and " onclick=" not in html
    assert 'id="save-status"' in html and 'aria-live="polite"' in html


# --- Comments --------------------------------------------------------------------------------


def test_a_comment_that_holds_text_is_open_and_shows_its_length(member_client, assessment_a):
    factories.answer(assessment_a, "data-lineage", 2, comment="See runbook §4")
    q = question("data-lineage")
    html = member_client.get(section_url(assessment_a)).content.decode()
    comment = re.search(rf'<details[^>]*>(?:(?!</details>).)*id="c{q.pk}"', html, re.S)[0]
    assert comment.startswith("<details") and " open" in comment.split(">")[0]
    assert f'<p id="count-{q.pk}"' in html and "14 of 4,000 characters" in html
    assert f'aria-describedby="count-{q.pk}"' in html


def test_a_pasted_comment_over_the_limit_is_refused_whole_with_its_length(
    member_client, assessment_a
):
    q = question("data-lineage")
    pasted = "Evidence. " * 450  # 4,500 characters
    html = member_client.get(section_url(assessment_a)).content.decode()
    assert "maxlength" not in html  # the browser would cut a paste silently
    response = post_answers(
        member_client, assessment_a, {"data-lineage": 2}, **{f"c{q.pk}": pasted}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 4,000 characters; this one has 4,499" in html
    assert "4,499 of 4,000 characters: 499 too many" in html
    assert f'href="#c{q.pk}"' in html  # the error summary leads to the box
    assert f"{pasted.strip()}</textarea>" in html
    assert not Answer.objects.filter(assessment=assessment_a).exists()


def test_a_line_break_counts_as_one_character_as_the_browser_shows_it(member_client, assessment_a):
    q = question("data-lineage")
    # Browsers send each line break as CR LF; the box and its count show one character.
    comment = ("x" * 99 + "\r\n") * 40
    post_answers(member_client, assessment_a, {"data-lineage": 2}, **{f"c{q.pk}": comment})
    saved = Answer.objects.get(assessment=assessment_a, question=q).comment
    assert saved == ("x" * 99 + "\n") * 39 + "x" * 99


# --- Conflicts and the state after submitting ------------------------------------------------


def test_a_conflict_with_ones_own_other_tab_says_so_without_a_double_full_stop(
    member_client, assessment_a
):
    q = question("data-lineage")
    # The same page open in two tabs; the first tab saves, then the second.
    post_answers(member_client, assessment_a, {"data-lineage": 3})
    response = member_client.post(
        section_url(assessment_a), {f"q{q.pk}": choice_id("data-lineage", 1), f"r{q.pk}": "0"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "You changed one of these answers in another tab or device" in html
    assert "<title>Error: " in html  # announced, as a failed save is
    assert "You</strong> changed this answer in another tab or device" in html
    assert "A colleague" not in html and "Alice" not in html
    text = re.sub(r"<[^>]+>", "", html)
    assert not re.search(r"\.\s*\.", text.replace("...", "")), "a double full stop"


def test_a_submitted_overview_no_longer_talks_of_saving_or_offers_to_submit(
    member_client, assessment_a
):
    answer_everything(assessment_a)
    draft = member_client.get(reverse("assessment_overview", args=[assessment_a.pk]))
    assert "Each page saves" in draft.content.decode()
    member_client.post(reverse("assessment_submit", args=[assessment_a.pk]))
    for name in ("assessment_overview", "assessment_review"):
        html = member_client.get(reverse(name, args=[assessment_a.pk])).content.decode()
        assert "saves" not in html, name
        assert "Review and submit" not in html and "Submit assessment" not in html, name


def test_a_consultants_review_action_does_not_change_who_last_edited_it(
    member_client, assessment_a, alice, consultant
):
    from assessment import services

    answer_everything(assessment_a)
    post_answers(member_client, assessment_a, {"data-lineage": 3})
    services.submit_assessment(assessment=assessment_a, user=alice)
    before = Assessment.objects.get(pk=assessment_a.pk)
    assert before.last_edited_by == alice
    for to_status, message in (("in_review", ""), ("changes_requested", "Add evidence")):
        services.review_transition(
            assessment=before, to_status=to_status, consultant=consultant, message=message
        )
    after = Assessment.objects.get(pk=assessment_a.pk)
    assert after.status == "changes_requested"
    assert (after.last_edited_by, after.updated_at) == (before.last_edited_by, before.updated_at)
    html = member_client.get(reverse("assessment_overview", args=[assessment_a.pk])).content
    edited = timezone.localtime(before.updated_at).strftime("%H:%M")
    assert f"on {timezone.localtime(before.updated_at):%-d %b %Y}, {edited}" in html.decode()
