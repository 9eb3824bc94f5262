"""JSON documents: one assessment for a consultant's export (results.json plus who, what
and when), and everything stored about an organisation for its owner's privacy request."""

from assessment.exports import iso_timestamp
from assessment.models import Assessment, ConsultantNote, Organisation
from assessment.results import results_for


def assessment_document(assessment: Assessment) -> dict:
    """results.json's content plus who, what and when: organisation, title, review history."""
    document = results_for(assessment).document()
    organisation = assessment.organisation
    events = assessment.review_events.select_related("actor").order_by("created_at", "id")
    shared_notes = (
        ConsultantNote.objects.filter(assessment=assessment, shared=True)
        .select_related("answer__question")
        .order_by("created_at", "id")
    )
    document.update(
        {
            "title": assessment.title,
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "sector": organisation.sector,
                "size": organisation.size,
            },
            "created_at": iso_timestamp(assessment.created_at) or None,
            "submitted_at": iso_timestamp(assessment.submitted_at) or None,
            "reviewed_at": iso_timestamp(assessment.reviewed_at) or None,
            "review_summary": assessment.review_summary,
            "change_request_message": assessment.change_request_message,
            "review_history": [
                {
                    "at": iso_timestamp(event.created_at),
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "by": event.actor.email if event.actor else None,
                    "message": event.message,
                }
                for event in events
            ],
            "shared_notes": [
                {
                    "at": iso_timestamp(note.created_at),
                    "question": note.answer.question.slug if note.answer else None,
                    "text": note.text,
                }
                for note in shared_notes
            ],
        }
    )
    return document


def organisation_document(organisation: Organisation) -> dict:
    """Everything stored about an organisation, for a privacy (subject access) request."""
    assessments = []
    for assessment in Assessment.objects.filter(organisation=organisation).select_related(
        "bank", "created_by"
    ):
        shown = results_for(assessment)
        structure, answers = shown.structure, shown.answers
        assessments.append(
            {
                "id": assessment.pk,
                "title": assessment.title,
                "status": assessment.status,
                "created_at": assessment.created_at.isoformat(),
                "submitted_at": assessment.submitted_at.isoformat()
                if assessment.submitted_at
                else None,
                "created_by": assessment.created_by.email if assessment.created_by else None,
                "results": shown.document(),
                "answers": [
                    {
                        "question": structure.questions_by_id[answer.question_id].slug,
                        "question_text": structure.questions_by_id[answer.question_id].text,
                        "status": answer.status,
                        "level": answer.choice.level if answer.choice else None,
                        "statement": answer.choice.statement if answer.choice else None,
                        "comment": answer.comment,
                        "answered_by": answer.answered_by.email if answer.answered_by else None,
                        "updated_at": answer.updated_at.isoformat(),
                    }
                    for answer in answers.values()
                ],
            }
        )
    return {
        "organisation": {
            "name": organisation.name,
            "sector": organisation.sector,
            "size": organisation.size,
            "created_at": organisation.created_at.isoformat(),
        },
        "members": [
            {
                "name": membership.user.get_full_name(),
                "email": membership.user.email,
                "role": membership.role,
                "joined_at": membership.joined_at.isoformat(),
            }
            for membership in organisation.memberships.select_related("user")
        ],
        "invitations": [
            {
                "email": invitation.email,
                "created_at": invitation.created_at.isoformat(),
                "accepted_at": invitation.accepted_at.isoformat()
                if invitation.accepted_at
                else None,
            }
            for invitation in organisation.invitations.all()
        ],
        "assessments": assessments,
    }
