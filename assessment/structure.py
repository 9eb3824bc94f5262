"""A question bank's structure (sections, components, questions, choices, guidance), read
in one go and kept per process for published versions, which never change."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch

from assessment.domain import roadmap, scoring
from assessment.domain.targets import TargetSubject
from assessment.models import Component, ComponentGuidance, Question, QuestionBank, Section


@dataclass
class BankStructure:
    """A bank's sections, components, questions, choices and guidance, fetched once."""

    bank: QuestionBank
    sections: list[Section]

    @cached_property
    def components(self) -> list[Component]:
        return [component for section in self.sections for component in section.components_list]

    @cached_property
    def questions(self) -> list[Question]:
        return [question for component in self.components for question in component.questions_list]

    @cached_property
    def questions_by_id(self) -> dict[int, Question]:
        return {question.pk: question for question in self.questions}

    @cached_property
    def section_of_question(self) -> dict[int, int]:
        """Section id by question id: every section page counts its menu's answers."""
        return {
            question.pk: section.pk
            for section in self.sections
            for component in section.components_list
            for question in component.questions_list
        }

    @cached_property
    def question_counts(self) -> dict[int, int]:
        """Questions per section id."""
        return {
            section.pk: sum(len(c.questions_list) for c in section.components_list)
            for section in self.sections
        }

    @cached_property
    def questions_by_slug(self) -> dict[str, Question]:
        return {question.slug: question for question in self.questions}

    def section(self, slug: str) -> Section | None:
        return next((section for section in self.sections if section.slug == slug), None)

    def neighbours(self, section: Section) -> tuple[Section | None, Section | None]:
        index = self.sections.index(section)
        previous = self.sections[index - 1] if index > 0 else None
        following = self.sections[index + 1] if index + 1 < len(self.sections) else None
        return previous, following

    @cached_property
    def spec(self) -> scoring.BankSpec:
        return scoring.BankSpec(
            version=self.bank.version,
            scoring_rule=self.bank.scoring_rule,
            sections=tuple(
                scoring.SectionSpec(
                    slug=section.slug,
                    title=section.title,
                    optional=section.optional,
                    components=tuple(
                        scoring.ComponentSpec(
                            slug=component.slug,
                            title=component.title,
                            foundation=component.foundation,
                            questions=tuple(q.slug for q in component.questions_list),
                        )
                        for component in section.components_list
                    ),
                )
                for section in self.sections
            ),
        )

    @cached_property
    def workstream_of(self) -> dict[str, tuple[str, str]]:
        """(slug, title) of each component's workstream: as the bank groups them, or else
        the component's section."""
        grouped = {
            component: (workstream["slug"], workstream["title"])
            for workstream in self.bank.workstreams
            for component in workstream["components"]
        }
        return {
            component.slug: grouped.get(component.slug, (f"section-{section.slug}", section.title))
            for section in self.sections
            for component in section.components_list
        }

    @cached_property
    def component_meta(self) -> dict[str, roadmap.ComponentMeta]:
        return {
            component.slug: roadmap.ComponentMeta(
                slug=component.slug,
                section_slug=section.slug,
                title=component.title,
                foundation=component.foundation,
                roadmap_stage=component.roadmap_stage,
                guidance={
                    guidance.level: roadmap.ComponentGuidance(
                        looks_like=guidance.looks_like, next_step=guidance.next_step
                    )
                    for guidance in component.guidance_list
                },
                workstream=self.workstream_of[component.slug][0],
                workstream_title=self.workstream_of[component.slug][1],
                questions=tuple(
                    roadmap.QuestionSteps(
                        question.slug,
                        {int(level): text for level, text in question.next_steps.items()},
                    )
                    for question in component.questions_list
                ),
            )
            for section in self.sections
            for component in section.components_list
        }

    @cached_property
    def target_subjects(self) -> list[TargetSubject]:
        return [TargetSubject(c.slug, c.foundation, c.roadmap_stage) for c in self.components]

    @cached_property
    def question_texts(self) -> dict[str, str]:
        return {question.slug: question.text for question in self.questions}


# Published banks never change, so their structure is kept per process. The key includes
# the content hash because an unused published version may still be reloaded.
_structure_cache: dict[tuple[int, str], BankStructure] = {}


def bank_structure(bank: QuestionBank) -> BankStructure:
    key = (bank.pk, bank.source_hash)
    cacheable = bank.status != QuestionBank.Status.DRAFT and bank.source_hash
    if cacheable and key in _structure_cache:
        return _structure_cache[key]
    sections = list(
        Section.objects.filter(bank=bank)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "components",
                queryset=Component.objects.order_by("order", "id").prefetch_related(
                    Prefetch(
                        "guidance",
                        queryset=ComponentGuidance.objects.order_by("level"),
                        to_attr="guidance_list",
                    ),
                    Prefetch(
                        "questions",
                        queryset=Question.objects.order_by("order", "id").prefetch_related(
                            Prefetch("choices", to_attr="choices_list")
                        ),
                        to_attr="questions_list",
                    ),
                ),
                to_attr="components_list",
            )
        )
    )
    structure = BankStructure(bank=bank, sections=sections)
    if cacheable:
        _structure_cache[key] = structure
    return structure
