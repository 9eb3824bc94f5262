"""Question-bank files and versions: validate, load, copy as a draft, publish. Every name
is importable from here."""

from assessment.bank.loading import (
    BankLocked,
    LoadOutcome,
    content_hash,
    load_bank,
    read_bank_file,
)
from assessment.bank.validation import FILE_STATUSES, BankFileError, Problem, validate_bank
from assessment.bank.versions import (
    BankNotDraft,
    BankVersionTaken,
    bank_to_data,
    copy_bank_as_draft,
    count_questions,
    next_draft_version,
    publish_bank,
    refresh_question_count,
)

__all__ = [
    "FILE_STATUSES",
    "BankFileError",
    "BankLocked",
    "BankNotDraft",
    "BankVersionTaken",
    "LoadOutcome",
    "Problem",
    "bank_to_data",
    "content_hash",
    "copy_bank_as_draft",
    "count_questions",
    "load_bank",
    "next_draft_version",
    "publish_bank",
    "read_bank_file",
    "refresh_question_count",
    "validate_bank",
]
