"""Team assessments: a participant finishing their own answers, the owner's switches, and
the calibration page where the team's answers are compared and the answers of record
agreed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessment import selectors, services, team
from assessment.forms.team import calibration_form
from assessment.views.access import GET_AND_POST, member_required

# The calibration page's filter: only the questions the team did not answer alike.
ONLY_DISAGREEMENTS = "disagreements"


@require_POST
@member_required
def finished(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    participant = team.participant_for(request.user, assessment)
    if participant is None:
        return redirect("assessment_review", assessment_id=assessment.pk)
    done = request.POST.get("finished") == "yes"
    try:
        services.set_finished(participant=participant, finished=done)
    except services.NotEditable:
        messages.error(request, _("This assessment is submitted: answers can no longer change."))
        return redirect("assessment_overview", assessment_id=assessment.pk)
    if done:
        messages.success(
            request,
            _(
                "Thank you: your answers are marked as finished. You can still change them "
                "until the team agrees its answers."
            ),
        )
    else:
        messages.success(request, _("Your answers are open again."))
    return redirect("assessment_overview", assessment_id=assessment.pk)


@require_POST
@member_required
def team_settings(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    if not assessment.is_team or not team.manages_team(request.user, assessment):
        raise PermissionDenied(_("Only the owner of this team assessment can change this."))
    try:
        services.update_team_settings(
            assessment=assessment,
            user=request.user,
            show_names=request.POST.get("show_names") == "on",
            participants_see_calibration=request.POST.get("participants_see_calibration") == "on",
            open_calibration=request.POST.get("open_calibration") == "yes",
        )
    except services.NotEditable:
        messages.error(
            request, _("This assessment is submitted: its settings can no longer change.")
        )
        return redirect("assessment_overview", assessment_id=assessment.pk)
    if request.POST.get("open_calibration") == "yes":
        return redirect("assessment_calibration", assessment_id=assessment.pk)
    messages.success(request, _("Saved."))
    return redirect("assessment_overview", assessment_id=assessment.pk)


@GET_AND_POST
@member_required
def calibration_page(request, assessment_id: int):
    assessment, members = team.get_calibration_for_user(request.user, assessment_id)
    manages = team.manages_team(request.user, assessment)
    if request.method == "POST" and not manages:
        raise PermissionDenied(_("Only the owner of this team assessment can agree the answers."))
    only_disagreements = request.GET.get("show") == ONLY_DISAGREEMENTS
    calibration = team.calibration_for(assessment, members=members)
    form = calibration_form(
        calibration.questions, request.POST if request.method == "POST" else None
    )
    status = 200
    if request.method == "POST":
        if form.errors:
            status = 400
        else:
            try:
                changed = services.agree_answers(
                    assessment=assessment, user=request.user, decisions=form.decisions
                )
            except services.NotEditable:
                messages.error(
                    request, _("This assessment is submitted: its answers can no longer change.")
                )
                return redirect("assessment_results", assessment_id=assessment.pk)
            messages.success(
                request,
                ngettext(
                    "Agreed answers saved: %(count)d answer of record changed.",
                    "Agreed answers saved: %(count)d answers of record changed.",
                    changed,
                )
                % {"count": changed},
            )
            suffix = f"?show={ONLY_DISAGREEMENTS}" if only_disagreements else ""
            return redirect(request.path + suffix)
    shown, hidden = [], []
    for row in form.rows:
        agreed_by_all = row.spread.distribution.unanimous
        (hidden if only_disagreements and agreed_by_all else shown).append(row)
    return render(
        request,
        "assessment/calibration.html",
        {
            "assessment": assessment,
            "calibration": calibration,
            "form": form,
            "rows": shown,
            "hidden_rows": hidden,
            "manages": manages and assessment.is_editable,
            "only_disagreements": only_disagreements,
            "filter_value": ONLY_DISAGREEMENTS,
            "disagreement_count": len(calibration.disagreements),
            "records_missing": sum(1 for row in form.rows if row.spread.record is None),
        },
        status=status,
    )
