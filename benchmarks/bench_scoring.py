"""Time score_assessment on a full-size synthetic bank.

Run: .venv/bin/python benchmarks/bench_scoring.py [--runs N] [--seed S]

The bank has the shape of the real one (8 sections, 50 components, 110 questions);
answers are random, with some "Not applicable", "Don't know" and unanswered.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment.domain.scoring import (  # noqa: E402 - needs the path set above
    AnswerValue,
    BankSpec,
    ComponentSpec,
    SectionSpec,
    score_assessment,
)

SECTIONS = 8
COMPONENTS = 50
QUESTIONS = 110


def synthetic_bank(rng: random.Random) -> BankSpec:
    # Spread components over sections and questions over components as evenly as the
    # totals allow, so the shape, not luck, sets the cost.
    components_per_section = _spread(COMPONENTS, SECTIONS)
    questions_per_component = _spread(QUESTIONS, COMPONENTS)
    rng.shuffle(questions_per_component)
    sections = []
    component_index = 0
    for s, component_count in enumerate(components_per_section):
        components = []
        for _ in range(component_count):
            c = component_index
            questions = tuple(f"c{c}-q{q}" for q in range(questions_per_component[c]))
            components.append(ComponentSpec(f"c{c}", f"Component {c}", c % 6 == 0, questions))
            component_index += 1
        sections.append(SectionSpec(f"s{s}", f"Section {s}", tuple(components)))
    return BankSpec("bench", tuple(sections))


def random_answers(bank: BankSpec, rng: random.Random) -> dict[str, AnswerValue]:
    answers = {}
    for question in sorted(bank.question_slugs):
        roll = rng.random()
        if roll < 0.05:
            continue  # unanswered
        if roll < 0.12:
            answers[question] = AnswerValue.not_applicable()
        elif roll < 0.18:
            answers[question] = AnswerValue.dont_know()
        else:
            answers[question] = AnswerValue.answered(rng.randint(0, 4))
    return answers


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _time_ms(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _report(name: str, timings: list[float]) -> None:
    p95 = statistics.quantiles(timings, n=100)[94]
    print(f"{name:<34} median {statistics.median(timings):6.3f} ms   p95 {p95:6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    bank = synthetic_bank(rng)
    # A fresh answer set per run, so no single lucky set decides the figures.
    answer_sets = [random_answers(bank, rng) for _ in range(args.runs)]
    components = sum(len(s.components) for s in bank.sections)
    print(
        f"Python {sys.version.split()[0]}; bank: {len(bank.sections)} sections, "
        f"{components} components, {len(bank.question_slugs)} questions; {args.runs} runs"
    )

    for answers in answer_sets[:50]:  # warm up
        score_assessment(bank, answers)
    sets = iter(answer_sets)
    _report("score_assessment", _time_ms(lambda: score_assessment(bank, next(sets)), args.runs))
    sets = iter(answer_sets)
    _report(
        "score_assessment + as_dict",
        _time_ms(lambda: score_assessment(bank, next(sets)).as_dict(), args.runs),
    )


if __name__ == "__main__":
    main()
