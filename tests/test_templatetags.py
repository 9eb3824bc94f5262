"""The template filters: scores show one decimal, rounded as a person rounds by hand."""

import pytest

from assessment.templatetags.maturity import score


@pytest.mark.parametrize(
    ("value", "shown"), [(2.25, "2.3"), (2.35, "2.4"), (2.0, "2.0"), (37 / 12, "3.1"), (None, "–")]
)
def test_a_score_shows_one_decimal_with_halves_rounded_up(value, shown):
    assert score(value) == shown
