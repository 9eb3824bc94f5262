from assessment import selectors
from assessment.models import Answer, Question
from assessment.structure import bank_structure
from tests import factories


def question_id(slug: str) -> int:
    return Question.objects.get(slug=slug, component__section__bank__status="published").pk


def test_the_questionnaire_reads_every_answer_of_the_assessment_as_plain_rows(assessment_a):
    saved = factories.answer(assessment_a, "data-lineage", 2, comment="Lineage in the catalogue")
    factories.answer(assessment_a, "feature-store", status=Answer.Status.NOT_APPLICABLE)

    answers = selectors.answers_for_questionnaire(assessment_a)

    assert set(answers) == {question_id("data-lineage"), question_id("feature-store")}
    lineage = answers[question_id("data-lineage")]
    assert (lineage.status, lineage.choice_id, lineage.comment, lineage.revision) == (
        Answer.Status.ANSWERED,
        saved.choice_id,
        "Lineage in the catalogue",
        saved.revision,
    )
    assert lineage.carried_over is False


def test_a_save_reads_only_the_answers_of_the_questions_it_names(assessment_a, assessment_b):
    factories.answer(assessment_a, "data-lineage", 2)
    factories.answer(assessment_a, "run-tracking", 1)
    factories.answer(assessment_b, "data-lineage", 3)

    answers = selectors.answers_for_questionnaire(
        assessment_a, question_ids=[question_id("data-lineage"), question_id("feature-store")]
    )

    assert set(answers) == {question_id("data-lineage")}


def test_a_participant_reads_their_own_answers_not_the_teams(org_a, bank, alice, bob):
    assessment = factories.make_team_assessment(
        organisation=org_a, bank=bank, owner=alice, members=[bob]
    )
    factories.own_answer(factories.participant_of(assessment, alice), "data-lineage", 1)
    factories.own_answer(factories.participant_of(assessment, bob), "run-tracking", 3)

    answers = selectors.answers_for_questionnaire(
        assessment, factories.participant_of(assessment, bob)
    )

    assert list(answers) == [question_id("run-tracking")]
    assert answers[question_id("run-tracking")].carried_over is False


def test_progress_counts_the_answered_questions_of_each_section(assessment_a):
    factories.answer(assessment_a, "data-lineage", 2)
    factories.answer(assessment_a, "feature-store")  # Don't know counts as answered
    factories.answer(assessment_a, "run-tracking", 1)
    structure = bank_structure(assessment_a.bank)

    progress = selectors.section_progress(
        structure, selectors.answers_for_questionnaire(assessment_a)
    )

    by_slug = {section.slug: progress[section.pk] for section in structure.sections}
    assert by_slug["data-management"] == 2
    assert sum(by_slug.values()) == 3
    assert sum(structure.question_counts.values()) == len(structure.questions)
