"""Reading a bank file and loading it into the database, idempotently; a version in use
by assessments never changes."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from assessment.bank.validation import BankFileError, Problem, validate_bank
from assessment.models import (
    Choice,
    Component,
    ComponentGuidance,
    Question,
    QuestionBank,
    Section,
)


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
    bank.scoring_rule = data.get("scoring_rule", "v1")
    bank.prefill_from = data.get("prefill_from") or {}
    bank.workstreams = [
        {
            "slug": workstream["slug"].strip(),
            "title": workstream["title"].strip(),
            "components": list(workstream["components"]),
            "owner_role": (workstream.get("owner_role") or "").strip(),
            "why": (workstream.get("why") or "").strip(),
        }
        for workstream in data.get("workstreams") or []
    ]
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
    create_content(bank, data)
    return LoadOutcome(bank=bank, action=action)


def create_content(bank: QuestionBank, data: dict) -> None:
    # Bulk inserts keep a 110-question bank to a handful of queries; ids are read back
    # (both SQLite and PostgreSQL return them) to attach children.
    sections = Section.objects.bulk_create(
        Section(
            bank=bank,
            slug=section["slug"].strip(),
            title=section["title"].strip(),
            intro=section["intro"].strip(),
            layout=section.get("layout", Section.Layout.QUESTIONS),
            optional=section.get("optional", False),
            applies_question=(section.get("applies_question") or "").strip(),
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
                next_steps={
                    str(level): text.strip()
                    for level, text in (question.get("next_steps") or {}).items()
                },
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
