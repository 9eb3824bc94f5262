"""Who may see a page: the decorators every view uses, and the form-binding helper."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from assessment import (
    selectors,
)
from assessment.models import Membership

AUTH_BACKEND = "assessment.backends.MembershipBackend"


GET_AND_POST = require_http_methods(["GET", "HEAD", "POST"])


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


def owner_required(view):
    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if request.user.membership.role != Membership.Role.OWNER:
            raise PermissionDenied("Only the organisation's owner can do this.")
        return view(request, *args, **kwargs)

    return wrapper
