"""Bank versions edited in the admin: a draft copied from a bank, its question count, and
publishing it after validating it like a file."""

import re

from django.db import transaction
from django.utils import timezone

from assessment.bank.loading import content_hash, create_content
from assessment.bank.validation import BankFileError, validate_bank
from assessment.models import (
    Question,
    QuestionBank,
)
from assessment.structure import bank_structure

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
        **({"scoring_rule": bank.scoring_rule} if bank.scoring_rule != "v1" else {}),
        **({"prefill_from": bank.prefill_from} if bank.prefill_from else {}),
        **({"workstreams": bank.workstreams} if bank.workstreams else {}),
        "sections": [
            {
                "slug": section.slug,
                "title": section.title,
                "intro": section.intro,
                "layout": section.layout,
                **(
                    {"optional": True, "applies_question": section.applies_question}
                    if section.optional
                    else {}
                ),
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
                                **(
                                    {
                                        "next_steps": {
                                            int(level): text
                                            for level, text in question.next_steps.items()
                                        }
                                    }
                                    if question.next_steps
                                    else {}
                                ),
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
        scoring_rule=bank.scoring_rule,
        prefill_from=bank.prefill_from,
        workstreams=bank.workstreams,
        question_count=sum(
            len(component["questions"])
            for section in data["sections"]
            for component in section["components"]
        ),
    )
    create_content(draft, data)
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
