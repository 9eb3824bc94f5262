"""A person's email settings (logged in), and the unsubscribe link of every notification
email (no login: the link's signed token names the person and the kind)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from assessment import notifications
from assessment.forms.notifications import NotificationSettingsForm
from assessment.models import NotificationKind, NotificationOptOut
from assessment.services import notifications as notification_services
from assessment.views.access import GET_AND_POST, posted


@GET_AND_POST
@login_required
def notification_settings(request):
    kinds = notifications.kinds_for(request.user)
    off = set(NotificationOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    form = NotificationSettingsForm(
        posted(request), kinds=kinds, enabled={kind for kind in kinds if kind not in off}
    )
    if request.method == "POST" and form.is_valid():
        notification_services.set_notification_kinds(user=request.user, enabled=form.enabled())
        messages.success(request, _("Your email settings are saved."))
        return redirect("notification_settings")
    return render(request, "assessment/notification_settings.html", {"form": form})


# A mail program's one-click unsubscribe (RFC 8058) posts with no CSRF token; the signed
# token in the address is what proves the request, and all it can do is switch one kind
# of email off for the one person it was sent to.
@csrf_exempt
@GET_AND_POST
def unsubscribe(request, kind: str, token: str):
    """GET asks (a mail scanner that follows links switches nothing off); POST switches off."""
    user_id = (
        notifications.read_unsubscribe_token(token, kind)
        if kind in NotificationKind.values
        else None
    )
    if user_id is None:
        return render(request, "registration/unsubscribe_invalid.html", status=404)
    label = NotificationKind(kind).label
    if request.method == "POST":
        notification_services.switch_off(user_id=user_id, kind=kind)
        return render(request, "registration/unsubscribe.html", {"label": label, "done": True})
    return render(request, "registration/unsubscribe.html", {"label": label, "done": False})
