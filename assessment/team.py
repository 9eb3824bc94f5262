"""Reads for team assessments: who takes part and how far they have got, who may see the
calibration, and the calibration itself (each participant's answers side by side, the
spread per question, component and section, and the answers of record agreed from them).

Every read here runs a constant number of queries, whatever the number of participants
and questions."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.domain import calibration, scoring
from assessment.domain.calibration import Agreement, Distribution, Spread
from assessment.domain.scoring import AnswerValue, AssessmentResult
from assessment.levels import LEVEL_LABELS
from assessment.models import AgreedAnswer, Answer, Assessment, Membership, Participant
from assessment.models import ParticipantAnswer as OwnAnswer
from assessment.results import Results, results_for, skipped_sections
from assessment.structure import BankStructure, bank_structure

# How many of the questions the team disagreed on most the results page, the PDF and the
# admin list, each with the answer the team agreed.
MOST_DISAGREED = 5


@dataclass(frozen=True)
class TeamMember:
    participant: Participant
    label: str  # the name, or "Participant 2" when names are hidden
    answered: int
    former: bool

    @property
    def finished(self) -> bool:
        return self.participant.finished_at is not None


def participant_label(participant: Participant, number: int, *, show_names: bool) -> str:
    if show_names:
        return participant.name
    return _("Participant %(number)d") % {"number": number}


def team_members(assessment: Assessment, *, show_names: bool) -> list[TeamMember]:
    """The participants in the order they were added, with how many questions each has
    answered; one who has left the organisation is a former participant."""
    participants = (
        Participant.objects.filter(assessment=assessment)
        .select_related("user__membership", "invitation")
        .annotate(answered=Count("answers"))
    )
    members = []
    for number, participant in enumerate(participants, start=1):
        label = participant_label(participant, number, show_names=show_names)
        former = _has_left(participant, assessment)
        if former:
            label = _("%(label)s (former participant)") % {"label": label}
        members.append(TeamMember(participant, label, answered=participant.answered, former=former))
    return members


def _has_left(participant: Participant, assessment: Assessment) -> bool:
    """Whether the participant has left the organisation (or their account was deleted);
    someone invited who has not joined yet has not left."""
    if participant.user is None:
        invitation = participant.invitation
        return invitation is None or invitation.accepted_at is not None
    membership = getattr(participant.user, "membership", None)
    return membership is None or membership.organisation_id != assessment.organisation_id


def _is_member(user, assessment: Assessment) -> bool:
    try:
        return user.membership.organisation_id == assessment.organisation_id
    except Membership.DoesNotExist:
        return False


def manages_team(user, assessment: Assessment) -> bool:
    """The one who started a team assessment, or an owner of its organisation, runs it:
    adds participants, opens the calibration and agrees the answers of record."""
    if not _is_member(user, assessment):
        return False
    return assessment.created_by_id == user.pk or user.membership.role == Membership.Role.OWNER


def participant_for(user, assessment: Assessment) -> Participant | None:
    """The user's own answer sheet in a team assessment (None for a single assessment,
    whose answers everyone shares). A member who is not a participant gets a 404: the
    questionnaire of a team assessment holds nothing but one's own answers."""
    if not assessment.is_team:
        return None
    participant = Participant.objects.filter(assessment=assessment, user=user).first()
    if participant is None:
        raise Http404("You are not taking part in this assessment.")
    return participant


def calibration_open(assessment: Assessment, members: list[TeamMember]) -> bool:
    """The answers are shown side by side once the owner opens the calibration, or once
    every current participant has finished."""
    if assessment.calibration_opened_at is not None:
        return True
    current = [member for member in members if not member.former]
    return bool(current) and all(member.finished for member in current)


def may_see_calibration(user, assessment: Assessment, members: list[TeamMember]) -> bool:
    if not assessment.is_team or not calibration_open(assessment, members):
        return False
    if manages_team(user, assessment):
        return True
    is_participant = any(member.participant.user_id == user.pk for member in members)
    return is_participant and assessment.participants_see_calibration


def get_calibration_for_user(user, assessment_id: int) -> tuple[Assessment, list[TeamMember]]:
    """A team assessment whose calibration the user may see, with its team; else a 404."""
    assessment = selectors.get_assessment_for_user(user, assessment_id)
    members = (
        team_members(assessment, show_names=assessment.show_participant_names)
        if assessment.is_team
        else []
    )
    if not may_see_calibration(user, assessment, members):
        raise Http404("The calibration of this assessment is not open to you.")
    return assessment, members


@dataclass(frozen=True)
class Vote:
    """One participant's answer to one question, as the calibration page lists it."""

    label: str
    value: AnswerValue
    comment: str

    @property
    def text(self) -> str:
        if self.value.status == scoring.ANSWERED:
            return f"{self.value.level} {LEVEL_LABELS[self.value.level]}"
        return {scoring.NOT_APPLICABLE: _("Not applicable"), scoring.DONT_KNOW: _("Don't know")}[
            self.value.status
        ]


@dataclass(frozen=True)
class QuestionSpread:
    question: object  # the bank structure's Question, with its choices
    votes: tuple[Vote, ...]
    distribution: Distribution
    default: AnswerValue | None
    record: Answer | None  # the answer of record saved so far
    note: str

    @property
    def answers_text(self) -> str:
        """How many gave each answer, e.g. "1 Manual ×2, 3 Reproducible ×1, Don't know ×1"."""
        counts = self.distribution
        parts = [
            f"{level} {LEVEL_LABELS[level]} ×{count}"
            for level, count in enumerate(counts.levels)
            if count
        ]
        if counts.not_applicable:
            parts.append(_("Not applicable ×%(count)d") % {"count": counts.not_applicable})
        if counts.dont_know:
            parts.append(_("Don't know ×%(count)d") % {"count": counts.dont_know})
        return ", ".join(parts)

    @property
    def record_value(self) -> AnswerValue | None:
        """The answer of record if one is saved, else the default the page offers."""
        if self.record is None:
            return self.default
        if self.record.status == Answer.Status.ANSWERED:
            return AnswerValue.answered(self.record.choice.level)
        return AnswerValue(self.record.status)


@dataclass(frozen=True)
class TierSpread:
    slug: str
    title: str
    spread: Spread
    agreement: Agreement
    agreed_level: int | None

    @property
    def agreed_label(self) -> str:
        return LEVEL_LABELS[self.agreed_level] if self.agreed_level is not None else ""


def _value(status: str, level: int | None) -> AnswerValue:
    return AnswerValue.answered(level) if status == scoring.ANSWERED else AnswerValue(status)


@dataclass
class Calibration:
    """Everything the calibration page, and the team panels of the results page, the PDF
    and the admin, show about one team assessment."""

    assessment: Assessment
    structure: BankStructure
    members: list[TeamMember]
    sheets: dict[int, dict[int, tuple[AnswerValue, str]]]  # participant id → question id → …
    answers: dict[int, Answer]  # the answers of record
    result: AssessmentResult  # their result
    notes: dict[int, str]

    @cached_property
    def participant_results(self) -> dict[int, AssessmentResult]:
        skipped = skipped_sections(self.assessment)
        slugs = {q.pk: q.slug for q in self.structure.questions}
        return {
            member.participant.pk: scoring.score_assessment(
                self.structure.spec,
                {
                    slugs[question_id]: value
                    for question_id, (value, _comment) in self.sheets.get(
                        member.participant.pk, {}
                    ).items()
                },
                skipped_sections=skipped,
            )
            for member in self.members
        }

    @cached_property
    def questions(self) -> list[QuestionSpread]:
        """Every question of the sections that apply, most disagreement first (then in
        questionnaire order)."""
        skipped = skipped_sections(self.assessment)
        rows = []
        for section in self.structure.sections:
            if section.slug in skipped:
                continue
            for component in section.components_list:
                for question in component.questions_list:
                    votes = tuple(
                        Vote(member.label, *self.sheets[member.participant.pk][question.pk])
                        for member in self.members
                        if question.pk in self.sheets.get(member.participant.pk, {})
                    )
                    values = [vote.value for vote in votes]
                    rows.append(
                        QuestionSpread(
                            question=question,
                            votes=votes,
                            distribution=calibration.distribution(values),
                            default=calibration.default_answer(values),
                            record=self.answers.get(question.pk),
                            note=self.notes.get(question.pk, ""),
                        )
                    )
        order = {row.question.pk: index for index, row in enumerate(rows)}
        return sorted(
            rows,
            key=lambda row: (
                tuple(-part for part in row.distribution.disagreement),
                order[row.question.pk],
            ),
        )

    @property
    def sections_apart(self) -> list[TierSpread]:
        """The sections where some participant's level is more than one level from the
        agreed level (the board report names only these)."""
        return [
            section
            for section, _components in self.sections
            if section.agreement.within_one < section.agreement.of
        ]

    @property
    def disagreements(self) -> list[QuestionSpread]:
        return [row for row in self.questions if not row.distribution.unanimous]

    @property
    def most_disagreed(self) -> list[QuestionSpread]:
        return self.disagreements[:MOST_DISAGREED]

    def _tier(self, slug: str, title: str, pick) -> TierSpread:
        scored = [pick(result) for result in self.participant_results.values()]
        agreed = pick(self.result)
        agreed_level = agreed.level if agreed is not None else None
        return TierSpread(
            slug=slug,
            title=title,
            spread=calibration.spread(tier.score if tier else None for tier in scored),
            agreement=calibration.agreement(
                [tier.level if tier else None for tier in scored], agreed_level
            ),
            agreed_level=agreed_level,
        )

    @cached_property
    def sections(self) -> list[tuple[TierSpread, list[TierSpread]]]:
        """Per section that applies, its spread and its components' spreads."""
        rows = []
        for section in self.result.sections:
            if not section.applies:
                continue

            def section_of(result, slug=section.slug):
                return result.section(slug)

            components = [
                self._tier(
                    component.slug,
                    component.title,
                    lambda result, slug=component.slug: result.component(slug),
                )
                for component in section.components
            ]
            rows.append((self._tier(section.slug, section.title, section_of), components))
        return rows


def calibration_for(
    assessment: Assessment,
    *,
    members: list[TeamMember] | None = None,
    results: Results | None = None,
) -> Calibration:
    """The calibration of a team assessment, in four queries and the results' own: the
    participants, all their answers and the agreed notes. A page that has the team or the
    results already passes them."""
    results = results or results_for(assessment)
    if members is None:
        members = team_members(assessment, show_names=assessment.show_participant_names)
    sheets: dict[int, dict[int, tuple[AnswerValue, str]]] = {}
    rows = OwnAnswer.objects.filter(participant__assessment=assessment).values_list(
        "participant_id", "question_id", "status", "choice__level", "comment"
    )
    for participant_id, question_id, status, level, comment in rows:
        sheets.setdefault(participant_id, {})[question_id] = (_value(status, level), comment)
    notes = dict(
        AgreedAnswer.objects.filter(assessment=assessment).values_list("question_id", "note")
    )
    return Calibration(
        assessment=assessment,
        structure=bank_structure(assessment.bank),
        members=members,
        sheets=sheets,
        answers=results.answers,
        result=results.result,
        notes=notes,
    )


def team_panel(user, assessment: Assessment, participant: Participant | None) -> dict:
    """What the overview and review pages of a team assessment show about the team: who
    takes part and how far each has got (names, not answers), the viewer's own state, and
    the owner's switches."""
    if participant is None:
        return {}
    members = team_members(assessment, show_names=True)
    return {
        "members": members,
        "me": participant,
        "manages": manages_team(user, assessment),
        "calibration_open": calibration_open(assessment, members),
        "may_see_calibration": may_see_calibration(user, assessment, members),
        "total": len(bank_structure(assessment.bank).questions),
    }


def calibration_if_team(assessment: Assessment, results: Results) -> Calibration | None:
    """The team panel's data for a team assessment's results, PDF and admin page."""
    return calibration_for(assessment, results=results) if assessment.is_team else None
