"""Question-bank files: every field checked, every problem reported with its location
before anything is written, so an author fixes a file in one pass (docs/question-bank.md)."""

import re
from dataclasses import dataclass
from typing import Any

from assessment.domain.spec import RULE_V1, SCORING_RULES

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVELS = (0, 1, 2, 3, 4)
FILE_STATUSES = ("draft", "published")
LAYOUTS = ("questions", "grid")
BANK_KEYS = {
    "version",
    "title",
    "status",
    "description",
    "scoring_rule",
    "prefill_from",
    "workstreams",
    "sections",
}
SECTION_KEYS = {"slug", "title", "intro", "layout", "optional", "applies_question", "components"}
COMPONENT_KEYS = {
    "slug",
    "title",
    "description",
    "foundation",
    "roadmap_stage",
    "guidance",
    "questions",
}
GUIDANCE_KEYS = {"level", "looks_like", "next_step"}
QUESTION_KEYS = {"slug", "text", "help", "allows_not_applicable", "next_steps", "choices"}
CHOICE_KEYS = {"level", "statement"}


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class BankFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class _Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.section_slugs: set[str] = set()
        self.component_slugs: set[str] = set()
        self.question_slugs: set[str] = set()

    def add(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def mapping(self, value: Any, location: str, allowed: set[str]) -> bool:
        if not isinstance(value, dict):
            self.add(location, f"must be a mapping of fields, got {type_name(value)}")
            return False
        for key in sorted(set(map(str, value)) - allowed):
            self.add(location, f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")
        return True

    def text(
        self,
        node: dict,
        key: str,
        location: str,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> str:
        value = node.get(key)
        if value is None:
            if required:
                self.add(location, f"field '{key}' is required")
            return ""
        if not isinstance(value, str):
            self.add(location, f"field '{key}' must be text, got {type_name(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.add(location, f"field '{key}' must not be empty")
        if max_length is not None and len(value) > max_length:
            self.add(location, f"field '{key}' is {len(value)} characters; at most {max_length}")
        return value

    def flag(self, node: dict, key: str, location: str) -> None:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.add(location, f"field '{key}' must be true or false, got {value!r}")

    def slug(self, node: dict, location: str, seen: set[str], kind: str) -> str:
        slug = self.text(node, "slug", location, max_length=80 if kind != "question" else 100)
        if slug and not SLUG_PATTERN.match(slug):
            self.add(
                location,
                f"slug '{slug}' must be lowercase letters and digits separated by single hyphens",
            )
        elif slug in seen:
            self.add(location, f"{kind} slug '{slug}' is used more than once in the bank")
        if slug:
            seen.add(slug)
        return slug

    def levelled_list(
        self, node: dict, key: str, location: str, allowed: set[str], *, all_levels: bool
    ) -> list[tuple[int, dict]]:
        items = node.get(key)
        if not isinstance(items, list) or not items:
            self.add(location, f"field '{key}' must be a non-empty list")
            return []
        found: list[tuple[int, dict]] = []
        seen_levels: set[int] = set()
        for index, item in enumerate(items):
            item_location = f"{location} › {key}[{index}]"
            if not self.mapping(item, item_location, allowed):
                continue
            level = item.get("level")
            if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
                self.add(item_location, f"level must be a whole number from 0 to 4, got {level!r}")
                continue
            if level in seen_levels:
                self.add(item_location, f"level {level} appears more than once")
                continue
            seen_levels.add(level)
            found.append((level, item))
        if all_levels and len(found) == len(items):
            missing = sorted(set(LEVELS) - seen_levels)
            if missing:
                levels_text = ", ".join(map(str, missing))
                self.add(location, f"field '{key}' is missing level(s) {levels_text}")
        elif not all_levels and len(found) == len(items) and len(found) < 2:
            self.add(location, f"field '{key}' needs at least two options")
        return found

    def bank(self, data: Any) -> None:
        if not self.mapping(data, "bank", BANK_KEYS):
            return
        self.text(data, "version", "bank", max_length=40)
        self.text(data, "title", "bank", max_length=200)
        self.text(data, "description", "bank", required=False)
        status = data.get("status", "draft")
        if status not in FILE_STATUSES:
            self.add("bank", f"field 'status' must be one of {', '.join(FILE_STATUSES)}")
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.add("bank", "field 'sections' must be a non-empty list")
            return
        for index, section in enumerate(sections):
            self.section(section, index)
        rule = data.get("scoring_rule", RULE_V1)
        if rule not in SCORING_RULES:
            self.add("bank", f"field 'scoring_rule' must be one of {', '.join(SCORING_RULES)}")
        self.prefill_from(data.get("prefill_from"))
        self.workstreams(data.get("workstreams"))

    def workstreams(self, workstreams: Any) -> None:
        """Components that move together in a plan; each component in at most one."""
        if workstreams is None:
            return
        if not isinstance(workstreams, list):
            self.add("bank", f"field 'workstreams' must be a list, got {type_name(workstreams)}")
            return
        seen_slugs: set[str] = set()
        placed: dict[str, str] = {}
        for index, workstream in enumerate(workstreams):
            location = f"workstreams[{index}]"
            allowed = {"slug", "title", "components", "owner_role", "why"}
            if not self.mapping(workstream, location, allowed):
                continue
            slug = self.slug(workstream, location, seen_slugs, "workstream")
            location = f"workstream '{slug}'" if slug else location
            self.text(workstream, "title", location, max_length=120)
            self.text(workstream, "owner_role", location, required=False, max_length=120)
            self.text(workstream, "why", location, required=False, max_length=300)
            components = workstream.get("components")
            if not isinstance(components, list) or not components:
                self.add(location, "field 'components' must be a non-empty list of component slugs")
                continue
            for component in components:
                if component not in self.component_slugs:
                    self.add(location, f"component {component!r} is not in this bank")
                elif component in placed:
                    self.add(
                        location, f"component '{component}' is already in '{placed[component]}'"
                    )
                else:
                    placed[component] = slug

    def prefill_from(self, prefill: Any) -> None:
        """Which earlier versions' answers may be copied, question by question: one mapping
        (version, questions), or a list of them, one per earlier version."""
        if prefill is None:
            return
        entries = prefill if isinstance(prefill, list) else [prefill]
        if not entries:
            self.add("bank › prefill_from", "must name at least one earlier version")
        versions: set[str] = set()
        for index, entry in enumerate(entries):
            location = "bank › prefill_from"
            if isinstance(prefill, list):
                location = f"{location}[{index}]"
            version = self.prefill_entry(entry, location)
            if version and version in versions:
                self.add(location, f"version '{version}' is listed more than once")
            versions.add(version)

    def prefill_entry(self, entry: Any, location: str) -> str:
        if not self.mapping(entry, location, {"version", "questions"}):
            return ""
        version = self.text(entry, "version", location, max_length=40)
        questions = entry.get("questions")
        if not isinstance(questions, dict) or not questions:
            self.add(
                location,
                "field 'questions' must map this bank's question slugs to the earlier version's",
            )
            return version
        mapped_to: dict[str, str] = {}
        for slug, earlier in questions.items():
            if slug not in self.question_slugs:
                self.add(location, f"question '{slug}' is not in this bank")
            if not isinstance(earlier, str) or not SLUG_PATTERN.match(earlier):
                self.add(
                    location, f"question '{slug}' must map to a question slug, got {earlier!r}"
                )
            elif earlier in mapped_to:
                self.add(
                    location,
                    f"earlier question '{earlier}' is mapped to both '{mapped_to[earlier]}' "
                    f"and '{slug}'; one answer can fill one question",
                )
            else:
                mapped_to[earlier] = slug
        return version

    def section(self, section: Any, index: int) -> None:
        location = f"sections[{index}]"
        if not self.mapping(section, location, SECTION_KEYS):
            return
        slug = self.slug(section, location, self.section_slugs, "section")
        location = f"section '{slug}'" if slug else location
        self.text(section, "title", location, max_length=200)
        self.text(section, "intro", location)
        if section.get("layout", "questions") not in LAYOUTS:
            self.add(location, f"field 'layout' must be one of {', '.join(LAYOUTS)}")
        self.flag(section, "optional", location)
        if section.get("optional"):
            self.text(section, "applies_question", location)
        elif "applies_question" in section:
            self.add(location, "field 'applies_question' is only for an optional section")
        components = section.get("components")
        if not isinstance(components, list) or not components:
            self.add(location, "field 'components' must be a non-empty list")
            return
        for component_index, component in enumerate(components):
            self.component(component, f"{location} › components[{component_index}]")

    def component(self, component: Any, location: str) -> None:
        if not self.mapping(component, location, COMPONENT_KEYS):
            return
        slug = self.slug(component, location, self.component_slugs, "component")
        location = location.rsplit(" › ", 1)[0] + f" › component '{slug}'" if slug else location
        self.text(component, "title", location, max_length=200)
        self.text(component, "description", location, required=False)
        self.flag(component, "foundation", location)
        stage = component.get("roadmap_stage")
        if isinstance(stage, bool) or not isinstance(stage, int) or not 1 <= stage <= 5:
            self.add(location, f"field 'roadmap_stage' must be a whole number 1–5, got {stage!r}")
        for level, item in self.levelled_list(
            component, "guidance", location, GUIDANCE_KEYS, all_levels=True
        ):
            guidance_location = f"{location} › guidance level {level}"
            self.text(item, "looks_like", guidance_location)
            self.text(item, "next_step", guidance_location)
        questions = component.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add(location, "field 'questions' must be a non-empty list")
            return
        for question_index, question in enumerate(questions):
            self.question(question, f"{location} › questions[{question_index}]")

    def question(self, question: Any, location: str) -> None:
        if not self.mapping(question, location, QUESTION_KEYS):
            return
        slug = self.slug(question, location, self.question_slugs, "question")
        location = location.rsplit(" › ", 1)[0] + f" › question '{slug}'" if slug else location
        self.text(question, "text", location)
        self.text(question, "help", location, required=False)
        self.flag(question, "allows_not_applicable", location)
        self.next_steps(question, location)
        statements: set[str] = set()
        for level, item in self.levelled_list(
            question, "choices", location, CHOICE_KEYS, all_levels=False
        ):
            choice_location = f"{location} › choice level {level}"
            statement = self.text(item, "statement", choice_location)
            if statement and statement in statements:
                self.add(choice_location, "statement repeats another option of this question")
            statements.add(statement)

    def next_steps(self, question: dict, location: str) -> None:
        """The next step from each level below the top; optional, but all four when given."""
        steps = question.get("next_steps")
        if steps is None:
            return
        if not isinstance(steps, dict):
            self.add(location, f"field 'next_steps' must map levels 0–3 to text, got {steps!r}")
            return
        below_top = set(LEVELS[:-1])
        for level, text in steps.items():
            if isinstance(level, bool) or level not in below_top:
                self.add(location, f"next_steps: a level must be 0–3, got {level!r}")
            elif not isinstance(text, str) or not text.strip():
                self.add(location, f"next_steps: level {level} needs text")
        missing = sorted(below_top - set(steps))
        if missing:
            self.add(location, f"next_steps: missing level(s) {', '.join(map(str, missing))}")


def validate_bank(data: Any) -> list[Problem]:
    validator = _Validator()
    validator.bank(data)
    return validator.problems


def type_name(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)
