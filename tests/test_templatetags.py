"""The template filters: scores show one decimal, rounded as a person rounds by hand."""

from datetime import timedelta

import pytest

from assessment.templatetags.maturity import duration, score


@pytest.mark.parametrize(
    ("value", "shown"), [(2.25, "2.3"), (2.35, "2.4"), (2.0, "2.0"), (37 / 12, "3.1"), (None, "–")]
)
def test_a_score_shows_one_decimal_with_halves_rounded_up(value, shown):
    assert score(value) == shown


def test_a_duration_reads_in_words():
    assert duration(timedelta(minutes=15)) == "15\xa0minutes"
    assert duration(timedelta(hours=1, minutes=30)) == "1\xa0hour, 30\xa0minutes"
    assert duration(None) == ""
