"""Question-bank files: parse, validate every field, and load into the database.

The file format is described in docs/question-bank.md. Validation collects every problem
with its location before anything is written, so an author fixes a file in one pass.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from assessment.models import (
    Choice,
    Component,
    ComponentGuidance,
    Question,
    QuestionBank,
    Section,
)
from assessment.structure import bank_structure

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEVELS = (0, 1, 2, 3, 4)
FILE_STATUSES = ("draft", "published")
LAYOUTS = ("questions", "grid")

BANK_KEYS = {"version", "title", "status", "description", "sections"}
SECTION_KEYS = {"slug", "title", "intro", "layout", "components"}
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
QUESTION_KEYS = {"slug", "text", "help", "allows_not_applicable", "choices"}
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


class BankLocked(Exception):
    """The version is in use by assessments, so its content cannot change."""


@dataclass(frozen=True)
class LoadOutcome:
    bank: QuestionBank
    action: str  # "created", "replaced" or "unchanged"


def read_bank_file(path: str | Path) -> dict:
    """Parse a bank file, turning unreadable files and YAML syntax errors into problems."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BankFileError([Problem(str(path), "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BankFileError([Problem(str(path), f"cannot be read: {error}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        reason = getattr(error, "problem", None) or str(error)
        raise BankFileError([Problem(where, f"not valid YAML: {reason}")]) from None
    return data


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
        statements: set[str] = set()
        for level, item in self.levelled_list(
            question, "choices", location, CHOICE_KEYS, all_levels=False
        ):
            choice_location = f"{location} › choice level {level}"
            statement = self.text(item, "statement", choice_location)
            if statement and statement in statements:
                self.add(choice_location, "statement repeats another option of this question")
            statements.add(statement)


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


@transaction.atomic
def load_bank(*, data: dict) -> LoadOutcome:
    """Load validated bank data. Idempotent; refuses to change a version in use."""
    problems = validate_bank(data)
    if problems:
        raise BankFileError(problems)
    digest = content_hash(data)
    version = data["version"].strip()
    bank = QuestionBank.objects.select_for_update().filter(version=version).first()
    if bank is not None and bank.source_hash == digest:
        return LoadOutcome(bank=bank, action="unchanged")
    if bank is not None:
        in_use = bank.assessments.count()
        if in_use:
            raise BankLocked(
                f"Question bank v{version} is used by {in_use} assessment(s), so its content "
                "cannot change: results must stay reproducible. Give the changed file a new "
                "version and load that instead."
            )
        bank.sections.all().delete()
        action = "replaced"
    else:
        bank = QuestionBank(version=version)
        action = "created"

    status = data.get("status", "draft")
    if status == QuestionBank.Status.PUBLISHED:
        QuestionBank.objects.filter(status=QuestionBank.Status.PUBLISHED).exclude(
            pk=bank.pk
        ).update(status=QuestionBank.Status.RETIRED)
    bank.title = data["title"].strip()
    bank.description = (data.get("description") or "").strip()
    bank.status = status
    bank.published_at = timezone.now() if status == QuestionBank.Status.PUBLISHED else None
    bank.source_hash = digest
    bank.question_count = sum(
        len(component["questions"])
        for section in data["sections"]
        for component in section["components"]
    )
    bank.save()
    _create_content(bank, data)
    return LoadOutcome(bank=bank, action=action)


def _create_content(bank: QuestionBank, data: dict) -> None:
    # Bulk inserts keep a 110-question bank to a handful of queries; ids are read back
    # (both SQLite and PostgreSQL return them) to attach children.
    sections = Section.objects.bulk_create(
        Section(
            bank=bank,
            slug=section["slug"].strip(),
            title=section["title"].strip(),
            intro=section["intro"].strip(),
            layout=section.get("layout", Section.Layout.QUESTIONS),
            order=order,
        )
        for order, section in enumerate(data["sections"])
    )
    component_pairs = [
        (
            Component(
                section=section,
                slug=component["slug"].strip(),
                title=component["title"].strip(),
                description=(component.get("description") or "").strip(),
                foundation=component.get("foundation", False),
                roadmap_stage=component["roadmap_stage"],
                order=order,
            ),
            component,
        )
        for section, section_data in zip(sections, data["sections"], strict=True)
        for order, component in enumerate(section_data["components"])
    ]
    Component.objects.bulk_create(component for component, _ in component_pairs)
    ComponentGuidance.objects.bulk_create(
        ComponentGuidance(
            component=component,
            level=item["level"],
            looks_like=item["looks_like"].strip(),
            next_step=item["next_step"].strip(),
        )
        for component, component_data in component_pairs
        for item in component_data["guidance"]
    )
    question_pairs = [
        (
            Question(
                component=component,
                slug=question["slug"].strip(),
                text=question["text"].strip(),
                help_text=(question.get("help") or "").strip(),
                allows_not_applicable=question.get("allows_not_applicable", False),
                order=order,
            ),
            question,
        )
        for component, component_data in component_pairs
        for order, question in enumerate(component_data["questions"])
    ]
    Question.objects.bulk_create(question for question, _ in question_pairs)
    Choice.objects.bulk_create(
        Choice(question=question, level=item["level"], statement=item["statement"].strip())
        for question, question_data in question_pairs
        for item in sorted(question_data["choices"], key=lambda choice: choice["level"])
    )


# --- Versions edited in the admin -------------------------------------------------------


class BankNotDraft(Exception):
    """Only a draft's content may change, and only a draft can be published."""


class BankVersionTaken(Exception):
    """Another bank already has this version string."""


def bank_to_data(bank: QuestionBank) -> dict:
    """A bank from the database in the file format, so it validates exactly like a file.

    Loading the result with load_bank gives the same content back.
    """
    structure = bank_structure(bank)
    return {
        "version": bank.version,
        "title": bank.title,
        "status": bank.status,
        "description": bank.description,
        "sections": [
            {
                "slug": section.slug,
                "title": section.title,
                "intro": section.intro,
                "layout": section.layout,
                "components": [
                    {
                        "slug": component.slug,
                        "title": component.title,
                        "description": component.description,
                        "foundation": component.foundation,
                        "roadmap_stage": component.roadmap_stage,
                        "guidance": [
                            {
                                "level": guidance.level,
                                "looks_like": guidance.looks_like,
                                "next_step": guidance.next_step,
                            }
                            for guidance in component.guidance_list
                        ],
                        "questions": [
                            {
                                "slug": question.slug,
                                "text": question.text,
                                "help": question.help_text,
                                "allows_not_applicable": question.allows_not_applicable,
                                "choices": [
                                    {"level": choice.level, "statement": choice.statement}
                                    for choice in sorted(
                                        question.choices_list, key=lambda c: c.level
                                    )
                                ],
                            }
                            for question in component.questions_list
                        ],
                    }
                    for component in section.components_list
                ],
            }
            for section in structure.sections
        ],
    }


def count_questions(bank: QuestionBank) -> int:
    return Question.objects.filter(component__section__bank=bank).count()


def refresh_question_count(bank: QuestionBank) -> None:
    """Keep a draft's question count right after its content was edited."""
    bank.question_count = count_questions(bank)
    QuestionBank.objects.filter(pk=bank.pk).update(question_count=bank.question_count)


DRAFT_SUFFIX = re.compile(r"-draft(?:-\d+)?$")


def next_draft_version(version: str) -> str:
    """The first free "<version>-draft-N", within the 40 characters a version may have."""
    base = DRAFT_SUFFIX.sub("", version.strip())
    taken = set(
        QuestionBank.objects.filter(version__contains="-draft-").values_list("version", flat=True)
    )
    number = 1
    while True:
        suffix = f"-draft-{number}"
        candidate = base[: 40 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


@transaction.atomic
def copy_bank_as_draft(*, bank: QuestionBank, version: str) -> QuestionBank:
    """A new draft with a deep copy of the bank's content: sections to choices, guidance."""
    version = version.strip()
    if not version or len(version) > 40:
        raise BankVersionTaken("A version needs 1 to 40 characters.")
    if QuestionBank.objects.filter(version=version).exists():
        raise BankVersionTaken(f"Version {version} already exists.")
    data = bank_to_data(bank)
    draft = QuestionBank.objects.create(
        version=version,
        title=bank.title,
        description=bank.description,
        status=QuestionBank.Status.DRAFT,
        question_count=sum(
            len(component["questions"])
            for section in data["sections"]
            for component in section["components"]
        ),
    )
    _create_content(draft, data)
    return draft


@transaction.atomic
def publish_bank(*, bank: QuestionBank) -> QuestionBank:
    """Publish a draft after validating it like a bank file; the published one retires.

    Raises BankFileError listing every problem, or BankNotDraft. Assessments keep the
    version they started on: only new assessments use the newly published bank.
    """
    locked = QuestionBank.objects.select_for_update().get(pk=bank.pk)
    if locked.status != QuestionBank.Status.DRAFT:
        raise BankNotDraft(
            f"Question bank v{locked.version} is {locked.get_status_display().lower()}; "
            "only a draft can be published."
        )
    data = bank_to_data(locked)
    problems = validate_bank(data)
    if problems:
        raise BankFileError(problems)
    data["status"] = QuestionBank.Status.PUBLISHED.value
    QuestionBank.objects.filter(status=QuestionBank.Status.PUBLISHED).update(
        status=QuestionBank.Status.RETIRED
    )
    locked.status = QuestionBank.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.source_hash = content_hash(data)
    locked.question_count = sum(
        len(component["questions"])
        for section in data["sections"]
        for component in section["components"]
    )
    locked.save()
    return locked
