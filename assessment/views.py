import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessment import (
    emails,
    exports,
    forms,
    markup,
    questionnaire,
    results,
    selectors,
    services,
    tasks,
)
from assessment.models import COMMENT_MAX_LENGTH, LEVEL_CHOICES, Membership, StoredReport
from assessment.reports.context import report_filename
from assessment.throttle import throttle_posts

logger = logging.getLogger(__name__)
AUTH_BACKEND = "assessment.backends.MembershipBackend"
GET_AND_POST = require_http_methods(["GET", "HEAD", "POST"])
REPORT_REFRESH_SECONDS = 3


def posted(request):
    """The POST data to bind a form to; an empty POST still gets its "required" errors."""
    return request.POST if request.method == "POST" else None


def member_required(view):
    """Log in, and belong to an organisation: consultants and admins are sent to the admin."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if selectors.get_membership(request.user) is None:
            if request.user.is_staff:
                return redirect("admin:index")
            raise Http404("You are not a member of an organisation.")
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
def home(request):
    check = forms.AudienceCheckForm(request.GET or None)
    advice = check.advice() if check.is_valid() else None
    bank = selectors.current_bank_summary()
    return render(
        request,
        "assessment/home.html",
        {
            "check": check,
            "advice": advice,
            "bank": bank,
            "sample_radar": results.example_radar(bank.sections if bank else []),
        },
    )


@GET_AND_POST
@throttle_posts("signup")
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = forms.SignupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = services.sign_up(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation_name=data["organisation_name"],
            sector=data["sector"],
            size=data["size"],
        )
        send_signup_email(request, outcome)
        request.session["signup_email"] = data["email"]
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


def send_signup_email(request, outcome: services.SignupOutcome) -> None:
    user = outcome.user
    if outcome.kind == "existing":
        emails.send(
            "signup-existing",
            to=user.email,
            context={
                "login_url": request.build_absolute_uri(reverse("login")),
                "reset_url": request.build_absolute_uri(reverse("password_reset")),
            },
        )
        return
    link = reverse(
        "signup_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            services.signup_tokens.make_token(user),
        ],
    )
    emails.send(
        "signup-confirm",
        to=user.email,
        context={
            "first_name": user.first_name,
            "organisation_name": user.membership.organisation.name,
            "link": request.build_absolute_uri(link),
        },
    )


@require_safe
def signup_sent(request):
    return render(
        request, "registration/signup_sent.html", {"email": request.session.get("signup_email")}
    )


@GET_AND_POST
@throttle_posts("signup-confirm")
def signup_confirm(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not services.signup_tokens.check_token(user, token):
        return render(request, "registration/signup_confirm_invalid.html", status=404)
    form = forms.ConfirmSignupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_sign_up(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(
                request,
                _("Welcome! %(organisation)s is set up.")
                % {"organisation": user.membership.organisation.name},
            )
            return redirect("dashboard")
    return render(
        request,
        "registration/signup_confirm.html",
        {"confirming": user, "form": form},
        status=400 if form.errors else 200,
    )


def render_dashboard(request, organisation, form, *, status: int = 200):
    return render(
        request,
        "assessment/dashboard.html",
        {
            "organisation": organisation,
            "assessments": selectors.dashboard_assessments(organisation),
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
        request, organisation, forms.NewAssessmentForm(organisation=organisation)
    )


@require_POST
@member_required
def assessment_start(request):
    organisation = selectors.get_organisation_for_user(request.user)
    bank = selectors.current_bank()
    form = forms.NewAssessmentForm(request.POST, organisation=organisation)
    if bank is None:
        messages.error(request, "No questionnaire is published yet. Please try again later.")
        return redirect("dashboard")
    if not form.is_valid():
        return render_dashboard(request, organisation, form, status=400)
    outcome = services.start_assessment(
        organisation=organisation,
        user=request.user,
        bank=bank,
        title=form.cleaned_data["title"],
        prefill_from=form.cleaned_data["prefill_from"],
    )
    if form.cleaned_data["prefill_from"]:
        messages.success(request, f"{outcome.copied} answers were copied; check them as you go.")
        if outcome.not_copied:
            request.session["not_copied"] = outcome.not_copied
    return redirect("assessment_overview", assessment_id=outcome.assessment.pk)


def render_members(request, organisation, form, *, status: int = 200):
    return render(
        request,
        "assessment/members.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by("joined_at"),
            "invitations": selectors.open_invitations(organisation),
            "form": form,
        },
        status=status,
    )


@require_safe
@member_required
def members(request):
    organisation = selectors.get_organisation_for_user(request.user)
    return render_members(request, organisation, forms.InvitationForm(organisation=organisation))


@require_POST
@member_required
@throttle_posts("invite")
def invite(request):
    organisation = selectors.get_organisation_for_user(request.user)
    form = forms.InvitationForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return render_members(request, organisation, form, status=400)
    invitation, token = services.invite_member(
        organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
    )
    emails.send(
        "invitation",
        to=invitation.email,
        context={
            "inviter": request.user.get_full_name() or request.user.email,
            "organisation_name": organisation.name,
            "link": request.build_absolute_uri(reverse("accept_invitation", args=[token])),
        },
    )
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("members")


@GET_AND_POST
@throttle_posts("invitation")
def accept_invitation(request, token: str):
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    email_taken = selectors.user_exists(invitation.email)
    if user is not None or email_taken:
        # An existing account joins by logging in as itself; it may not join a second
        # organisation.
        is_staff = user is not None and user.is_staff
        can_join = (
            user is not None
            and not is_staff
            and user.email.lower() == invitation.email
            and selectors.get_membership(user) is None
        )
        if request.method == "POST" and can_join:
            services.accept_invitation(invitation=invitation, existing_user=user)
            messages.success(
                request,
                _("You have joined %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("dashboard")
        return render(
            request,
            "registration/accept_invitation.html",
            {
                "invitation": invitation,
                "can_join": can_join,
                "is_staff": is_staff,
                "existing_account": True,
            },
            status=403 if request.method == "POST" else 200,
        )
    form = forms.AcceptInvitationForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, f"Welcome to {invitation.organisation.name}!")
            return redirect("dashboard")
    return render(
        request,
        "registration/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing_account": False},
    )


@require_safe
@member_required
def assessment_overview(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = selectors.bank_structure(assessment.bank)
    answers = selectors.answers_by_question(assessment)
    progress = selectors.section_progress(structure, answers)
    return render(
        request,
        "assessment/overview.html",
        {
            "assessment": assessment,
            "structure": structure,
            "sections": [
                (section, progress[section.pk], len(section_questions(section)))
                for section in structure.sections
            ],
            "answered": len(answers),
            "total": len(structure.questions),
            "not_copied": request.session.pop("not_copied", None),
        },
    )


section_questions = questionnaire.section_questions


@GET_AND_POST
@questionnaire.keep_posted_answers_on_login
@member_required
def section(request, assessment_id: int, section_slug: str):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = selectors.bank_structure(assessment.bank)
    current = structure.section(section_slug)
    if current is None:
        raise Http404("No such section.")
    answers = selectors.answers_for_questionnaire(assessment)
    questions = section_questions(current)

    pending = questionnaire.take_pending_post(request)
    data = request.POST if request.method == "POST" else pending
    page = forms.SectionAnswers(questions, answers, data)
    status, conflict_heading, no_longer_editable = 200, "", False
    if data is not None:
        background = questionnaire.wants_json(request)
        try:
            outcome = questionnaire.save_page(assessment, request.user, page, partial=background)
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
                return redirect(
                    questionnaire.next_page_after_save(request, assessment, structure, current)
                )
            else:
                page.show_conflicts(outcome.conflicts, viewer=request.user)
                conflict_heading = questionnaire.conflict_heading(outcome.conflicts, request.user)
                status = 409
        answers = selectors.answers_for_questionnaire(assessment)

    editable = assessment.is_editable
    previous, following = structure.neighbours(current)
    progress = selectors.section_progress(structure, answers)
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
            "nav": [(s, progress[s.pk], len(section_questions(s))) for s in structure.sections],
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
            "questions_html": (
                markup.grid_markup if current.layout == "grid" else markup.questions_markup
            )(page.rows, editable=editable),
        },
        status=status,
    )


@require_safe
@member_required
def review(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    structure = selectors.bank_structure(assessment.bank)
    answers = selectors.answers_by_question(assessment)
    return render(
        request,
        "assessment/review.html",
        {
            "assessment": assessment,
            "rows": selectors.review_rows(structure, answers),
            "unanswered": [q for q in structure.questions if q.pk not in answers],
            "answered": len(answers),
            "total": len(structure.questions),
        },
    )


@require_POST
@member_required
def submit(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id)
    try:
        services.submit_assessment(assessment=assessment, user=request.user)
    except services.IncompleteAssessment as error:
        messages.error(
            request,
            f"{len(error.unanswered)} question(s) still need an answer (an option, “Not "
            "applicable” or “Don't know”) before you can submit. They are listed below.",
        )
        return redirect("assessment_review", assessment_id=assessment.pk)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("assessment_overview", assessment_id=assessment.pk)
    messages.success(request, "Submitted. Here are your results.")
    return redirect("assessment_results", assessment_id=assessment.pk)


@require_safe
@login_required
def results_page(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    return render(
        request, "assessment/results.html", results.results_context(assessment, viewer=request.user)
    )


@require_safe
@login_required
def results_json(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    return JsonResponse(results.results_document(assessment))


@require_safe
@login_required
def report_pdf(request, assessment_id: int):
    assessment = selectors.get_assessment_for_user(request.user, assessment_id, consultants=True)
    report = tasks.request_report(assessment)
    if report.state == StoredReport.State.READY:
        response = FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report_filename(assessment),
            content_type="application/pdf",
        )
        return response
    if report.state == StoredReport.State.RENDERING:
        response = render(
            request,
            "assessment/report_preparing.html",
            {"assessment": assessment, "refresh_seconds": REPORT_REFRESH_SECONDS},
            status=202,
        )
        response["Refresh"] = str(REPORT_REFRESH_SECONDS)
        return response
    response = render(
        request,
        "_error.html",
        {
            "code": 503,
            "heading": _("The report is not ready"),
            "explanation": _(
                "Preparing this report took too long. Please try again in a minute; your "
                "results page shows the same figures meanwhile."
            ),
        },
        status=503,
    )
    response["Retry-After"] = str(settings.REPORT_RETRY_SECONDS)
    return response


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)


@require_safe
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check failed: database unavailable")
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def owner_required(view):
    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if request.user.membership.role != Membership.Role.OWNER:
            raise PermissionDenied("Only the organisation's owner can do this.")
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@owner_required
def organisation_export(request):
    organisation = selectors.get_organisation_for_user(request.user)
    response = JsonResponse(
        exports.organisation_document(organisation), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="organisation-{organisation.pk}-export.json"'
    )
    logger.info(
        "organisation data exported",
        extra={"organisation": organisation.pk, "user": request.user.pk},
    )
    return response


@GET_AND_POST
@owner_required
def organisation_delete(request):
    organisation = selectors.get_organisation_for_user(request.user)
    form = forms.DeleteOrganisationForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.delete_organisation(organisation=organisation, requested_by=request.user)
        logout(request)
        messages.success(request, "Your organisation, its members and its assessments are deleted.")
        return redirect("home")
    return render(
        request,
        "assessment/organisation_delete.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )
