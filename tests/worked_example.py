"""The worked example of docs/scoring.md, shared by the scoring and roadmap tests."""

from assessment.domain.scoring import AnswerValue, BankSpec, ComponentSpec, SectionSpec

answered = AnswerValue.answered
NA = AnswerValue.not_applicable()
DK = AnswerValue.dont_know()

WORKED_BANK = BankSpec(
    "example-1",
    (
        SectionSpec(
            "strategy-data",
            "Strategy and data",
            (
                ComponentSpec(
                    "ai-strategy",
                    "AI strategy",
                    True,
                    ("strategy-owner", "strategy-roadmap", "strategy-budget"),
                ),
                ComponentSpec(
                    "data-versioning",
                    "Data versioning",
                    False,
                    ("data-versioned", "data-lineage", "data-access"),
                ),
            ),
        ),
        SectionSpec(
            "model-lifecycle",
            "Model lifecycle",
            (
                ComponentSpec(
                    "experiment-tracking",
                    "Experiment tracking",
                    False,
                    ("tracking-runs", "tracking-params"),
                ),
                ComponentSpec(
                    "monitoring", "Monitoring", False, ("monitoring-service", "monitoring-drift")
                ),
            ),
        ),
    ),
)
WORKED_ANSWERS = {
    "strategy-owner": answered(2),
    "strategy-roadmap": DK,
    "strategy-budget": answered(1),
    "data-versioned": answered(3),
    "data-lineage": answered(4),
    "data-access": answered(3),
    "tracking-runs": answered(4),
    "tracking-params": answered(4),
    "monitoring-service": answered(4),
    "monitoring-drift": NA,
}
