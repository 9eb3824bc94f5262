"""Cohorts: a consultant invites an organisation into one, by its owner's email address.

The organisation is created at once (so the cohort's dashboard lists it as invited); its
owner's account is created when they accept the invitation (services.accounts), as with
any invitation, but as the organisation's owner.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import roles
from assessment.models import Cohort, CohortOrganisation, Invitation, Membership, Organisation
from assessment.services.accounts import invite_member, normalise_email


def may_invite(cohort: Cohort, user) -> bool:
    """The cohort's consultants invite into it; a lead (or a superuser) into any cohort."""
    return roles.is_lead(user) or cohort.consultants.filter(pk=user.pk).exists()


def _check_address(email: str) -> None:
    account = get_user_model().objects.filter(username=normalise_email(email)).first()
    if account is not None and (
        account.is_staff or Membership.objects.filter(user=account).exists()
    ):
        raise ValidationError(
            _(
                "%(email)s already has an account that cannot own another organisation (it "
                "belongs to one, or is a consultant's). Invite another address."
            )
            % {"email": normalise_email(email)},
            code="address_taken",
        )


@transaction.atomic
def invite_organisation(
    *, cohort: Cohort, name: str, sector: str, size: str, email: str, invited_by
) -> tuple[Invitation, str]:
    """Create the organisation in the cohort and an owner's invitation for ``email``; the
    invitation and its one-time token (for the link) are returned."""
    if not may_invite(cohort, invited_by):
        raise PermissionDenied
    _check_address(email)
    organisation = Organisation.objects.create(name=name.strip(), sector=sector, size=size)
    invitation, token = invite_member(
        organisation=organisation, email=email, invited_by=invited_by, role=Membership.Role.OWNER
    )
    CohortOrganisation.objects.create(
        cohort=cohort, organisation=organisation, invitation=invitation
    )
    return invitation, token


@transaction.atomic
def invite_again(*, link: CohortOrganisation, invited_by) -> tuple[Invitation, str]:
    """A new owner's invitation, to the same address, for an organisation nobody has joined
    yet (the first one expired or went astray); the earlier link stops working."""
    link = (
        CohortOrganisation.objects.select_for_update(of=("self",))
        .select_related("invitation")
        .get(pk=link.pk)
    )
    if not may_invite(link.cohort, invited_by):
        raise PermissionDenied
    if link.invitation is None or link.organisation.memberships.exists():
        raise ValidationError(_("Someone has already joined this organisation."), code="joined")
    Invitation.objects.filter(
        organisation_id=link.organisation_id, accepted_at__isnull=True
    ).update(expires_at=timezone.now())
    invitation, token = invite_member(
        organisation=link.organisation,
        email=link.invitation.email,
        invited_by=invited_by,
        role=Membership.Role.OWNER,
    )
    link.invitation = invitation
    link.save(update_fields=["invitation"])
    return invitation, token
