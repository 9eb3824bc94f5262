"""Signing up, confirming the address, and joining an organisation by invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessment import (
    emails,
    forms,
    selectors,
    services,
)
from assessment.throttle import throttle_posts
from assessment.views.access import AUTH_BACKEND, GET_AND_POST, posted


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
            messages.success(
                request,
                _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation.name},
            )
            return redirect("dashboard")
    return render(
        request,
        "registration/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing_account": False},
    )
