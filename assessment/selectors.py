"""Reads: access-scoped lookups and the bank structure, each in a constant number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.http import Http404, QueryDict
from django.utils import timezone

from assessment.models import (
    Action,
    Answer,
    Assessment,
    Component,
    Membership,
    Organisation,
    Participant,
    ParticipantAnswer,
    Question,
    QuestionBank,
    Section,
)
from assessment.roles import CONSULTANTS_GROUP
from assessment.structure import BankStructure, bank_structure


def get_membership(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def get_organisation_for_user(user) -> Organisation:
    membership = get_membership(user)
    if membership is None:
        raise Http404("You are not a member of an organisation.")
    return membership.organisation


def is_consultant(user) -> bool:
    if not (user.is_authenticated and user.is_staff and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_consultant"):
        user._is_consultant = user.groups.filter(name=CONSULTANTS_GROUP).exists()
    return user._is_consultant


def get_assessment_for_user(user, assessment_id: int, *, consultants: bool = False) -> Assessment:
    """The assessment if the user's organisation owns it (or, when allowed, a consultant asks).

    Anything else is a 404, so another organisation's ids reveal nothing.
    """
    # Not last_edited_by: only the overview shows it, and the join cost every section page
    # and save about a seventh of this lookup (75 of 520 µs).
    queryset = Assessment.objects.select_related("bank")
    membership = get_membership(user)
    if consultants and is_consultant(user):
        queryset = queryset.select_related("organisation")
    elif membership is not None:
        queryset = queryset.filter(organisation_id=membership.organisation_id)
    else:
        raise Http404("No such assessment.")
    try:
        assessment = queryset.get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None
    if assessment.organisation_id == getattr(membership, "organisation_id", None):
        # The member's organisation came with the user (MembershipBackend): no second join.
        assessment.organisation = membership.organisation
    return assessment


def current_bank() -> QuestionBank | None:
    return QuestionBank.objects.filter(status=QuestionBank.Status.PUBLISHED).first()


def answers_by_question(assessment: Assessment) -> dict[int, Answer]:
    return {
        answer.question_id: answer
        for answer in Answer.objects.filter(assessment=assessment).select_related(
            "choice", "answered_by"
        )
    }


def own_answers_by_question(participant: Participant) -> dict[int, ParticipantAnswer]:
    """A team assessment participant's own answers, for their review page."""
    return {
        answer.question_id: answer
        for answer in ParticipantAnswer.objects.filter(participant=participant).select_related(
            "choice", "participant__user"
        )
    }


class SavedAnswer(NamedTuple):
    """The part of a saved answer that a section page shows (a tuple: a section page makes
    one per answer of the assessment, and a frozen dataclass costs three times as much)."""

    question_id: int
    status: str
    choice_id: int | None
    comment: str
    revision: int
    carried_over: bool = False


def answers_for_questionnaire(
    assessment: Assessment,
    participant: Participant | None = None,
    *,
    question_ids: list[int] | None = None,
) -> dict[int, SavedAnswer]:
    """Every answer of the assessment (or of one participant in a team assessment), or only
    those of ``question_ids``, read as plain rows: the section page's hot path."""
    if participant is not None:
        model, owner, columns = ParticipantAnswer, {"participant": participant}, ()
    else:
        model, owner, columns = Answer, {"assessment": assessment}, ("carried_over",)
    if question_ids is not None:
        owner["question_id__in"] = question_ids
    # No ordering: a dict needs none, and Answer's default ordering joins three tables.
    rows = (
        model.objects.filter(**owner)
        .order_by()
        .values_list("question_id", "status", "choice_id", "comment", "revision", *columns)
    )
    return {row[0]: SavedAnswer(*row) for row in rows}


def section_progress(structure: BankStructure, answers: dict[int, Answer]) -> dict[int, int]:
    """Answered questions per section id (N/A and Don't know count as answered)."""
    progress = dict.fromkeys(structure.question_counts, 0)
    section_of = structure.section_of_question
    for question_id in answers:
        progress[section_of[question_id]] += 1
    return progress


def carried_over_by_section(
    structure: BankStructure, answers: dict, skipped: frozenset[str] = frozenset()
) -> dict[int, int]:
    """Answers still carried over from an earlier assessment, per section id, for the
    sections that have any and are not left out. ``answers`` (question id → answer) may
    hold either kind of saved answer, ``Answer`` or ``SavedAnswer``."""
    remaining = {}
    for section in structure.sections:
        if section.slug in skipped:
            continue
        count = sum(
            1
            for component in section.components_list
            for question in component.questions_list
            if question.pk in answers and answers[question.pk].carried_over
        )
        if count:
            remaining[section.pk] = count
    return remaining


def copied_from_title(assessment: Assessment) -> str:
    """The title of the assessment this one's answers were copied from ("" if deleted)."""
    if assessment.copied_from_id is None:
        return ""
    titles = Assessment.objects.filter(pk=assessment.copied_from_id).values_list("title")
    return next((title for (title,) in titles), "")


def previous_submitted_assessment(assessment: Assessment) -> Assessment | None:
    """The organisation's latest assessment submitted before this one, for comparison."""
    queryset = Assessment.objects.filter(
        organisation_id=assessment.organisation_id, submitted_at__isnull=False
    ).exclude(pk=assessment.pk)
    if assessment.submitted_at:
        queryset = queryset.filter(submitted_at__lt=assessment.submitted_at)
    return queryset.select_related("bank").order_by("-submitted_at").first()


@dataclass(frozen=True)
class BankSummary:
    bank: QuestionBank
    sections: list[tuple[str, int]]  # title, question count
    questions: int
    optional_sections: list[str]  # titles


def current_bank_summary() -> BankSummary | None:
    bank = current_bank()
    if bank is None:
        return None
    structure = bank_structure(bank)
    return BankSummary(
        bank=bank,
        sections=[
            (section.title, sum(len(c.questions_list) for c in section.components_list))
            for section in structure.sections
        ],
        questions=len(structure.questions),
        optional_sections=[section.title for section in structure.sections if section.optional],
    )


def dashboard_assessments(organisation: Organisation, user):
    """The organisation's assessments; ``takes_part`` says whether the user answers a team
    assessment (a member who does not sees only its results)."""
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("bank", "last_edited_by", "created_by")
        .annotate(
            takes_part=Exists(Participant.objects.filter(assessment=OuterRef("pk"), user=user))
        )
        .order_by("-updated_at")
    )


def open_invitations(organisation: Organisation):
    return organisation.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def user_exists(email: str) -> bool:
    return get_user_model().objects.filter(username=email.strip().lower()).exists()


def querydict(values: dict[str, list[str]]):
    data = QueryDict(mutable=True)
    for key, items in values.items():
        data.setlist(key, items)
    return data


@dataclass(frozen=True)
class ReviewRow:
    section: Section
    component: Component
    question: Question
    answer: Answer | None


@dataclass(frozen=True)
class ReviewSection:
    """One section of the review page: its questions with their answers, in bank order.
    A section the respondents left out (it does not apply) has nothing unanswered."""

    section: Section
    rows: list[ReviewRow]
    left_out: bool

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answer is not None)

    @property
    def unanswered(self) -> list[Question]:
        if self.left_out:
            return []
        return [row.question for row in self.rows if row.answer is None]


def review_sections(
    structure: BankStructure, answers: dict[int, Answer], skipped: frozenset[str] = frozenset()
) -> list[ReviewSection]:
    return [
        ReviewSection(
            section,
            [
                ReviewRow(section, component, question, answers.get(question.pk))
                for component in section.components_list
                for question in component.questions_list
            ],
            left_out=section.slug in skipped,
        )
        for section in structure.sections
    ]


DUE_SOON = timedelta(days=14)


def get_action_for_user(user, action_id: int) -> Action:
    """The action if the user's organisation owns it; anything else is a 404."""
    membership = get_membership(user)
    if membership is None:
        raise Http404("No such action.")
    action = (
        Action.objects.select_related("owner", "planned_in", "organisation")
        .filter(pk=action_id, organisation_id=membership.organisation_id)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def organisation_actions(organisation: Organisation):
    """Every action, open ones first, each group by due date (undated last)."""
    return sorted(
        Action.objects.filter(organisation=organisation).select_related("owner", "planned_in"),
        key=lambda a: (not a.is_open, a.due_date is None, a.due_date or date.max, a.pk),
    )


def organisation_members(organisation: Organisation):
    return (
        get_user_model()
        .objects.filter(membership__organisation=organisation)
        .order_by("first_name", "last_name", "email")
    )


@dataclass(frozen=True)
class DueActions:
    overdue: list[Action]
    due_soon: list[Action]


def due_actions(organisation: Organisation, *, today: date) -> DueActions:
    """Open actions past their due date, and those due in the next two weeks."""
    due = list(
        Action.objects.filter(
            organisation=organisation,
            status__in=Action.OPEN,
            due_date__lte=today + DUE_SOON,
        )
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    return DueActions(
        overdue=[a for a in due if a.due_date < today],
        due_soon=[a for a in due if a.due_date >= today],
    )


def open_actions(organisation: Organisation) -> list[Action]:
    return list(
        Action.objects.filter(organisation=organisation, status__in=Action.OPEN)
        .select_related("owner")
        .order_by("due_date", "pk")
    )


def actions_done_between(organisation: Organisation, start, end) -> list[Action]:
    """Actions marked done after ``start`` (None: ever) and up to ``end``."""
    queryset = Action.objects.filter(
        organisation=organisation, status=Action.Status.DONE, done_at__lte=end
    )
    if start is not None:
        queryset = queryset.filter(done_at__gt=start)
    return list(queryset.select_related("owner").order_by("done_at", "pk"))
