"""Persona answer sets for the v1 question bank (fixtures/question_bank_v1.yaml).

Each persona maps every question slug of the bank to the level (0-4) that a real
organisation at that maturity would choose, or to "na" (Not applicable) where the bank
allows it. They are written from the level definitions of Microsoft's MLOps maturity model
(Azure Architecture Center) and Google Cloud's "MLOps: Continuous delivery and automation
pipelines in machine learning", as summarised in the project's reference notes
(../shared/reference/mlops-maturity-models.md beside the repository, sections 2 and 3),
with a realistic spread: organisations are never at one level everywhere.

The scoring tests reuse these sets, so change them only together with the bank version.
"""

NA = "na"

# Microsoft level 0, "No MLOps".
# A 40-person agritech SME. One data scientist built a crop-yield model in notebooks on
# their laptop. Once a month they export data from the farm-management system by hand,
# run the notebook and email a CSV of forecasts to the operations team. Software
# engineers work in a separate team; nothing is tracked, tested or monitored; releases
# depend entirely on the data scientist. The managing director champions the idea but
# has set no budget. A university knowledge-transfer partnership gave occasional help.
MICROSOFT_LEVEL_0 = {
    # Business alignment and AI strategy
    "ai-strategy-business-objectives": 2,  # stated in a grant application
    "ai-strategy-roadmap": 1,
    "ai-strategy-acceptance-criteria": 1,
    "use-case-selection": 1,
    "use-case-readiness": 1,
    "use-case-value-measurement": 1,
    "sponsorship-leadership": 1,
    "sponsorship-running-costs": 1,
    "sponsorship-tool-selection": 1,
    # Data management and pipeline
    "data-access-availability": 1,
    "data-access-contracts": 1,
    "data-quality-checks": 1,
    "data-quality-bad-data": 1,
    "data-quality-root-causes": 1,
    "data-versioning-training-data": 1,
    "data-versioning-restore": 1,
    "data-versioning-splits": 1,
    "data-versioning-impact": 1,  # they would ask the data scientist
    "features-code-location": 1,
    "features-train-serve-consistency": 1,
    "features-reuse": NA,  # a single model, no plan for more yet
    "data-governance-ownership": 1,
    "data-governance-legal": 2,  # company GDPR checklist
    "data-governance-access-control": 2,  # the farm system has per-user roles
    # Model lifecycle
    "experiment-tracking-run-records": 1,
    "experiment-tracking-rebuild": 1,
    "experiment-tracking-code": 1,
    "training-pipeline-compute": 1,
    "training-pipeline-config": 1,
    "training-pipeline-symmetry": 1,
    "validation-comparison": 1,
    "validation-tests": 0,
    "validation-production-like": 1,
    "registry-storage": 1,
    "registry-live-version": 1,
    "registry-retirement": 1,
    "release-process": 1,
    "release-frequency": 1,
    "release-integration": 1,
    "release-rollback": 1,
    "monitoring-scope": 1,
    "monitoring-prediction-logging": 1,  # emailed CSVs
    "monitoring-thresholds": 1,
    "retraining-strategy": 1,
    "retraining-champion-challenger": 1,
    "retraining-ground-truth-use": 1,
    # Infrastructure and automation
    "environments-separation": 0,
    "environments-dependencies": 1,
    "environments-scaling": 1,
    "environments-cost": 1,
    "orchestration-containers": 0,
    "orchestration-workflows": 1,
    "orchestration-platform": 0,
    "change-control-review": 0,
    "change-control-pipeline-delivery": 1,
    "change-control-production-access": 1,
    "iac-rebuild": 1,
    "iac-drift": 0,
    "serving-interface-compatibility": 1,
    "serving-performance-targets": 1,
    "serving-security": 1,
    # Documentation
    "docs-data-preparation": 2,  # written up in the PoC report
    "docs-feature-dictionary": 1,
    "docs-model-card": 2,  # model choice described in the PoC report
    "docs-architecture": 1,
    "docs-decisions": 1,
    "docs-release-notes": 1,
    "docs-runbooks": 1,
    "docs-onboarding": 1,
    # Governance, risk and responsible AI
    "governance-risk-classification": 0,
    "governance-approval": 1,
    "governance-periodic-review": 1,
    "rai-explainability": 1,
    "rai-fairness": NA,  # crop yields per field, no predictions about people
    "rai-uncertain-inputs": 1,
    "audit-prediction-trace": 1,
    "audit-change-log": 1,
    "audit-regulation": 1,
    # People, skills and collaboration
    "people-roles": 1,
    "people-responsibilities": 1,
    "people-model-ownership": 1,
    "skills-coverage": 1,
    "skills-learning-plan": 1,
    "skills-external-expertise": 2,
    "collab-working-together": 1,
    "collab-shared-standards": 1,
    "collab-incident-learning": 0,
    # Pipeline automation grid
    "grid-data-ingestion-automation": 1,
    "grid-data-validation-automation": 1,
    "grid-data-versioning-automation": 1,
    "grid-features-automation": 1,
    "grid-training-automation": 1,
    "grid-experiment-tracking-automation": 1,
    "grid-evaluation-automation": 1,
    "grid-model-registry-automation": 1,
    "grid-packaging-automation": 0,
    "grid-deployment-automation": 0,
    "grid-prediction-service-automation": 1,
    "grid-service-monitoring-automation": 0,
    "grid-drift-monitoring-automation": 0,
    "grid-alerting-automation": 1,
    "grid-retraining-automation": 1,
    "grid-feedback-capture-automation": 1,
    "grid-online-validation-automation": NA,  # monthly batch CSV, nothing to split
    "grid-rollback-automation": 1,
    "grid-ci-automation": 1,
    "grid-cd-automation": 1,
    "grid-gitops-automation": 1,
}

# Google level 1, "ML pipeline automation".
# A 150-person logistics company serving delivery-time predictions through an API. An
# Airflow pipeline of containerised steps ingests, validates, trains, evaluates and
# registers models in MLflow; it retrains weekly on new data and when drift alerts fire
# (continuous training), and the same pipeline runs in development and production.
# What is missing is CI/CD for the pipeline itself: changes to pipeline code are tested
# by hand and deployed by an engineer running scripts. Governance and documentation are
# written but not yet tied to the pipeline.
GOOGLE_LEVEL_1 = {
    # Business alignment and AI strategy
    "ai-strategy-business-objectives": 3,
    "ai-strategy-roadmap": 2,
    "ai-strategy-acceptance-criteria": 3,
    "use-case-selection": 2,
    "use-case-readiness": 2,
    "use-case-value-measurement": 3,
    "sponsorship-leadership": 3,
    "sponsorship-running-costs": 3,
    "sponsorship-tool-selection": 2,
    # Data management and pipeline
    "data-access-availability": 3,
    "data-access-contracts": 2,
    "data-quality-checks": 4,
    "data-quality-bad-data": 3,
    "data-quality-root-causes": 2,
    "data-versioning-training-data": 3,
    "data-versioning-restore": 3,
    "data-versioning-splits": 3,
    "data-versioning-impact": 3,
    "features-code-location": 3,
    "features-train-serve-consistency": 3,
    "features-reuse": 2,
    "data-governance-ownership": 2,
    "data-governance-legal": 3,
    "data-governance-access-control": 3,
    # Model lifecycle
    "experiment-tracking-run-records": 3,
    "experiment-tracking-rebuild": 3,
    "experiment-tracking-code": 3,
    "training-pipeline-compute": 3,
    "training-pipeline-config": 3,
    "training-pipeline-symmetry": 3,
    "validation-comparison": 4,
    "validation-tests": 2,
    "validation-production-like": 3,
    "registry-storage": 3,
    "registry-live-version": 3,
    "registry-retirement": 2,
    "release-process": 3,
    "release-frequency": 3,
    "release-integration": 3,
    "release-rollback": 3,
    "monitoring-scope": 3,
    "monitoring-prediction-logging": 3,
    "monitoring-thresholds": 3,
    "retraining-strategy": 4,
    "retraining-champion-challenger": 3,
    "retraining-ground-truth-use": 3,
    # Infrastructure and automation
    "environments-separation": 2,
    "environments-dependencies": 3,
    "environments-scaling": 3,
    "environments-cost": 2,
    "orchestration-containers": 3,
    "orchestration-workflows": 3,
    "orchestration-platform": 3,
    "change-control-review": 2,
    "change-control-pipeline-delivery": 2,
    "change-control-production-access": 2,
    "iac-rebuild": 2,
    "iac-drift": 1,
    "serving-interface-compatibility": 3,
    "serving-performance-targets": 2,
    "serving-security": 3,
    # Documentation
    "docs-data-preparation": 2,
    "docs-feature-dictionary": 2,
    "docs-model-card": 2,
    "docs-architecture": 2,
    "docs-decisions": 2,
    "docs-release-notes": 2,
    "docs-runbooks": 2,
    "docs-onboarding": 2,
    # Governance, risk and responsible AI
    "governance-risk-classification": 2,
    "governance-approval": 2,
    "governance-periodic-review": 2,
    "rai-explainability": 2,
    "rai-fairness": NA,  # delivery times per parcel, no decisions about people
    "rai-uncertain-inputs": 2,
    "audit-prediction-trace": 3,
    "audit-change-log": 2,
    "audit-regulation": 2,
    # People, skills and collaboration
    "people-roles": 3,
    "people-responsibilities": 2,
    "people-model-ownership": 3,
    "skills-coverage": 3,
    "skills-learning-plan": 2,
    "skills-external-expertise": 2,
    "collab-working-together": 3,
    "collab-shared-standards": 2,
    "collab-incident-learning": 2,
    # Pipeline automation grid
    "grid-data-ingestion-automation": 4,
    "grid-data-validation-automation": 4,
    "grid-data-versioning-automation": 3,
    "grid-features-automation": 3,
    "grid-training-automation": 4,
    "grid-experiment-tracking-automation": 3,
    "grid-evaluation-automation": 4,
    "grid-model-registry-automation": 3,
    "grid-packaging-automation": 3,
    "grid-deployment-automation": 3,
    "grid-prediction-service-automation": 3,
    "grid-service-monitoring-automation": 3,
    "grid-drift-monitoring-automation": 4,
    "grid-alerting-automation": 3,
    "grid-retraining-automation": 4,
    "grid-feedback-capture-automation": 3,
    "grid-online-validation-automation": 2,
    "grid-rollback-automation": 3,
    "grid-ci-automation": 2,
    "grid-cd-automation": 2,
    "grid-gitops-automation": 2,
}

# Google level 2, "CI/CD pipeline automation".
# A 300-person insurer running five models, including claims-fraud scoring. Source
# control, CI that builds and tests pipeline components, CD that deploys pipelines,
# a model registry, a feature store, an ML metadata store and an orchestrator are all in
# place; pipelines retrain on triggers and models are promoted by policy. As Google
# describes, data and model analysis remain manual, and the final production deployment
# waits for a human approval after several good pre-production runs. Governance is
# embedded but still people-driven.
GOOGLE_LEVEL_2 = {
    # Business alignment and AI strategy
    "ai-strategy-business-objectives": 4,
    "ai-strategy-roadmap": 3,
    "ai-strategy-acceptance-criteria": 4,
    "use-case-selection": 3,
    "use-case-readiness": 3,
    "use-case-value-measurement": 4,
    "sponsorship-leadership": 3,
    "sponsorship-running-costs": 4,
    "sponsorship-tool-selection": 3,
    # Data management and pipeline
    "data-access-availability": 4,
    "data-access-contracts": 3,
    "data-quality-checks": 4,
    "data-quality-bad-data": 4,
    "data-quality-root-causes": 3,
    "data-versioning-training-data": 4,
    "data-versioning-restore": 3,
    "data-versioning-splits": 4,
    "data-versioning-impact": 3,
    "features-code-location": 4,
    "features-train-serve-consistency": 4,
    "features-reuse": 4,
    "data-governance-ownership": 3,
    "data-governance-legal": 3,
    "data-governance-access-control": 4,
    # Model lifecycle
    "experiment-tracking-run-records": 4,
    "experiment-tracking-rebuild": 3,
    "experiment-tracking-code": 4,
    "training-pipeline-compute": 4,
    "training-pipeline-config": 4,
    "training-pipeline-symmetry": 4,
    "validation-comparison": 4,
    "validation-tests": 4,
    "validation-production-like": 4,
    "registry-storage": 4,
    "registry-live-version": 4,
    "registry-retirement": 3,
    "release-process": 3,  # production deploy waits for a human approval
    "release-frequency": 4,
    "release-integration": 4,
    "release-rollback": 4,
    "monitoring-scope": 4,
    "monitoring-prediction-logging": 4,
    "monitoring-thresholds": 3,
    "retraining-strategy": 4,
    "retraining-champion-challenger": 4,
    "retraining-ground-truth-use": 4,
    # Infrastructure and automation
    "environments-separation": 3,
    "environments-dependencies": 4,
    "environments-scaling": 4,
    "environments-cost": 3,
    "orchestration-containers": 4,
    "orchestration-workflows": 4,
    "orchestration-platform": 4,
    "change-control-review": 4,
    "change-control-pipeline-delivery": 3,
    "change-control-production-access": 3,
    "iac-rebuild": 3,
    "iac-drift": 4,
    "serving-interface-compatibility": 4,
    "serving-performance-targets": 4,
    "serving-security": 3,
    # Documentation
    "docs-data-preparation": 3,
    "docs-feature-dictionary": 4,
    "docs-model-card": 3,
    "docs-architecture": 3,
    "docs-decisions": 3,
    "docs-release-notes": 4,
    "docs-runbooks": 3,
    "docs-onboarding": 3,
    # Governance, risk and responsible AI
    "governance-risk-classification": 3,
    "governance-approval": 3,
    "governance-periodic-review": 3,
    "rai-explainability": 3,
    "rai-fairness": 3,
    "rai-uncertain-inputs": 3,
    "audit-prediction-trace": 4,
    "audit-change-log": 3,
    "audit-regulation": 3,
    # People, skills and collaboration
    "people-roles": 4,
    "people-responsibilities": 3,
    "people-model-ownership": 4,
    "skills-coverage": 3,
    "skills-learning-plan": 3,
    "skills-external-expertise": 3,
    "collab-working-together": 3,
    "collab-shared-standards": 4,
    "collab-incident-learning": 3,
    # Pipeline automation grid
    "grid-data-ingestion-automation": 4,
    "grid-data-validation-automation": 4,
    "grid-data-versioning-automation": 4,
    "grid-features-automation": 4,
    "grid-training-automation": 4,
    "grid-experiment-tracking-automation": 4,
    "grid-evaluation-automation": 4,
    "grid-model-registry-automation": 3,
    "grid-packaging-automation": 4,
    "grid-deployment-automation": 3,
    "grid-prediction-service-automation": 4,
    "grid-service-monitoring-automation": 4,
    "grid-drift-monitoring-automation": 4,
    "grid-alerting-automation": 4,
    "grid-retraining-automation": 4,
    "grid-feedback-capture-automation": 4,
    "grid-online-validation-automation": 3,
    "grid-rollback-automation": 4,
    "grid-ci-automation": 4,
    "grid-cd-automation": 3,
    "grid-gitops-automation": 4,
}

PERSONAS = {
    "microsoft-level-0": MICROSOFT_LEVEL_0,
    "google-level-1": GOOGLE_LEVEL_1,
    "google-level-2": GOOGLE_LEVEL_2,
}
