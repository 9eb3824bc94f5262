import pytest
from django.db import IntegrityError, transaction

from assessment.models import Answer, Choice, Question, QuestionBank
from tests import factories


def question(bank, slug):
    return Question.objects.get(component__section__bank=bank, slug=slug)


def test_a_second_answer_to_the_same_question_is_refused(assessment_a):
    factories.answer(assessment_a, "run-tracking", 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.answer(assessment_a, "run-tracking", 3)


def test_a_choice_level_outside_0_to_4_is_refused_by_the_database(bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.filter(question=question(bank, "run-tracking"), level=4).update(level=6)


def test_an_answer_with_a_choice_of_another_question_is_refused(assessment_a, bank):
    other_choice = question(bank, "drift-monitoring").choices.get(level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            assessment=assessment_a,
            question=question(bank, "run-tracking"),
            choice=other_choice,
            status=Answer.Status.ANSWERED,
        )


def test_changing_an_answer_to_a_choice_of_another_question_is_refused(assessment_a, bank):
    saved = factories.answer(assessment_a, "run-tracking", 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=saved.pk).update(
            choice=question(bank, "drift-monitoring").choices.get(level=2)
        )


def test_an_answered_status_without_a_choice_is_refused(assessment_a, bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            assessment=assessment_a,
            question=question(bank, "run-tracking"),
            status=Answer.Status.ANSWERED,
        )


def test_dont_know_with_a_choice_is_refused(assessment_a, bank):
    run_tracking = question(bank, "run-tracking")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            assessment=assessment_a,
            question=run_tracking,
            choice=run_tracking.choices.get(level=1),
            status=Answer.Status.DONT_KNOW,
        )


def test_only_one_bank_can_be_published(bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionBank.objects.create(version="other", title="Other", status="published")


def test_models_describe_themselves_readably(assessment_a, bank):
    saved = factories.answer(assessment_a, "run-tracking", 3)
    assert str(bank) == "MLOps Maturity Assessment (sample) vsample-1 (Published)"
    assert (
        str(saved.choice)
        == "Reproducible: The pipeline logs every run with code and data versions."
    )
    assert str(assessment_a) == "MLOps maturity 2026 (Acme Analytics)"
