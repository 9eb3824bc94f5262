"""The team calibration's pure functions, clause by clause and as properties."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.domain.calibration import (
    agreement,
    default_answer,
    distribution,
    spread,
)
from assessment.domain.scoring import AnswerValue, score_assessment
from tests.test_scoring import bank_from

answered = AnswerValue.answered
NA = AnswerValue.not_applicable()
DK = AnswerValue.dont_know()

votes = st.lists(st.one_of(st.integers(0, 4).map(answered), st.just(NA), st.just(DK)), max_size=8)


def test_the_default_answer_is_the_median_level():
    assert default_answer([answered(1), answered(3), answered(4)]) == answered(3)


def test_a_team_split_evenly_is_credited_with_the_lower_middle_level():
    assert default_answer([answered(1), answered(2), answered(3), answered(4)]) == answered(2)


def test_dont_know_and_not_applicable_do_not_pull_the_median():
    assert default_answer([answered(3), DK, DK, NA]) == answered(3)


def test_with_no_level_given_the_more_common_of_not_applicable_and_dont_know_wins():
    assert default_answer([NA, NA, DK]) == NA
    assert default_answer([NA, DK]) == DK


def test_a_question_nobody_answered_stays_unanswered():
    assert default_answer([]) is None


def test_the_distribution_counts_each_answer():
    counts = distribution([answered(2), answered(2), answered(4), NA, DK, DK])
    assert counts.levels == (0, 0, 2, 0, 1)
    assert (counts.not_applicable, counts.dont_know) == (1, 2)
    assert counts.level_range == 2
    assert counts.mixed and not counts.unanimous


def test_the_same_answer_from_everyone_is_unanimous_and_shows_no_disagreement():
    counts = distribution([answered(3)] * 4)
    assert counts.unanimous
    assert counts.disagreement == (0, 0, 1)


def test_two_levels_apart_is_more_disagreement_than_a_dont_know_beside_a_level():
    far_apart = distribution([answered(1), answered(3)])
    mixed = distribution([answered(2), DK])
    assert far_apart.disagreement > mixed.disagreement > distribution([DK, DK]).disagreement


def test_the_spread_gives_range_and_population_standard_deviation():
    result = spread([1.0, 3.0, None])
    assert (result.scored, result.low, result.high, result.range) == (2, 1.0, 3.0, 2.0)
    assert result.stdev == 1.0


def test_nothing_scored_has_no_spread():
    assert spread([None, None]).range is None


def test_agreement_counts_levels_within_one_of_the_agreed_level():
    result = agreement([1, 2, 3, 4, None], agreed=2)
    assert (result.within_one, result.of) == (3, 4)


@given(votes, st.randoms())
def test_permuting_participants_changes_neither_the_default_nor_the_distribution(team, rng):
    shuffled = list(team)
    rng.shuffle(shuffled)
    assert default_answer(shuffled) == default_answer(team)
    assert distribution(shuffled) == distribution(team)


@given(st.lists(st.one_of(st.none(), st.floats(0, 4)), max_size=8), st.randoms())
def test_permuting_participants_changes_no_spread(scores, rng):
    shuffled = list(scores)
    rng.shuffle(shuffled)
    assert spread(shuffled).low == spread(scores).low
    assert spread(shuffled).high == spread(scores).high
    assert (spread(shuffled).stdev is None) == (spread(scores).stdev is None)


BANK = bank_from({"data": {"versions": ("a", "b"), "checks": ("c",)}, "ops": {"run": ("d", "e")}})
QUESTIONS = ("a", "b", "c", "d", "e")
one_answer = st.one_of(st.none(), st.integers(0, 4).map(answered), st.just(NA), st.just(DK))


@given(st.lists(one_answer, min_size=len(QUESTIONS), max_size=len(QUESTIONS)))
def test_one_participant_scores_exactly_like_a_single_assessment_with_the_same_answers(chosen):
    own = {slug: value for slug, value in zip(QUESTIONS, chosen, strict=True) if value}
    of_record = {
        slug: agreed
        for slug in QUESTIONS
        if (agreed := default_answer([own[slug]] if slug in own else [])) is not None
    }
    assert score_assessment(BANK, of_record) == score_assessment(BANK, own)
