"""An assessment whose level was held back, shared by the tests that check the explanation
line on the results page, in the PDF and in the admin (issue 14 §3)."""

from assessment import services
from assessment.bank import load_bank, read_bank_file
from tests import factories

# Experiment tracking: runs tracked automatically (4), a re-run only by its author (1).
HELD_BACK = (
    "Repeatable — score 2.5 would round to Reproducible, held back by Could a colleague "
    "re-run last quarter's training and get the same model? (Manual)"
)


def held_back_assessment(organisation, user):
    """The sample bank under rule v2, where a manual re-run holds experiment tracking back."""
    data = {**read_bank_file(factories.SAMPLE_BANK_FILE), "version": "sample-2"}
    data["scoring_rule"] = "v2"
    bank = load_bank(data=data).bank
    assessment = factories.make_assessment(organisation=organisation, bank=bank, created_by=user)
    levels = {**factories.SAMPLE_LEVELS, "run-tracking": 4, "rerun-training": 1}
    factories.answer_all(assessment, levels, answered_by=user)
    return services.submit_assessment(assessment=assessment, user=user)
