"""Persona answer sets for question bank v2 (fixtures/question_bank_v2.yaml).

Each persona answers every question of the bank, by slug, with the level (0-4) of the
option that its organisation would choose today, or "na" (Not applicable) where the bank
offers it and the practice does not apply. They were written from the published level
definitions, before any of them was scored:

- Microsoft's MLOps maturity model (Azure Architecture Center), levels 0 and 2;
- Google Cloud's "MLOps: Continuous delivery and automation pipelines in machine
  learning", levels 0, 1 and 2;

as summarised in ../shared/reference/mlops-maturity-models.md (sections 2 and 3), read
with docs/question-bank-v2-changes.md section 8 (how each published level answers the grid
rows), with a realistic spread: no organisation is at one level everywhere. Where the
sources say nothing (strategy, governance, regulation, security, people) each answer
follows its organisation's story below.

None of the five uses generative AI, so each leaves the optional GenAI section out
(``SKIPPED``), as a respondent who answers "No" to its opening question does.

The persona tests (tests/test_scoring_personas_v2.py) pin the overall level of each; if a
persona misses its level, the bank's options are reworded (docs/question-bank-v2-changes.md,
"Persona checks"), never the persona.
"""

NA = "na"

# The optional section none of the personas uses.
SKIPPED = frozenset({"genai"})

# The stories, one per column of ANSWERS.
#
# nothing: an organisation with a model idea and nothing in place; every answer is the
#   option that says so (level 0).
#
# ms0 - Microsoft level 0, "No MLOps". A 40-person agritech SME. One data scientist built
#   a crop-yield model in notebooks on a laptop; once a month they export data from the
#   farm-management system by hand, run the notebook and email a CSV of forecasts to the
#   operations team, who plan with it. Software engineers are a separate team; nothing is
#   tracked, tested or monitored; everything depends on the data scientist. The managing
#   director champions ML with no budget. UK customers only; no personal data in the model.
#
# g0 - Google level 0, "Manual process". An online retailer's four data scientists build a
#   product-recommendation model in notebooks and source-controlled scripts, and hand the
#   model file to the platform team, who wrap it in a REST service on a VM by hand. A new
#   version ships about twice a year; no CI, no CD; testing lives in the notebooks; the
#   prediction service is deployed, not the ML system; predictions are not logged and model
#   performance is not monitored. Purchase histories are personal data; it sells into the EU.
#
# ms2 - Microsoft level 2, "Automated Training". A logistics company predicts parcel
#   delivery times on a managed ML platform: an automatic data pipeline, managed compute,
#   tracked experiments, version-controlled training code and models, scheduled training
#   jobs, a managed feature store and managed environment definitions. Data scientists and
#   data engineers turn experiments into repeatable jobs; software engineers, still apart,
#   release each model by hand with a version-controlled, tested scoring script and basic
#   integration tests. Releases are manual but low friction; there is little production
#   feedback. Customers see the predicted times; the model makes no decisions about people.
#
# g1 - Google level 1, "ML pipeline automation". A mid-size payments company scores card
#   transactions for fraud. An orchestrated, containerised pipeline (the same one in dev,
#   pre-production and production) validates data (schema skews stop it, value skews
#   trigger retraining), trains, validates the model against the current one per segment
#   and for API compatibility, and is retrained continuously on new data and drift; a
#   feature store and a metadata store serve every run; new models go out through a canary.
#   Pipeline changes are still tested and deployed by hand. Blocked payments affect people,
#   so oversight and regulation are agreed, measured and signed off (a regulated firm).
#
# g2 - Google level 2, "CI/CD pipeline automation". A large online marketplace: source
#   control, test and build services, deployment services, model registry, feature store,
#   ML metadata store and pipeline orchestrator. CI tests features, model methods,
#   convergence, NaNs, each component's artefacts and their integration; CD checks
#   infrastructure compatibility, the API contract, load, data validation and performance
#   targets, deploys to test automatically, to pre-production semi-automatically and to
#   production by hand after several good pre-production runs. Monitoring triggers new
#   runs. Data and model analysis remain manual. Its organisation is run on measured results.
PERSONAS = ("nothing", "ms0", "g0", "ms2", "g1", "g2")

# slug: (nothing, ms0, g0, ms2, g1, g2)
ANSWERS = {
    # --- Business alignment and AI strategy
    "ai-strategy-objectives": (0, 2, 1, 2, 3, 4),  # ms0: stated in a grant application
    "ai-strategy-roadmap": (0, 1, 1, 2, 3, 4),
    "acceptance-criteria-timing": (0, 1, 1, 2, 3, 4),
    "acceptance-criteria-owner": (0, 1, 1, 2, 3, 4),
    "use-case-selection": (0, 1, 1, 2, 3, 3),
    "use-case-readiness": (0, 1, 1, 2, 3, 4),
    "use-case-value-measurement": (0, 1, 1, 2, 3, 4),  # g2: A/B experiments
    "sponsorship-leadership": (0, 1, 2, 2, 3, 4),
    "sponsorship-running-costs": (0, 1, 2, 2, 3, 4),
    "tool-choice": (0, 1, 1, 3, 3, 4),  # ms2: one managed ML platform for all work
    # --- Data management and pipeline
    "data-access-availability": (0, 1, 1, 2, 3, 4),
    "data-access-contracts": (0, 1, 1, 2, 3, 4),
    "data-quality-check-coverage": (0, 1, 1, 2, 3, 4),
    "data-quality-root-causes": (0, 1, 1, 2, 3, 4),
    "data-versioning-restore": (0, 1, 1, 2, 3, 4),
    "data-versioning-splits": (0, 1, 1, 2, 3, 4),
    "data-versioning-impact": (0, 1, 1, 2, 3, 4),
    "features-configuration": (0, 1, 1, 2, 3, 4),
    "features-train-serve-consistency": (0, 1, 1, 2, 3, 4),  # g0: rewritten by engineers
    "features-reuse": (0, NA, 1, 3, 3, 4),  # ms0: one model; ms2: managed feature store
    "data-ownership": (0, 1, 1, 2, 3, 4),
    "data-access-control": (0, 2, 2, 2, 3, 4),  # ms0, g0: their IT already has roles
    "labelling-quality": (0, NA, NA, NA, 3, 4),  # labels only at g1 (analysts) and g2
    "dataset-datasheets": (0, 1, 1, 2, 3, 4),
    # --- Model lifecycle
    "run-record-completeness": (0, 1, 1, 3, 3, 4),  # ms2: central tracking
    "experiment-tracking-rebuild": (0, 1, 1, 3, 3, 4),  # ms2: "easy to reproduce"
    "model-code-structure": (0, 1, 2, 2, 3, 4),  # g0: scripts in Git
    "training-compute": (0, 1, 1, 3, 3, 4),  # ms2: managed compute
    "training-pipeline-config": (0, 1, 1, 2, 3, 4),
    "training-pipeline-parity": (0, 1, 1, 2, 3, 4),  # g1: experimental-operational symmetry
    "validation-reference-points": (0, 1, 1, 2, 3, 4),
    "ml-test-coverage": (0, 0, 1, 2, 2, 3),  # g1: tests run by hand; g2: the CI list
    "validation-production-like": (0, 0, 1, 2, 3, 4),  # ms0: no staging at all
    "behavioural-tests": (0, 1, 1, 2, 3, 4),
    "robustness-tests": (0, 0, 0, 1, 3, 3),
    "model-artefact-source": (0, 1, 1, 3, 3, 4),  # ms2: model management
    "registry-live-version": (0, 1, 1, 2, 3, 4),
    "registry-retirement": (0, 1, 1, 2, 3, 4),
    "release-lead-time": (0, 1, 1, 2, 3, 4),  # g0: a couple of releases a year
    "release-integration": (0, 1, 1, 2, 3, 4),
    "rollback-rehearsal": (0, 1, 1, 2, 3, 4),
    "monitoring-coverage": (0, 1, 1, 2, 3, 4),
    "prediction-logging": (0, 1, 0, 2, 3, 4),  # ms0: emailed CSVs; g0: not logged
    "monitoring-threshold-setting": (0, 1, 1, 2, 3, 4),
    "retraining-policy": (0, 1, 1, 2, 3, 4),
    "retraining-data-selection": (0, 1, 1, 2, 3, 4),
    # --- Infrastructure and operations
    "environment-separation": (0, 0, 1, 2, 3, 3),  # ms0: a laptop
    "dependency-management": (0, 1, 1, 3, 3, 4),  # ms2: managed environment definitions
    "environments-production-data": (0, 1, 1, 2, 3, 3),
    "code-review": (0, 0, 1, 2, 3, 4),  # ms0: one person
    "change-control-production-access": (0, 1, 1, 2, 3, 4),
    "environment-recovery": (0, 1, 1, 2, 3, 3),
    "ml-store-backups": (0, 0, 1, 2, 3, 3),
    "serving-interface-compatibility": (0, 1, 2, 2, 3, 4),
    "serving-service-levels": (0, 1, 1, 2, 3, 4),  # g2: load test in CD
    "serving-security": (0, 1, 2, 2, 3, 4),
    "serving-capacity": (0, NA, 1, 2, 3, 4),  # ms0: a monthly batch
    "environments-cost": (0, 1, 1, 2, 3, 4),
    "compute-footprint": (0, 0, 0, 1, 2, 3),
    # --- Documentation
    "data-preparation-docs": (0, 1, 1, 2, 3, 3),
    "docs-feature-dictionary": (0, 1, 1, 3, 3, 4),  # ms2: the feature store's catalogue
    "docs-model-card": (0, 1, 1, 2, 3, 4),
    "docs-architecture": (0, 1, 1, 2, 3, 3),
    "docs-decisions": (0, 1, 1, 2, 3, 3),
    "code-documentation": (0, 1, 2, 2, 3, 4),
    "docs-release-notes": (0, 1, 2, 2, 3, 4),
    "runbook-coverage": (0, 1, 1, 2, 3, 3),
    "docs-onboarding": (0, 0, 1, 2, 3, 4),  # ms0: only the data scientist can
    # --- Governance, risk and responsible AI
    "governance-risk-classification": (0, 1, 1, 2, 3, 4),
    "governance-approval": (0, 1, 1, 2, 3, 4),
    "model-periodic-review": (0, 1, 1, 2, 3, 4),
    "rai-explainability": (0, 1, 1, 2, 3, 3),  # g1: reasons shown to fraud analysts
    "rai-fairness": (0, NA, 0, NA, 3, 3),  # ms0: crops; ms2: parcels
    "rai-uncertain-inputs": (0, 1, 1, 1, 3, 4),
    "oversight-override": (0, 1, NA, 1, 3, 3),  # g0: recommendations shown directly
    "oversight-contest": (0, NA, NA, NA, 3, 3),  # only g1, g2 decide about people
    "oversight-automation-bias": (0, 1, NA, 1, 3, 3),
    "prediction-trace": (0, 1, 1, 2, 3, 4),
    "change-audit-trail": (0, 1, 1, 2, 3, 4),
    # --- Regulatory readiness
    "ai-inventory": (0, 1, 1, 2, 3, 4),
    "eu-ai-act-classification": (0, NA, 1, 2, 3, 3),  # ms0: UK market only
    "automated-decision-assessment": (0, NA, 1, NA, 3, 3),
    "transparency-notices": (0, NA, 2, 2, 3, 4),  # ms0: forecasts used internally
    "ai-literacy": (0, 1, 1, 2, 3, 3),
    "ai-management-framework": (0, 0, 1, 1, 3, 3),
    "audit-regulation": (0, 1, 1, 2, 3, 4),
    "ai-incident-reporting": (0, 0, 1, 1, 3, 3),
    # --- Security, privacy and bought-in AI
    "data-governance-legal": (0, 2, 2, 2, 3, 4),  # ms0: the company's GDPR checklist
    "privacy-prediction-logs": (0, NA, NA, 2, 3, 4),  # g0 logs no predictions
    "privacy-erasure": (0, NA, 1, 1, 3, 3),
    "privacy-techniques": (0, NA, 1, 2, 3, 4),
    "model-supply-chain": (0, 1, 1, 2, 3, 4),
    "artefact-integrity": (0, 1, 1, 1, 2, 3),
    "ml-threat-modelling": (0, 1, 1, 1, 3, 3),  # g1: fraudsters probe the model
    "vendor-model-assessment": (0, NA, NA, 2, NA, NA),  # ms2 buys an address-matching API
    "vendor-change-monitoring": (0, NA, NA, 2, NA, NA),
    # --- People, skills and collaboration
    "people-roles": (0, 1, 2, 2, 3, 4),
    "people-responsibilities": (0, 1, 1, 2, 3, 4),
    "model-owner": (0, 1, 1, 2, 3, 4),
    "skills-coverage-depth": (0, 0, 1, 2, 3, 3),
    "skills-learning-plan": (0, 1, 2, 2, 3, 4),
    "collab-working-together": (0, 1, 1, 2, 3, 4),  # ms0, g0: siloed, handed over
    "collab-incident-learning": (0, 0, 1, 2, 3, 4),
    # --- Pipeline automation grid (question-bank-v2-changes.md section 8's table)
    "grid-data-ingestion-automation-v2": (0, 1, 1, 3, 3, 4),
    "grid-data-validation-automation-v2": (0, 1, 1, 1, 4, 4),
    "grid-data-versioning-automation": (0, 1, 1, 2, 3, 4),
    "grid-features-automation-v2": (0, 1, 1, 3, 3, 4),
    "grid-training-automation": (0, 1, 1, 3, 4, 4),
    "grid-experiment-tracking-automation": (0, 1, 1, 3, 3, 4),
    "grid-evaluation-automation-v2": (0, 1, 1, 2, 4, 4),
    "grid-model-registry-automation": (0, 1, 1, 2, 3, 4),
    "grid-packaging-automation": (0, 1, 1, 2, 3, 4),
    "grid-deployment-automation": (0, 1, 1, 2, 3, 3),  # g2: manual deploy to production
    "grid-prediction-service-automation-v2": (0, 1, 2, 2, 3, 4),  # g0: hand-deployed API
    "grid-service-monitoring-automation-v2": (0, 0, 1, 1, 3, 4),
    "grid-data-drift-automation": (0, 0, 0, 1, 4, 4),  # g1: value skews trigger retraining
    "grid-performance-monitoring-automation": (0, 1, 0, 1, 3, 4),  # ms0: against harvests
    "grid-alerting-automation-v2": (0, 1, 1, 1, 3, 4),
    "grid-retraining-automation": (0, 1, 1, 3, 4, 4),  # ms2: scheduled training jobs
    "grid-feedback-capture-automation": (0, 1, 0, 1, 3, 4),
    "grid-online-validation-automation": (0, 0, 0, 1, 3, 3),  # g1, g2: canary, approved
    "grid-rollback-automation": (0, 1, 1, 2, 3, 4),
    "grid-ci-automation-v2": (0, 0, 0, 2, 1, 4),  # g1: pipeline changes tested by hand
    "grid-cd-automation": (0, 0, 1, 2, 2, 3),  # ms0: nothing beyond the laptop
    "grid-gitops-automation": (0, 1, 1, 2, 2, 3),
}


def _persona(column: int) -> dict:
    return {slug: levels[column] for slug, levels in ANSWERS.items()}


NOTHING_IN_PLACE = _persona(PERSONAS.index("nothing"))
MICROSOFT_LEVEL_0 = _persona(PERSONAS.index("ms0"))
GOOGLE_LEVEL_0 = _persona(PERSONAS.index("g0"))
MICROSOFT_LEVEL_2 = _persona(PERSONAS.index("ms2"))
GOOGLE_LEVEL_1 = _persona(PERSONAS.index("g1"))
GOOGLE_LEVEL_2 = _persona(PERSONAS.index("g2"))

BY_NAME = {name: _persona(column) for column, name in enumerate(PERSONAS)}


# --- Bank v2.1 (fixtures/question_bank_v2_1.yaml) -------------------------------------------
#
# The same six organisations answer v2.1. A question v2.1 kept from v2 means the same at
# every level (its options are shorter, not different), so each persona gives it the same
# answer as on v2. A merged question was read afresh against each story: where only part of
# an option is true of an organisation, it takes the option below, as the bank tells every
# respondent (so a merged answer is usually the lower of the two halves).
KEPT_IN_V2_1 = (
    "ai-strategy-objectives", "use-case-value-measurement", "sponsorship-running-costs",
    "data-access-availability", "data-quality-check-coverage", "data-versioning-impact",
    "features-train-serve-consistency", "features-reuse", "labelling-quality",
    "experiment-tracking-rebuild", "training-pipeline-parity", "validation-reference-points",
    "ml-test-coverage", "registry-retirement", "release-lead-time", "rollback-rehearsal",
    "monitoring-coverage", "prediction-logging", "dependency-management", "serving-security",
    "docs-feature-dictionary", "docs-model-card", "model-periodic-review", "rai-explainability",
    "rai-fairness", "oversight-contest", "ai-inventory", "transparency-notices", "ai-literacy",
    "ai-incident-reporting", "privacy-erasure", "ml-threat-modelling", "model-owner",
    "collab-incident-learning", "grid-data-ingestion-automation-v2",
    "grid-data-validation-automation-v2", "grid-data-versioning-automation",
    "grid-features-automation-v2", "grid-training-automation",
    "grid-experiment-tracking-automation", "grid-evaluation-automation-v2",
    "grid-model-registry-automation", "grid-packaging-automation", "grid-deployment-automation",
    "grid-prediction-service-automation-v2", "grid-service-monitoring-automation-v2",
    "grid-data-drift-automation", "grid-performance-monitoring-automation",
    "grid-alerting-automation-v2", "grid-retraining-automation",
    "grid-feedback-capture-automation", "grid-online-validation-automation",
    "grid-rollback-automation", "grid-ci-automation-v2", "grid-cd-automation",
    "grid-gitops-automation",
)  # fmt: skip

# slug: (nothing, ms0, g0, ms2, g1, g2)
MERGED_IN_V2_1 = {
    "acceptance-criteria": (0, 1, 1, 2, 3, 4),
    "use-case-priorities": (0, 1, 1, 2, 3, 3),  # g2: re-ranked on value, readiness not refined
    "leadership-strategy": (0, 1, 1, 2, 3, 4),  # ms0: MD without budget; g0: no written plan
    "data-source-agreements": (0, 1, 1, 2, 3, 4),
    "dataset-versions": (0, 1, 1, 2, 3, 4),
    "data-ownership-access": (0, 1, 1, 2, 3, 4),  # ms0, g0: roles in IT, owners assumed
    "model-code-form": (0, 1, 2, 2, 3, 4),  # ms0: notebooks; g0: scripts in Git with a README
    "training-configuration": (0, 1, 1, 2, 3, 4),
    "behaviour-robustness-tests": (0, 0, 0, 1, 3, 3),  # nobody tries odd inputs until g1
    "model-registry-source": (0, 1, 1, 2, 3, 4),  # ms2: registry, releases recorded by hand
    "retraining-rule": (0, 1, 1, 2, 3, 4),
    "environment-parity": (0, 0, 1, 2, 3, 3),  # ms0: the laptop is everything
    "change-review-control": (0, 0, 1, 2, 3, 4),  # ms0: one person, nothing reviewed
    "recovery-rehearsal": (0, 0, 1, 2, 3, 3),  # ms0: nothing backed up
    "serving-integration": (0, 1, 1, 2, 3, 4),  # ms0: a CSV by email; g0: wrapped by hand
    "serving-performance": (0, 1, 1, 2, 3, 4),
    "cost-footprint": (0, 1, 1, 1, 2, 4),  # ms2: no emissions estimate; g1: estimated once
    "dataset-documentation": (0, 1, 1, 2, 3, 3),
    "design-records": (0, 1, 1, 2, 3, 3),
    "operating-procedures": (0, 0, 1, 2, 3, 3),  # ms0: only the data scientist could run it
    "risk-approval": (0, 1, 1, 2, 3, 4),
    "human-review-override": (0, 1, NA, 1, 3, 3),  # g0: nobody acts on recommendations
    "audit-trail": (0, 1, 1, 2, 3, 4),
    "legal-classification": (0, NA, 1, 2, 3, 3),  # ms0: UK only, no decisions about people
    "ai-risk-management": (0, 0, 1, 1, 3, 3),
    "personal-data-protection": (0, NA, 1, 2, 3, 4),  # ms0: no personal data; g0: by hand
    "ml-supply-chain": (0, 1, 1, 1, 2, 3),  # ms2: checklist, no checksums; g1: not signed
    "vendor-ai-assurance": (0, NA, NA, 2, NA, NA),  # only ms2 buys in a routing model
    "roles-responsibilities": (0, 1, 1, 2, 3, 4),  # g0: handed over the wall
    "skills-depth": (0, 0, 1, 2, 3, 3),  # ms0: no engineering skills
}

ANSWERS_V2_1 = {**{slug: ANSWERS[slug] for slug in KEPT_IN_V2_1}, **MERGED_IN_V2_1}
BY_NAME_V2_1 = {
    name: {slug: levels[column] for slug, levels in ANSWERS_V2_1.items()}
    for column, name in enumerate(PERSONAS)
}
