"""Accounts and organisations: sign-up and its confirmation, invitations, deleting an
organisation with everything in it."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.models import (
    Invitation,
    Membership,
    Organisation,
)
from assessment.services.team import claim_invited_participations

logger = logging.getLogger(__name__)


INVITATION_LIFETIME = timedelta(days=7)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class SignupConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links that confirm a sign-up; confirming (activating) voids the link."""

    key_salt = "assessment.services.SignupConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_tokens = SignupConfirmationTokenGenerator()


@dataclass(frozen=True)
class SignupOutcome:
    user: object
    # "created": a new organisation waits for its owner to confirm the email address;
    # "existing": the address already has an account, which is left as it is.
    kind: str


def is_pending_sign_up(user) -> bool:
    """Signed up, never confirmed: nothing in the account was chosen by the address's owner."""
    return not user.is_active and user.last_login is None


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    organisation_name: str,
    sector: str,
    size: str,
) -> SignupOutcome:
    """Create an organisation with its owner, inactive until the email address is confirmed.

    An address that already has an account gets no second one; the caller emails its owner
    instead, and shows every visitor the same page, so sign-up does not reveal who has an
    account. Both paths hash the password once, so they take the same time too.

    A pending (never confirmed) sign-up of the same address is discarded with everything it
    chose: whoever typed it may not be the address's owner, and must not keep a password
    that would work once the owner confirms.
    """
    email = normalise_email(email)
    existing = get_user_model().objects.select_for_update().filter(username=email).first()
    if existing is not None and not is_pending_sign_up(existing):
        make_password(password)
        return SignupOutcome(user=existing, kind="existing")
    if existing is not None:
        discard_pending_sign_up(existing)
    organisation = Organisation.objects.create(
        name=organisation_name.strip(), sector=sector, size=size
    )
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    return SignupOutcome(user=user, kind="created")


def discard_pending_sign_up(user) -> None:
    """Delete a never-confirmed account and the organisation it created (if nobody else is
    in it); its confirmation links stop working with it."""
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    user.delete()
    if membership is not None and not membership.organisation.memberships.exists():
        membership.organisation.delete()


def confirm_sign_up(*, user, password: str) -> None:
    """Activate a pending account. Confirming proves the address; the password proves that
    the person confirming is the one who chose this account's password."""
    if not user.check_password(password):
        raise ValidationError(
            _(
                "This is not the password given when this address was signed up. If you "
                "did not sign up with it, someone else may have used your address: sign up "
                "again and use the link in the newest email."
            ),
            code="wrong_password",
        )
    user.is_active = True
    user.save(update_fields=["is_active"])


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    invited_by,
    role: str = Membership.Role.MEMBER,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with the one-time token for the link; accepting
    it makes a member with ``role`` (a cohort's invitation brings the owner).

    Only the token's hash is stored, so a database leak does not leak working links.
    """
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=normalise_email(email),
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        role=role,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            token_hash=invitation_token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    existing_user=None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
):
    """Join the invitation's organisation, as a new account or an existing one without one."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has already been used or has expired."))
    if existing_user is not None:
        user = existing_user
        if user.is_staff:
            raise ValidationError(
                _("Consultant and administrator accounts cannot join an organisation."),
                code="staff",
            )
        if selectors.get_membership(user) is not None:
            raise ValidationError(_("Your account already belongs to an organisation."))
    else:
        user = get_user_model()(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
    Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    claim_invited_participations(invitation=invitation, user=user)
    return user


@transaction.atomic
def delete_organisation(*, organisation: Organisation, requested_by) -> None:
    """Delete an organisation with its members' accounts, assessments and answers."""
    member_ids = list(organisation.memberships.values_list("user_id", flat=True))
    assessment_count = organisation.assessments.count()
    organisation_id = organisation.pk
    organisation.delete()
    get_user_model().objects.filter(pk__in=member_ids, is_staff=False).delete()
    logger.warning(
        "organisation deleted on its owner's request",
        extra={
            "organisation": organisation_id,
            "members_deleted": len(member_ids),
            "assessments_deleted": assessment_count,
            "requested_by": requested_by.pk,
        },
    )
