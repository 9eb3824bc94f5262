"""Print the stored responses of surveys as JSON: {survey id: {interview uuid: answers}}."""

import json

from django.core.management.base import BaseCommand
from django.db.models import Count
from survey.models import Response


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("survey_ids", nargs="+", type=int)

    def handle(self, *args, survey_ids, **options):
        stored = {str(pk): {} for pk in survey_ids}
        rows = (
            Response.objects.filter(survey_id__in=survey_ids)
            .annotate(answers_stored=Count("answers"))
            .values_list("survey_id", "interview_uuid", "answers_stored")
        )
        for survey_id, interview_uuid, answers in rows:
            stored[str(survey_id)][interview_uuid] = answers
        self.stdout.write(json.dumps(stored))
