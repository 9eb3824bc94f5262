"""How long a bank file takes to answer, by the word-count method of
docs/question-bank-v2-changes.md §7: every word a respondent meets on each section page is
counted, read at 200 to 230 words a minute (careful reading of technical text), plus 10
seconds to decide each question.

On a page a respondent reads the section's introduction (and the opening question of an
optional section), each component's title (and its description on a practice page; grid
rows show the title only), and for every question its text and its five options. The help
is behind a disclosure and is opened where the respondent is unsure: one question in four
by default (``--help-share``). The "Don't know" line, the same on every question, is not
counted; comments (about 30 seconds each) are not included.

Run: .venv/bin/python benchmarks/bank_reading_time.py fixtures/question_bank_v2_1.yaml
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

FAST_WPM = 230
SLOW_WPM = 200
DECIDE_SECONDS = 10


def words(text: str | None) -> int:
    return len((text or "").split())


@dataclass(frozen=True)
class SectionTime:
    title: str
    optional: bool
    questions: int
    page_words: int  # introduction, components, questions and options
    help_words: int  # all of the help, behind its disclosure
    options_words: int

    def read_words(self, help_share: float) -> float:
        return self.page_words + help_share * self.help_words

    def minutes(self, help_share: float, wpm: int) -> float:
        return self.read_words(help_share) / wpm + self.questions * DECIDE_SECONDS / 60


def section_times(data: dict) -> list[SectionTime]:
    times = []
    for section in data["sections"]:
        grid = section.get("layout") == "grid"
        page = words(section["intro"]) + words(section.get("applies_question"))
        help_words = options = questions = 0
        for component in section["components"]:
            page += words(component["title"])
            if not grid:
                page += words(component.get("description"))
            for question in component["questions"]:
                questions += 1
                option_words = sum(words(choice["statement"]) for choice in question["choices"])
                options += option_words
                page += words(question["text"]) + option_words
                help_words += words(question.get("help"))
        times.append(
            SectionTime(
                title=section["title"],
                optional=bool(section.get("optional")),
                questions=questions,
                page_words=page,
                help_words=help_words,
                options_words=options,
            )
        )
    return times


def minutes_range(times: list[SectionTime], help_share: float) -> tuple[int, int]:
    fast = sum(t.minutes(help_share, FAST_WPM) for t in times)
    slow = sum(t.minutes(help_share, SLOW_WPM) for t in times)
    return math.floor(fast), math.ceil(slow)


def table(times: list[SectionTime], help_share: float) -> str:
    lines = [
        "| section | questions | words read | minutes |",
        "|---|---|---|---|",
    ]

    def row(title: str, group: list[SectionTime], bold: bool = False) -> str:
        low, high = minutes_range(group, help_share)
        read = round(sum(t.read_words(help_share) for t in group))
        span = f"{low}–{high}" if low != high else f"{low}"
        if bold:
            title, span = f"**{title}**", f"**{span}**"
        questions = sum(t.questions for t in group)
        return f"| {title} | {questions} | {read:,} | {span} |"

    core = [t for t in times if not t.optional]
    for t in core:
        lines.append(row(t.title, [t]))
    lines.append(row("without the optional sections", core, bold=True))
    for t in times:
        if t.optional:
            lines.append(row(f"{t.title}, with its opening question", [t]))
    if len(core) != len(times):
        lines.append(row("with every section", times, bold=True))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bank", type=Path)
    parser.add_argument("--help-share", type=float, default=0.25)
    args = parser.parse_args()
    data = yaml.safe_load(args.bank.read_text(encoding="utf-8"))
    times = section_times(data)
    print(table(times, args.help_share))
    page = sum(t.page_words for t in times)
    options = sum(t.options_words for t in times)
    help_words = sum(t.help_words for t in times)
    print(
        f"\nwords on the pages: {page:,} (options {options:,}); help: {help_words:,}, "
        f"of which {args.help_share:.0%} is read"
    )


if __name__ == "__main__":
    main()
