"""One assessment's result, built once and read by every page, report and export that shows it."""

from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from assessment import charts, selectors
from assessment.charts.heat_table import heat_columns, section_groups
from assessment.domain import explain, roadmap, scoring
from assessment.domain.scoring import AssessmentResult, ComponentResult
from assessment.domain.targets import IN_PRODUCTION, Projection, project_targets, suggest_targets
from assessment.levels import LEVEL_LABELS
from assessment.models import (
    Answer,
    Assessment,
    ComponentGuidance,
    ComponentTarget,
    ConsultantNote,
)
from assessment.structure import BankStructure, bank_structure


@dataclass(frozen=True)
class ComponentRow:
    result: ComponentResult
    current: ComponentGuidance | None
    following: ComponentGuidance | None
    previous_level: int | None
    previous_label: str | None
    explanation: str = ""  # why the level is what it is (Results.explanations)
    target_level: int | None = None
    target_label: str | None = None

    @property
    def change(self) -> int | None:
        if self.result.level is None or self.previous_level is None:
            return None
        return self.result.level - self.previous_level


@dataclass(frozen=True)
class Comparison:
    assessment: Assessment
    result: AssessmentResult
    answers: dict[int, Answer]

    def section_level(self, slug: str) -> int | None:
        try:
            return self.result.section(slug).level
        except KeyError:
            return None

    def component_level(self, slug: str) -> int | None:
        try:
            return self.result.component(slug).level
        except KeyError:
            return None


def comparison_for(assessment: Assessment) -> Comparison | None:
    previous = selectors.previous_submitted_assessment(assessment)
    if previous is None:
        return None
    earlier = results_for(previous)
    return Comparison(assessment=previous, result=earlier.result, answers=earlier.answers)


def answer_values(
    structure: BankStructure, answers: dict[int, Answer]
) -> dict[str, scoring.AnswerValue]:
    values = {}
    for question_id, answer in answers.items():
        question = structure.questions_by_id[question_id]
        if answer.status == Answer.Status.ANSWERED:
            values[question.slug] = scoring.AnswerValue.answered(answer.choice.level)
        else:
            values[question.slug] = scoring.AnswerValue(answer.status)
    return values


def score(
    structure: BankStructure, answers: dict[int, Answer], skipped: frozenset[str] = frozenset()
) -> scoring.AssessmentResult:
    return scoring.score_assessment(
        structure.spec, answer_values(structure, answers), skipped_sections=skipped
    )


def skipped_sections(assessment: Assessment) -> frozenset[str]:
    """The optional sections the respondents said do not apply."""
    return frozenset(slug for slug, applies in assessment.section_applies.items() if not applies)


@dataclass(frozen=True)
class Results:
    """Everything shown about one assessment's result, built once per request and read by
    the results page, the PDF, the admin's score panel, results.json and the JSON export.
    Nothing else walks the bank tree to score it."""

    assessment: Assessment
    structure: BankStructure
    answers: dict[int, Answer]
    result: AssessmentResult

    @property
    def percent_answered(self) -> int:
        completeness = self.result.completeness
        return round(100 * completeness.answered / completeness.total) if completeness.total else 0

    @property
    def provisional(self) -> bool:
        return self.assessment.submitted_at is None

    def document(self) -> dict:
        """The results.json document, in the shape DESIGN.md fixes."""
        document = {
            "assessment": self.assessment.pk,
            "bank_version": self.assessment.bank.version,
            "status": self.assessment.status,
            **self.result.as_dict(),
        }
        for section in document["sections"]:
            for component in section["components"]:
                component["target"] = self.targets.get(component["slug"])
        return document

    @cached_property
    def targets(self) -> dict[str, int]:
        """The level aimed at per component slug (components without one are left out)."""
        return dict(
            ComponentTarget.objects.filter(assessment=self.assessment).values_list(
                "component_slug", "level"
            )
        )

    @property
    def targets_suggested(self) -> bool:
        """No targets are set, so the plan works from the ambition's suggestion."""
        return not self.targets

    @cached_property
    def plan_targets(self) -> dict[str, int]:
        """The targets the plan closes the gap to: those set, or else the suggestion for
        the assessment's ambition (a few models in production when none was given)."""
        if self.targets:
            return self.targets
        ambition = self.assessment.ambition or IN_PRODUCTION
        return suggest_targets(ambition, self.structure.target_subjects)

    @cached_property
    def projection(self) -> Projection:
        return project_targets(self.result, self.targets)

    @cached_property
    def comparison(self) -> Comparison | None:
        return comparison_for(self.assessment)

    @cached_property
    def roadmap(self) -> roadmap.Roadmap:
        return roadmap.build_roadmap(
            self.result,
            self.structure.component_meta,
            self.structure.question_texts,
            self.plan_targets,
        )

    @cached_property
    def explanations(self) -> dict[str, str]:
        """Why each level is what it is, one line each (domain/explain.py): component and
        section slugs, and "overall". The page, the PDF and the admin read these, so they
        say the same."""
        rule = self.result.scoring_rule
        question_texts = self.structure.question_texts
        titles = {
            **{section.slug: section.title for section in self.result.sections},
            **{c.slug: c.title for section in self.result.sections for c in section.components},
        }
        lines = {}
        for section in self.result.sections:
            for component in section.components:
                lines[component.slug] = explain.explain_component(
                    component, rule=rule, titles=question_texts
                )
            lines[section.slug] = explain.explain_section(section, rule=rule, titles=titles)
        lines["overall"] = explain.explain_overall(self.result.overall, rule=rule, titles=titles)
        return lines

    @cached_property
    def shared_notes(self) -> list[ConsultantNote]:
        return list(
            ConsultantNote.objects.filter(assessment=self.assessment, shared=True)
            .select_related("answer__question", "author")
            .order_by("created_at")
        )

    @cached_property
    def sections(self) -> list[dict]:
        """Each section's result, with its components' guidance, the previous levels and
        the targets; a section the respondents said does not apply is not listed."""
        comparison = self.comparison
        guidance = {
            component.slug: {g.level: g for g in component.guidance_list}
            for component in self.structure.components
        }
        sections = []
        for section_result in self.result.sections:
            if not section_result.applies:
                continue
            rows = []
            for component in section_result.components:
                levels = guidance[component.slug]
                previous_level = comparison.component_level(component.slug) if comparison else None
                rows.append(
                    ComponentRow(
                        result=component,
                        current=levels.get(component.level)
                        if component.level is not None
                        else None,
                        following=levels.get(component.level + 1)
                        if component.level is not None
                        else levels.get(0),
                        previous_level=previous_level,
                        previous_label=LEVEL_LABELS.get(previous_level),
                        explanation=self.explanations[component.slug],
                        target_level=self.targets.get(component.slug),
                        target_label=LEVEL_LABELS.get(self.targets.get(component.slug)),
                    )
                )
            previous_section_level = (
                comparison.section_level(section_result.slug) if comparison else None
            )
            sections.append(
                {
                    "result": section_result,
                    "components": rows,
                    "previous_level": previous_section_level,
                    "previous_label": LEVEL_LABELS.get(previous_section_level),
                    "explanation": self.explanations[section_result.slug],
                    "target_level": self.projection.sections.get(section_result.slug)
                    if self.targets
                    else None,
                    "target_label": LEVEL_LABELS.get(
                        self.projection.sections.get(section_result.slug)
                    )
                    if self.targets
                    else None,
                    "change": (
                        section_result.level - previous_section_level
                        if section_result.level is not None and previous_section_level is not None
                        else None
                    ),
                }
            )
        return sections

    @cached_property
    def actions_moved(self) -> list[tuple]:
        """The actions done since the previous assessment was submitted, each with its
        components' level then and now: (action, [(title, before, now)])."""
        comparison = self.comparison
        if comparison is None:
            return []
        end = self.assessment.submitted_at or timezone.now()
        done = selectors.actions_done_between(
            self.assessment.organisation, comparison.assessment.submitted_at, end
        )
        components = {c.slug: c for c in _components(self.result)}
        return [
            (
                action,
                [
                    (
                        components[slug].title,
                        LEVEL_LABELS.get(comparison.component_level(slug)),
                        components[slug].label,
                    )
                    for slug in action.components
                    if slug in components
                ],
            )
            for action in done
        ]

    @property
    def left_out(self) -> list[str]:
        """The titles of the optional sections that do not apply."""
        return [section.title for section in self.result.sections if not section.applies]

    def radar(self) -> str:
        """Levels, as the badges say, with the exact scores as markers; the previous
        assessment's levels and the targets' projection when there are any."""
        sections = [s for s in self.result.sections if s.applies]
        comparison = self.comparison
        previous = (
            [(s.title, comparison.section_level(s.slug)) for s in sections] if comparison else None
        )
        target = (
            [(s.title, self.projection.sections.get(s.slug)) for s in sections]
            if self.targets
            else None
        )
        return charts.radar_chart(
            [(s.title, s.level) for s in sections],
            previous,
            target=target,
            scores=[s.score for s in sections],
        )

    def page_context(self, *, viewer) -> dict:
        """What the results page and the PDF report are drawn from."""
        return {
            "assessment": self.assessment,
            "result": self.result,
            "roadmap": self.roadmap,
            "sections": self.sections,
            "comparison": self.comparison,
            "radar": self.radar(),
            "shared_notes": self.shared_notes,
            "provisional": self.provisional,
            "percent_answered": self.percent_answered,
            "is_consultant": selectors.is_consultant(viewer),
            "answers": self.answers,
            "structure": self.structure,
            "explanations": self.explanations,
            "targets": self.targets,
            "targets_suggested": self.targets_suggested,
            "left_out": self.left_out,
            "actions_moved": self.actions_moved,
            "heat": heat_columns(section_groups(self.sections, numbered=False)),
            "level_scale": list(LEVEL_LABELS.items()),
            "projection": self.projection if self.targets else None,
        }


def results_for(assessment: Assessment) -> Results:
    structure = bank_structure(assessment.bank)
    answers = selectors.answers_by_question(assessment)
    return Results(
        assessment, structure, answers, score(structure, answers, skipped_sections(assessment))
    )


def results_context(assessment: Assessment, *, viewer) -> dict:
    return results_for(assessment).page_context(viewer=viewer)


def results_document(assessment: Assessment) -> dict:
    return results_for(assessment).document()


def _components(result: AssessmentResult) -> list[ComponentResult]:
    """Every component of the sections that apply (a section left out is not shown)."""
    return [
        component
        for section in result.sections
        if section.applies
        for component in section.components
    ]


# Illustrative scores for the home page's example chart; labelled there as made up.
EXAMPLE_SCORES = (2.6, 1.8, 2.2, 3.1, 1.4, 2.0, 2.9, 1.7, 2.4)


def example_radar(sections: list[tuple[str, int]]) -> str:
    titles = [title for title, _ in sections] or [
        "Strategy",
        "Data",
        "Model lifecycle",
        "Infrastructure",
        "Pipeline",
    ]
    scores = [EXAMPLE_SCORES[i % len(EXAMPLE_SCORES)] for i in range(len(titles))]
    return charts.radar_chart(
        [(title, int(score + 0.5)) for title, score in zip(titles, scores, strict=True)],
        scores=scores,
        size=300,
        title="Example: maturity level by section",
    )
