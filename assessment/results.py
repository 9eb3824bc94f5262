"""Everything the results page, results.json and the PDF report show, built in one place."""

from dataclasses import dataclass

from assessment import charts, selectors
from assessment.domain import roadmap
from assessment.domain.scoring import AssessmentResult, ComponentResult
from assessment.levels import LEVEL_LABELS
from assessment.models import Assessment, ComponentGuidance, ConsultantNote


def results_document(assessment: Assessment) -> dict:
    """The results.json document, in the shape DESIGN.md fixes."""
    structure = selectors.bank_structure(assessment.bank)
    result = selectors.score(structure, selectors.answers_by_question(assessment))
    return {
        "assessment": assessment.pk,
        "bank_version": assessment.bank.version,
        "status": assessment.status,
        **result.as_dict(),
    }


@dataclass(frozen=True)
class ComponentRow:
    result: ComponentResult
    current: ComponentGuidance | None
    following: ComponentGuidance | None
    previous_level: int | None
    previous_label: str | None

    @property
    def change(self) -> int | None:
        if self.result.level is None or self.previous_level is None:
            return None
        return self.result.level - self.previous_level


@dataclass(frozen=True)
class Comparison:
    assessment: Assessment
    result: AssessmentResult

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
    structure = selectors.bank_structure(previous.bank)
    result = selectors.score(structure, selectors.answers_by_question(previous))
    return Comparison(assessment=previous, result=result)


def results_context(assessment: Assessment, *, viewer) -> dict:
    structure = selectors.bank_structure(assessment.bank)
    answers = selectors.answers_by_question(assessment)
    result = selectors.score(structure, answers)
    plan = roadmap.build_roadmap(result, structure.component_meta, structure.question_texts)
    comparison = comparison_for(assessment)
    guidance = {
        component.slug: {g.level: g for g in component.guidance_list}
        for component in structure.components
    }

    sections = []
    for section_result in result.sections:
        rows = []
        for component in section_result.components:
            levels = guidance[component.slug]
            previous_level = comparison.component_level(component.slug) if comparison else None
            rows.append(
                ComponentRow(
                    result=component,
                    current=levels.get(component.level) if component.level is not None else None,
                    following=levels.get(component.level + 1)
                    if component.level is not None
                    else levels.get(0),
                    previous_level=previous_level,
                    previous_label=LEVEL_LABELS.get(previous_level),
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
                "change": (
                    section_result.level - previous_section_level
                    if section_result.level is not None and previous_section_level is not None
                    else None
                ),
            }
        )

    radar_previous = (
        [
            (section.title, _section_score(comparison.result, section.slug))
            for section in result.sections
        ]
        if comparison
        else None
    )
    return {
        "assessment": assessment,
        "result": result,
        "roadmap": plan,
        "sections": sections,
        "comparison": comparison,
        "radar": charts.radar_chart(
            [(section.title, section.score) for section in result.sections],
            radar_previous,
        ),
        "heatmap": charts.heatmap(
            [(component.title, component.level) for component in _components(result)],
            title="Maturity level of every component",
        ),
        "shared_notes": ConsultantNote.objects.filter(assessment=assessment, shared=True)
        .select_related("answer__question", "author")
        .order_by("created_at"),
        "provisional": assessment.submitted_at is None,
        "percent_answered": round(100 * result.completeness.answered / result.completeness.total)
        if result.completeness.total
        else 0,
        "is_consultant": selectors.is_consultant(viewer),
        "answers": answers,
        "structure": structure,
    }


def _components(result: AssessmentResult) -> list[ComponentResult]:
    return [component for section in result.sections for component in section.components]


def _section_score(result: AssessmentResult, slug: str) -> float | None:
    try:
        return result.section(slug).score
    except KeyError:
        return None


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
    return charts.radar_chart(
        [(title, EXAMPLE_SCORES[i % len(EXAMPLE_SCORES)]) for i, title in enumerate(titles)],
        size=300,
        title="Example: maturity score by section",
    )
