"""Forms for answering: starting an assessment, and a section page's answers (one
field set per question: its choice, comment and revision)."""

from dataclasses import dataclass
from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assessment.domain.targets import AMBITIONS
from assessment.models import COMMENT_MAX_LENGTH, Answer, Assessment, Organisation, Question
from assessment.selectors import SavedAnswer, open_invitations
from assessment.services import AnswerSubmission
from assessment.text import reject_control_characters

NOT_APPLICABLE = "na"


DONT_KNOW = "dk"


class NewAssessmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        initial=_("MLOps maturity assessment"),
        validators=[reject_control_characters],
    )
    prefill_from = forms.ModelChoiceField(
        label=_("Start from the answers of"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("Nothing: start with a blank questionnaire"),
        help_text=_(
            "Answers to questions that are still in the questionnaire are copied; "
            "you can change any of them."
        ),
    )

    ambition = forms.ChoiceField(
        label=_("How central is machine learning to your organisation today?"),
        choices=list(AMBITIONS.items()),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Used to suggest a target level for each component: not every component needs "
            "Automated. You can change every target afterwards."
        ),
    )

    mode = forms.ChoiceField(
        label=_("Who answers?"),
        choices=[
            (
                Assessment.Mode.SINGLE,
                _("We answer together: everyone sees and edits one set of answers"),
            ),
            (
                Assessment.Mode.TEAM,
                _(
                    "Each of us answers on our own, then we compare our answers and agree "
                    "one answer per question"
                ),
            ),
        ],
        initial=Assessment.Mode.SINGLE,
        required=False,  # a form that does not ask (an older page, a script) means single
        widget=forms.RadioSelect,
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Who else takes part (team assessment)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "You take part yourself. Invite colleagues from the Team page to list them here."
        ),
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("People invited who have not joined yet"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They can answer once they accept their invitation."),
    )
    show_names = forms.BooleanField(
        label=_("Show each person's name next to their answers when we compare them"),
        required=False,
        help_text=_("Otherwise answers are listed as Participant 1, 2, 3…"),
    )
    participants_see_calibration = forms.BooleanField(
        label=_("Let everyone taking part see the comparison, not only me"),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefill_from"].queryset = Assessment.objects.filter(
            organisation=organisation, submitted_at__isnull=False
        ).order_by("-submitted_at")
        self.fields["prefill_from"].label_from_instance = lambda a: (
            gettext("%(title)s (submitted %(date)s)")
            % {"title": a.title, "date": f"{a.submitted_at:%d %b %Y}"}
        )
        members = (
            get_user_model()
            .objects.filter(membership__organisation=organisation, is_active=True)
            .select_related("membership")
        )
        if user is not None:
            members = members.exclude(pk=user.pk)
        self.fields["participants"].queryset = members.order_by("first_name", "email")
        self.fields["participants"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["invited"].queryset = open_invitations(organisation).order_by("email")
        self.fields["invited"].label_from_instance = lambda invitation: invitation.email

    def clean(self):
        cleaned = super().clean()
        cleaned["mode"] = cleaned.get("mode") or Assessment.Mode.SINGLE
        if cleaned["mode"] == Assessment.Mode.TEAM:
            if cleaned.get("prefill_from"):
                self.add_error(
                    "prefill_from",
                    gettext(
                        "A team assessment starts blank, so that each person answers on their "
                        "own: choose “Nothing”, or “We answer together” to copy answers."
                    ),
                )
            if not cleaned.get("participants") and not cleaned.get("invited"):
                self.add_error(
                    "participants",
                    gettext(
                        "Choose at least one colleague to answer with you, or answer together."
                    ),
                )
        return cleaned


@dataclass(frozen=True)
class FieldNames:
    """The names of one question's fields on a section page: its answer (a choice id, "na"
    or "dk"), its comment, and the revision of the saved answer the page was showing."""

    answer: str
    comment: str
    revision: str


@cache  # a handful of names per question, asked for on every render
def field_names(question_id: int) -> FieldNames:
    """The one place the section page's field names are made (forms, templates, the kept
    post of an expired session and the background save's reply all use it)."""
    return FieldNames(f"q{question_id}", f"c{question_id}", f"r{question_id}")


@dataclass
class QuestionRow:
    """One question as the section page shows it: saved or posted values, and any error."""

    question: Question
    saved: SavedAnswer | None
    value: str  # choice id, "na", "dk" or "" for none
    comment: str
    revision: int
    error: str = ""
    conflict: Answer | None = None
    conflict_by_viewer: bool = False  # the viewer's own change, from another tab or device

    @property
    def carried_over(self) -> bool:
        """The saved answer was copied from an earlier assessment and not yet confirmed."""
        return bool(self.saved and self.saved.carried_over)

    @property
    def names(self) -> FieldNames:
        return field_names(self.question.pk)

    @property
    def field_name(self) -> str:
        return self.names.answer


class SectionAnswers:
    """Reads and validates the answers posted from one section page.

    Each question's fields are named by ``field_names``.
    """

    def __init__(self, questions: list[Question], saved: dict[int, SavedAnswer], data=None):
        self.questions = questions
        self.saved = saved
        self.data = data
        self.rows = [self._row(question) for question in questions]
        self.submissions: list[AnswerSubmission] = []

    def _row(self, question: Question) -> QuestionRow:
        saved = self.saved.get(question.pk)
        if self.data is None:
            return QuestionRow(
                question=question,
                saved=saved,
                value=value_of(saved),
                comment=saved.comment if saved else "",
                revision=saved.revision if saved else 0,
            )
        names = field_names(question.pk)
        return QuestionRow(
            question=question,
            saved=saved,
            value=self.data.get(names.answer, "").strip(),
            comment=clean_comment(self.data.get(names.comment, "")),
            revision=parse_revision(self.data.get(names.revision, "")),
        )

    def is_valid(self) -> bool:
        self.submissions = []
        for row in self.rows:
            submission = self._validate(row)
            if submission is not None:
                self.submissions.append(submission)
        return not self.errors

    @property
    def errors(self) -> list[QuestionRow]:
        return [row for row in self.rows if row.error]

    # The shared error summary (templates/_error_summary.html) reads the page as a form:
    # a page-wide line, then one linked entry per question that needs attention.
    def non_field_errors(self) -> list[str]:
        count = len(self.errors)
        if not count:
            return []
        message = ngettext(
            "Nothing on this page was saved yet: %(count)s answer needs attention.",
            "Nothing on this page was saved yet: %(count)s answers need attention.",
            count,
        )
        return [message % {"count": count}]

    def __iter__(self):
        return (SummaryEntry.of(row) for row in self.errors)

    def _validate(self, row: QuestionRow) -> AnswerSubmission | None:
        question = row.question
        if len(set(self.data.getlist(row.field_name))) > 1:
            row.error = str(_("Choose only one answer."))
            return None
        if len(row.comment) > COMMENT_MAX_LENGTH:
            # Refused whole, never cut: the page shows the text again with its length.
            row.error = str(
                _(
                    "Comments can be at most %(limit)s characters; this one has %(length)s. "
                    "Nothing was cut: shorten it by %(over)s characters and save again."
                )
                % {
                    "limit": f"{COMMENT_MAX_LENGTH:,}",
                    "length": f"{len(row.comment):,}",
                    "over": f"{len(row.comment) - COMMENT_MAX_LENGTH:,}",
                }
            )
            return None
        if not row.value:
            if row.comment and not (row.saved and row.saved.comment == row.comment):
                row.error = str(_("Choose an answer (or “Don't know”) to save your comment."))
            return None
        choice = None
        if row.value == NOT_APPLICABLE:
            if not question.allows_not_applicable:
                row.error = str(_("This question cannot be marked “Not applicable”."))
                return None
            status = Answer.Status.NOT_APPLICABLE
        elif row.value == DONT_KNOW:
            status = Answer.Status.DONT_KNOW
        else:
            choice = next((c for c in question.choices_list if str(c.pk) == row.value), None)
            if choice is None:
                row.error = str(
                    _("That is not one of this question's options. Choose one of the list.")
                )
                return None
            status = Answer.Status.ANSWERED
        return AnswerSubmission(
            question=question,
            status=status,
            choice=choice,
            comment=row.comment,
            seen_revision=row.revision,
        )

    def show_conflicts(self, conflicts, viewer=None) -> None:
        """Keep the respondent's values on screen, now against the colleague's revision."""
        by_question = {conflict.submission.question.pk: conflict.current for conflict in conflicts}
        for row in self.rows:
            current = by_question.get(row.question.pk)
            if current is not None:
                row.conflict = current
                row.revision = current.revision
                row.conflict_by_viewer = viewer is not None and current.answered_by_id == viewer.pk


@dataclass(frozen=True)
class SummaryEntry:
    """A question with an error, as the error summary lists a form field."""

    id_for_label: str
    label: str
    errors: list[str]

    @classmethod
    def of(cls, row: QuestionRow) -> "SummaryEntry":
        question = row.question
        if len(row.comment) > COMMENT_MAX_LENGTH:
            target = row.names.comment
        elif question.choices_list:  # the first option, as the page's markup names it
            target = f"{row.names.answer}-{question.choices_list[0].pk}"
        else:
            target = f"q-{question.pk}"
        text = question.text if len(question.text) <= 90 else question.text[:89] + "…"
        return cls(id_for_label=target, label=text, errors=[row.error])


def clean_comment(raw: str) -> str:
    """A posted comment as stored and counted: a line break is one character, as the box
    and its count show it, though browsers send it as two (CR LF)."""
    return raw.replace("\x00", "").replace("\r\n", "\n").strip()


def value_of(answer: SavedAnswer | None) -> str:
    if answer is None:
        return ""
    if answer.status == Answer.Status.NOT_APPLICABLE:
        return NOT_APPLICABLE
    if answer.status == Answer.Status.DONT_KNOW:
        return DONT_KNOW
    return str(answer.choice_id)


def parse_revision(raw: str) -> int:
    try:
        return max(int(raw), 0)
    except (TypeError, ValueError):
        return 0
