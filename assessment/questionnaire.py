"""What keeps the section page from losing answers, outside the views module.

- A post that arrives after the member's login expired is kept (one, of the page's own
  fields, no bigger than they can be) and saved once the same member logs in again.
- A background save from the page's script is answered in JSON, with the revisions the page
  must send next time, so that its next save is not mistaken for a stale page.
- Every way off the page is a button of its form ("goto"): here is where each one leads.
"""

import dataclasses
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment import selectors, services
from assessment.forms.questionnaire import field_names
from assessment.models import COMMENT_MAX_LENGTH, Assessment
from assessment.structure import bank_structure

PENDING_POST_KEY = "pending-post"
ANSWERING_AS = "answering_as"
ANSWERING_AS_SALT = "assessment.questionnaire.answering-as"
# Long enough for a page left open over a long weekend.
ANSWERING_AS_MAX_AGE = timedelta(days=14)
# A question's fields at their largest: a full comment, a choice id and a revision. A kept
# post may use the whole page's room for one comment, so that a comment pasted over its
# limit is kept and then refused with its length, rather than lost at the login page.
QUESTION_ROOM = COMMENT_MAX_LENGTH + 64
VALUE_OVERHEAD = 8  # what an empty value still costs in the stored session

# The section page's button that saves it, then confirms its carried-over answers.
CONFIRM_CARRIED_OVER = "confirm-carried-over"

# The top navigation and breadcrumb of a section page: "goto" value → URL name.
LEAVE_TO = {
    "home": "home",
    "dashboard": "dashboard",
    "members": "members",
    "actions": "action_plan",
    "account": "password_change",
    "admin": "admin:index",
}


def section_questions(section) -> list:
    return [q for component in section.components_list for q in component.questions_list]


def answering_as_token(user, assessment: Assessment) -> str:
    """Signed proof, sent with the section form, that it was shown to this member logged in."""
    return signing.dumps([user.pk, assessment.pk], salt=ANSWERING_AS_SALT)


def _answering_as(token: str, assessment_id: int) -> int | None:
    try:
        user_id, signed_for = signing.loads(
            token, salt=ANSWERING_AS_SALT, max_age=ANSWERING_AS_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    return user_id if signed_for == assessment_id else None


def wants_json(request) -> bool:
    """The page's script asks for JSON; a browser submitting the form never does."""
    return "application/json" in request.headers.get("Accept", "")


def keep_posted_answers_on_login(view):
    """A POST from a member whose login expired is kept and saved after logging in again.

    Without this, answers typed on a page left open past the session lifetime would be
    lost at the login redirect. Only a visitor who had been logged in can have been given
    the form's ANSWERING_AS field; anyone else just gets the login page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or request.method != "POST":
            return view(request, *args, **kwargs)
        kept = keep_pending_post(request, kwargs["assessment_id"], kwargs["section_slug"])
        if wants_json(request):
            message = _(
                "Not saved: you have been logged out. Press “Save” to log in again; "
                "what you typed is kept."
            )
            return JsonResponse({"status": "login", "message": message}, status=401)
        if kept:
            messages.info(
                request,
                _(
                    "Your session had expired. Log in again: the answers you sent are kept "
                    "and will be saved."
                ),
            )
        return redirect_to_login(request.path)

    return wrapper


def keep_pending_post(request, assessment_id: int, section_slug: str) -> bool:
    """Keep this post in the session in place of any earlier one, if it may be kept."""
    user_id = _answering_as(request.POST.get(ANSWERING_AS, ""), assessment_id)
    if user_id is None:
        return False
    request.session.pop(PENDING_POST_KEY, None)
    assessment = Assessment.objects.select_related("bank").filter(pk=assessment_id).first()
    section = assessment and bank_structure(assessment.bank).section(section_slug)
    if not section:
        return False
    questions = section_questions(section)
    names = [
        name for question in questions for name in dataclasses.astuple(field_names(question.pk))
    ]
    data = {name: request.POST.getlist(name) for name in names if name in request.POST}
    size = sum(len(value) + VALUE_OVERHEAD for values in data.values() for value in values)
    if size > len(questions) * QUESTION_ROOM:
        return False
    request.session[PENDING_POST_KEY] = {"path": request.path, "user": user_id, "data": data}
    return True


def take_pending_post(request):
    """The answers kept for this page at the login redirect, if this member sent them."""
    pending = request.session.get(PENDING_POST_KEY) if request.method == "GET" else None
    if not isinstance(pending, dict) or pending.get("path") != request.path:
        return None
    del request.session[PENDING_POST_KEY]
    if pending.get("user") != request.user.pk:
        return None  # someone else logged in on this browser: not theirs to save
    return selectors.querydict(pending["data"])


def save_page(assessment: Assessment, user, page, *, partial: bool, participant=None):
    """Save a posted page: None when it has errors and must be saved whole (or not at all).

    A background save (partial) stores the answers that are valid and reports the others,
    so that a comment typed before its answer is chosen does not hold the page back.
    """
    if not assessment.is_editable:
        raise services.NotEditable(assessment.status)
    if not page.is_valid() and not partial:
        return None
    return services.save_answers(
        assessment=assessment, user=user, submissions=page.submissions, participant=participant
    )


def confirm_section(request, assessment: Assessment, section) -> str:
    """After its page is saved, confirm the section's answers still carried over (the
    button that asks for it is one of the page's ways of saving); the page to show next."""
    try:
        confirmed = services.confirm_carried_over(
            assessment=assessment, section_slug=section.slug, user=request.user
        )
    except services.NotEditable:
        messages.error(request, _("This assessment can no longer be changed."))
    else:
        if confirmed:
            message = ngettext(
                "Saved, and %(count)d carried-over answer confirmed.",
                "Saved, and %(count)d carried-over answers confirmed.",
                confirmed,
            ) % {"count": confirmed}
        else:
            message = _("Saved. No carried-over answers were left to confirm in this section.")
        messages.success(request, message)
    return reverse("assessment_section", args=[assessment.pk, section.slug])


def next_page_after_save(request, assessment: Assessment, structure, current) -> str:
    """Where the button, section link or navigation link the respondent pressed leads."""
    goto = request.POST.get("goto", "")
    previous, following = structure.neighbours(current)
    if goto == "next" and following is not None:
        target = following
    elif goto == "previous" and previous is not None:
        target = previous
    elif goto == "next":
        return reverse("assessment_review", args=[assessment.pk])
    elif goto.startswith("section:") and structure.section(goto.removeprefix("section:")):
        target = structure.section(goto.removeprefix("section:"))
    elif goto == "exit":
        messages.success(request, _("Your answers are saved. Come back any time."))
        return reverse("dashboard")
    elif goto == "overview":
        return reverse("assessment_overview", args=[assessment.pk])
    elif goto in LEAVE_TO:
        return reverse(LEAVE_TO[goto])
    elif goto == "logout":
        logout(request)
        messages.success(request, _("Your answers are saved, and you are logged out."))
        return reverse(settings.LOGOUT_REDIRECT_URL)
    else:
        messages.success(request, _("Saved."))
        target = current
    return reverse("assessment_section", args=[assessment.pk, target.slug])


def conflict_heading(conflicts, viewer) -> str:
    """Who changed the answers this page was about to overwrite: colleagues, or the viewer
    in another tab or on another device."""
    count = len(conflicts)
    names, by_viewer = [], False
    for conflict in conflicts:
        who = conflict.current.answered_by
        if who is not None and who.pk == viewer.pk:
            by_viewer = True
            continue
        name = (who.get_full_name() or who.email) if who is not None else _("A colleague")
        if name not in names:
            names.append(name)
    values = {"count": count, "names": get_text_list(names, _("and"))}
    if not names:
        return (
            ngettext(
                "You changed one of these answers in another tab or device",
                "You changed %(count)s of these answers in another tab or device",
                count,
            )
            % values
        )
    if by_viewer:
        return (
            ngettext(
                "%(names)s and you (in another tab or device) changed one of these answers "
                "while you were editing",
                "%(names)s and you (in another tab or device) changed %(count)s of these answers "
                "while you were editing",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(names)s changed one of these answers while you were editing",
            "%(names)s changed %(count)s of these answers while you were editing",
            count,
        )
        % values
    )


def background_save_reply(page, outcome, viewer) -> JsonResponse:
    if outcome.conflicts:
        heading = conflict_heading(outcome.conflicts, viewer)
        message = _("Not saved: %(heading)s. Press “Save” to see both versions.") % {
            "heading": heading
        }
        return JsonResponse({"status": "conflict", "message": message}, status=409)
    time = time_format(timezone.localtime(), "H:i")
    errors = {row.field_name: row.error for row in page.errors}
    if errors:
        message = ngettext(
            "Saved at %(time)s, except %(count)s answer that needs attention: press “Save” "
            "to see it.",
            "Saved at %(time)s, except %(count)s answers that need attention: press “Save” "
            "to see them.",
            len(errors),
        ) % {"time": time, "count": len(errors)}
    else:
        message = _("Saved at %(time)s") % {"time": time}
    return JsonResponse(
        {
            "status": "partly_saved" if errors else "saved",
            "message": message,
            "revisions": {
                field_names(pk).revision: revision for pk, revision in outcome.revisions.items()
            },
            "errors": errors,
        }
    )


def not_editable_reply(assessment: Assessment) -> JsonResponse:
    message = _(
        "Not saved: this assessment is now %(status)s, so its answers can no longer be changed."
    ) % {"status": assessment.get_status_display().lower()}
    return JsonResponse({"status": "not_editable", "message": message}, status=409)
