"""Create the peer's radio surveys from our question bank; print them as JSON.

    manage.py seed_surveys --bank fixtures/question_bank_v1.yaml --survey 22x7 --survey 15x5

A survey QxO takes its Q question texts from the questionnaire section of our bank whose
size is nearest to Q (its first Q questions), with O options per question: the five level
statements, then "Not applicable" and "Don't know" while O allows. All questions required,
one page, anonymous, no categories. The JSON gives each survey's path, its form fields and
their values, and the queries of one GET of its page.
"""

import json
from datetime import timedelta

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify
from survey.models import Question, Survey

EXTRA_OPTIONS = ["Not applicable", "Don't know"]


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--survey", action="append", required=True, help="e.g. 22x7")

    def handle(self, *args, bank, survey, **options):
        with open(bank, encoding="utf-8") as handle:
            sections = [s for s in yaml.safe_load(handle)["sections"] if s.get("layout") != "grid"]
        seeded = [self.seed(sections, *map(int, spec.lower().split("x"))) for spec in survey]
        client = Client(SERVER_NAME="127.0.0.1")
        for entry in seeded:
            client.get(entry["path"])  # warm the template loaders
            with CaptureQueriesContext(connection) as queries:
                response = client.get(entry["path"])
            if response.status_code != 200:
                raise CommandError(f"{entry['path']} answered {response.status_code}")
            entry["queries"] = len(queries)
            entry["bytes"] = len(response.content)
        self.stdout.write(json.dumps(seeded))

    def seed(self, sections, questions: int, options: int) -> dict:
        def size(section):
            return sum(len(c["questions"]) for c in section["components"])

        section = min(sections, key=lambda s: (abs(size(s) - questions), -size(s)))
        texts = [q for c in section["components"] for q in c["questions"]][:questions]
        if len(texts) < questions or not 2 <= options <= 5 + len(EXTRA_OPTIONS):
            raise CommandError(f"cannot make {questions}x{options} from the bank")
        survey = Survey.objects.create(
            name=f"{section['title']} ({questions} x {options})",
            description=section.get("intro", ""),
            is_published=True,
            need_logged_user=False,
            display_method=Survey.ALL_IN_ONE_PAGE,
            expire_date=timezone.now().date() + timedelta(days=365),
        )
        fields = {}
        for order, question in enumerate(texts):
            labels = [c["statement"] for c in question["choices"]] + EXTRA_OPTIONS
            created = Question.objects.create(
                survey=survey,
                text=question["text"],
                order=order,
                required=True,
                type=Question.RADIO,
                choices="|".join(labels[:options]),
            )
            fields[f"question_{created.pk}"] = [
                slugify(label, allow_unicode=True) for label in labels[:options]
            ]
        return {
            "name": f"{questions}x{options}",
            "section": section["slug"],
            "survey_id": survey.pk,
            "path": f"/survey/{survey.pk}/",
            "questions": questions,
            "options": options,
            "fields": fields,
        }
