"""Team calibration: how far a team's answers to one question, component or section lie
apart, and the answer of record the team starts from.

Every function takes the participants' answers as a collection in no particular order:
which participant gave which answer never changes the outcome, so the spread and the
default read the same whoever is listed first (and the names can stay hidden).

No Django, no ORM and no I/O here, as in scoring.py.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessment.domain.spec import ANSWERED, DONT_KNOW, NOT_APPLICABLE, AnswerValue

LEVELS = range(5)


def default_answer(votes: Iterable[AnswerValue]) -> AnswerValue | None:
    """The answer of record a question starts from: the median of the levels given, the
    lower of the two middle ones when their number is even (a team that is split between
    two levels is credited with the lower until it agrees otherwise).

    When nobody gave a level, the more common of "Not applicable" and "Don't know" ("Don't
    know" on a tie: the cautious one); when nobody answered at all, None (the question stays
    unanswered)."""
    votes = list(votes)
    levels = sorted(vote.level for vote in votes if vote.status == ANSWERED)
    if levels:
        return AnswerValue.answered(levels[(len(levels) - 1) // 2])
    statuses = Counter(vote.status for vote in votes)
    if not statuses:
        return None
    if statuses[NOT_APPLICABLE] > statuses[DONT_KNOW]:
        return AnswerValue.not_applicable()
    return AnswerValue.dont_know()


@dataclass(frozen=True)
class Distribution:
    """How many participants gave each answer to one question."""

    levels: tuple[int, ...]  # count per level 0-4
    not_applicable: int
    dont_know: int

    @property
    def answered(self) -> int:
        return sum(self.levels) + self.not_applicable + self.dont_know

    @property
    def level_range(self) -> int:
        """Highest level given minus lowest (0 when fewer than two levels were given)."""
        given = [level for level in LEVELS if self.levels[level]]
        return given[-1] - given[0] if given else 0

    @property
    def mixed(self) -> bool:
        """Some gave a level and others "Not applicable" or "Don't know", or both of those."""
        kinds = (sum(self.levels) > 0) + (self.not_applicable > 0) + (self.dont_know > 0)
        return kinds > 1

    @property
    def unanimous(self) -> bool:
        counts = [*self.levels, self.not_applicable, self.dont_know]
        return sum(1 for count in counts if count) <= 1

    @property
    def disagreement(self) -> tuple[int, int, int]:
        """A sort key, larger for more disagreement: the range of levels, then whether the
        kinds of answer are mixed, then how many distinct answers were given."""
        counts = [*self.levels, self.not_applicable, self.dont_know]
        return (self.level_range, int(self.mixed), sum(1 for count in counts if count))


def distribution(votes: Iterable[AnswerValue]) -> Distribution:
    counts = Counter(vote.level if vote.status == ANSWERED else vote.status for vote in votes)
    return Distribution(
        levels=tuple(counts[level] for level in LEVELS),
        not_applicable=counts[NOT_APPLICABLE],
        dont_know=counts[DONT_KNOW],
    )


@dataclass(frozen=True)
class Spread:
    """How far the participants' scores for one component or section lie apart."""

    scored: int  # participants with a score here
    low: float | None
    high: float | None
    stdev: float | None  # population standard deviation; 0 for a single participant

    @property
    def range(self) -> float | None:
        return None if self.low is None else self.high - self.low


def spread(scores: Iterable[float | None]) -> Spread:
    """The spread of the participants' scores; a participant with nothing scored here (all
    "Not applicable", say) is left out."""
    values = sorted(score for score in scores if score is not None)
    if not values:
        return Spread(scored=0, low=None, high=None, stdev=None)
    return Spread(
        scored=len(values), low=values[0], high=values[-1], stdev=statistics.pstdev(values)
    )


@dataclass(frozen=True)
class Agreement:
    """How many participants' levels lie within one level of the agreed level."""

    within_one: int
    of: int


def agreement(levels: Sequence[int | None], agreed: int | None) -> Agreement:
    given = [level for level in levels if level is not None]
    if agreed is None:
        return Agreement(within_one=0, of=len(given))
    return Agreement(
        within_one=sum(1 for level in given if abs(level - agreed) <= 1), of=len(given)
    )
