"""The dashboard and the questionnaire: starting an assessment, its overview, section
pages, the review page and submitting."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from assessment import (
    forms,
    markup,
    questionnaire,
    refusals,
    selectors,
    services,
    team,
)
from assessment.models import COMMENT_MAX_LENGTH, LEVEL_CHOICES, Action, Assessment
from assessment.results import skipped_sections
from assessment.section_nav import sections_nav
from assessment.structure import bank_structure
from assessment.views.access import GET_AND_POST, member_required

# The review page's "Submit anyway": submit with answers still carried over.
CARRIED_OVER_CONFIRMED = "carried_over_confirmed"


def render_dashboard(request, organisation, form, *, status: int = 200):
    return render(
        request,
        "assessment/dashboard.html",
        {
            "organisation": organisation,
            "assessments": selectors.dashboard_assessments(organisation, request.user),
            "due": selectors.due_actions(organisation, today=timezone.localdate()),
            "form": form,
            "bank": selectors.current_bank(),
        },
        status=status,
    )


@require_safe
@member_required
def dashboard(request):
    organisation = selectors.get_organisation_for_user(request.user)
    return render_dashboard(
        request, organisation, forms.NewAssessmentForm(organisation=organisation, user=request.user)
    )


@require_POST
@member_required
def assessment_start(request):
    organisation = selectors.get_organisation_for_user(request.user)
    bank = selectors.current_bank()
    form = forms.NewAssessmentForm(request.POST, organisation=organisation, user=request.user)
    if bank is None:
        messages.error(request, _("No questionnaire is published yet. Please try again later."))
        return redirect("dashboard")
    if not form.is_valid():
        return render_dashboard(request, organisation, form, status=400)
    if form.cleaned_data["mode"] == Assessment.Mode.TEAM:
        outcome = services.start_team_assessment(
            organisation=organisation,
            user=request.user,
            bank=bank,
            title=form.cleaned_data["title"],
            ambition=form.cleaned_data["ambition"],
            members=list(form.cleaned_data["participants"]),
            invitations=list(form.cleaned_data["invited"]),
            show_names=form.cleaned_data["show_names"],
            participants_see_calibration=form.cleaned_data["participants_see_calibration"],
        )
        return redirect("assessment_overview", assessment_id=outcome.assessment.pk)
    outcome = services.start_assessment(
        organisation=organisation,
        user=request.user,
        bank=bank,
        title=form.cleaned_data["title"],
        prefill_from=form.cleaned_data["prefill_from"],
        ambition=form.cleaned_data["ambition"],
    )
    if form.cleaned_data["prefill_from"]:
        messages.success(
            request,
            ngettext(
                "%(count)d answer was copied; check it as you go.",
                "%(count)d answers were copied; check them as you go.",
                outcome.copied,
            )
            % {"count": outcome.copied},
        )
        if outcome.not_copied:
            request.session["not_copied"] = outcome.not_copied
    return redirect("assessment_overview", assessment_id=outcome.assessment.pk)


@require_safe
@member_required
def assessment_overview(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = bank_structure(assessment.bank)
    participant = team.participant_for(request.user, assessment)
    answers = selectors.answers_for_questionnaire(assessment, participant)
    progress = selectors.section_progress(structure, answers)
    left_out = skipped_sections(assessment)
    carried = selectors.carried_over_by_section(structure, answers, left_out)
    return render(
        request,
        "assessment/overview.html",
        {
            "team": team.team_panel(request.user, assessment, participant),
            "assessment": assessment,
            "structure": structure,
            "sections": [
                (
                    section,
                    progress[section.pk],
                    len(questionnaire.section_questions(section)),
                    carried.get(section.pk, 0),
                )
                for section in structure.sections
            ],
            "answered": len(answers),
            "total": len(structure.questions),
            "open_actions": selectors.open_actions(assessment.organisation)
            if assessment.is_editable
            else [],
            "statuses": Action.Status.choices,
            "carried_over": sum(carried.values()),
            "copied_from": selectors.copied_from_title(assessment) if carried else "",
            "not_copied": request.session.pop("not_copied", None),
            "left_out": left_out,
        },
    )


@GET_AND_POST
@questionnaire.keep_posted_answers_on_login
@member_required
def section(request, assessment_id: int, section_slug: str):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = bank_structure(assessment.bank)
    current = structure.section(section_slug)
    if current is None:
        raise Http404("No such section.")
    if (
        request.method != "POST"
        and current.optional
        and assessment.section_applies.get(current.slug) is not True
    ):
        # Asked once, before its questions: does this part apply at all?
        return redirect(
            "assessment_section_applies", assessment_id=assessment.pk, section_slug=current.slug
        )
    participant = team.participant_for(request.user, assessment)
    questions = questionnaire.section_questions(current)
    pending = questionnaire.take_pending_post(request)
    data = request.POST if request.method == "POST" else pending
    # A save needs this section's answers only; the page, shown after it when the save
    # cannot redirect, reads them all again (below) for its menu and progress.
    answers = selectors.answers_for_questionnaire(
        assessment, participant, question_ids=None if data is None else [q.pk for q in questions]
    )
    page = forms.SectionAnswers(questions, answers, data)
    status, conflict_heading, no_longer_editable = 200, "", False
    if data is not None:
        background = questionnaire.wants_json(request)
        try:
            outcome = questionnaire.save_page(
                assessment, request.user, page, partial=background, participant=participant
            )
        except services.NotEditable:
            # Submitted before or while this was sent: say so, and show what was sent.
            assessment.refresh_from_db(fields=["status"])
            if background:
                return questionnaire.not_editable_reply(assessment)
            status, no_longer_editable = 409, True
        else:
            if background:
                return questionnaire.background_save_reply(page, outcome, request.user)
            if outcome is None:
                status = 400
            elif not outcome.conflicts:
                if pending is not None:
                    messages.success(
                        request, _("The answers you sent before logging in are saved.")
                    )
                elif request.POST.get("goto") == questionnaire.CONFIRM_CARRIED_OVER:
                    return redirect(questionnaire.confirm_section(request, assessment, current))
                return redirect(
                    questionnaire.next_page_after_save(request, assessment, structure, current)
                )
            else:
                page.show_conflicts(outcome.conflicts, viewer=request.user)
                conflict_heading = questionnaire.conflict_heading(outcome.conflicts, request.user)
                status = 409
        answers = selectors.answers_for_questionnaire(assessment, participant)

    editable = assessment.is_editable
    previous, following = structure.neighbours(current)
    progress = selectors.section_progress(structure, answers)
    carried_over = sum(row.carried_over for row in page.rows)
    copied_from = selectors.copied_from_title(assessment) if carried_over else ""
    return render(
        request,
        "assessment/section.html",
        {
            "assessment": assessment,
            "structure": structure,
            "section": current,
            "page": page,
            "previous": previous,
            "following": following,
            "sections_nav": sections_nav(
                [(s, progress[s.pk], structure.question_counts[s.pk]) for s in structure.sections],
                current=current,
                assessment_id=assessment.pk,
                editable=editable,
            ),
            "answered": len(answers),
            "total": len(structure.questions),
            "editable": editable,
            "save_form_id": "answers" if editable else "",
            "answering_as": editable and questionnaire.answering_as_token(request.user, assessment),
            "comment_limit": COMMENT_MAX_LENGTH,
            "conflicts": bool(conflict_heading),
            "conflict_heading": conflict_heading,
            "no_longer_editable": no_longer_editable,
            "levels": LEVEL_CHOICES,
            "carried_over": carried_over,
            "copied_from": copied_from,
            "confirm_carried_over": questionnaire.CONFIRM_CARRIED_OVER,
            "participant": participant,
            "questions_html": (
                markup.grid_markup if current.layout == "grid" else markup.questions_markup
            )(page.rows, editable=editable, copied_from=copied_from),
        },
        status=status,
    )


def render_review(
    request, assessment, *, refused: bool = False, confirming: bool = False, status: int = 200
):
    """The review page. ``refused`` after a submit refused for unanswered questions,
    ``confirming`` after one refused for carried-over answers: the page's own lists then say
    why, once (no flash message repeats it)."""
    structure = bank_structure(assessment.bank)
    participant = team.participant_for(request.user, assessment)
    answers = (
        selectors.own_answers_by_question(participant)
        if participant
        else selectors.answers_by_question(assessment)
    )
    left_out = skipped_sections(assessment)
    carried = selectors.carried_over_by_section(structure, answers, left_out)
    sections = selectors.review_sections(structure, answers, left_out)
    unanswered = sum(len(group.unanswered) for group in sections)
    return render(
        request,
        "assessment/review.html",
        {
            "assessment": assessment,
            "sections": sections,
            "unanswered": unanswered,
            "answered": len(answers),
            "total": len(structure.questions),
            "carried_over": [
                (section, carried[section.pk])
                for section in structure.sections
                if section.pk in carried
            ],
            "carried_over_total": sum(carried.values()),
            "copied_from": selectors.copied_from_title(assessment) if carried else "",
            "refused": refused and bool(unanswered),
            "confirming": confirming,
            "confirm_field": CARRIED_OVER_CONFIRMED,
            "team": team.team_panel(request.user, assessment, participant),
        },
        status=status,
    )


# The session key that tells the review page, once, that a submit was just refused for
# unanswered questions (the refusal redirects there, so that reloading does not submit again).
SUBMIT_REFUSED = "submit_refused"


@require_safe
@member_required
def review(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    refused = request.session.pop(SUBMIT_REFUSED, None) == assessment.pk
    return render_review(request, assessment, refused=refused)


@require_POST
@member_required
def submit(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    if assessment.is_team:
        return submit_team(request, assessment)
    try:
        services.submit_assessment(
            assessment=assessment,
            user=request.user,
            carried_over_confirmed=request.POST.get(CARRIED_OVER_CONFIRMED) == "yes",
        )
    except services.IncompleteAssessment:
        # Said once, by the review page's list of what is unanswered.
        request.session[SUBMIT_REFUSED] = assessment.pk
        return redirect("assessment_review", assessment_id=assessment.pk)
    except services.CarriedOverRemain:
        # Not an error: asked once more, on the review page, with the sections to check.
        return render_review(request, assessment, confirming=True)
    except services.TransitionError as error:
        messages.error(request, refusals.transition_refused(error))
        return redirect("assessment_overview", assessment_id=assessment.pk)
    messages.success(request, _("Submitted. Here are your results."))
    return redirect("assessment_results", assessment_id=assessment.pk)


def submit_team(request, assessment):
    """A team assessment is submitted by its owner from the calibration page, with the
    answers of record; a refusal is said there."""
    if not team.manages_team(request.user, assessment):
        raise PermissionDenied(_("Only the owner of this team assessment can submit it."))
    try:
        services.submit_assessment(
            assessment=assessment, user=request.user, carried_over_confirmed=True
        )
    except services.IncompleteAssessment as refusal:
        messages.error(
            request,
            ngettext(
                "Not submitted: %(count)d question has no answer of record yet.",
                "Not submitted: %(count)d questions have no answer of record yet.",
                len(refusal.unanswered),
            )
            % {"count": len(refusal.unanswered)},
        )
        return redirect("assessment_calibration", assessment_id=assessment.pk)
    except services.TransitionError as error:
        messages.error(request, refusals.transition_refused(error))
        return redirect("assessment_overview", assessment_id=assessment.pk)
    messages.success(request, _("Submitted. Here are your results."))
    return redirect("assessment_results", assessment_id=assessment.pk)
