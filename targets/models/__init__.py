"""The targets app's models: plans and sales (``plans``), and the judging of results (``incentives``)."""

from targets.models.incentives import (
    BonusLine,
    BonusRun,
    Contest,
    ContestStanding,
    ImprovementCheckIn,
    ImprovementPlan,
    IncentivePolicy,
    Measure,
    SatisfactionScore,
    ScoreAcknowledgement,
    ScoreCalibration,
    ScorecardDefinition,
    UnitEvaluation,
    UnitEvaluationRow,
)
from targets.models.plans import DEFAULT_MONTH_WEIGHTS, Allocation, AllocationChange, Plan, PlanLine, SaleRecord

__all__ = [
    "DEFAULT_MONTH_WEIGHTS",
    "Allocation",
    "AllocationChange",
    "BonusLine",
    "BonusRun",
    "Contest",
    "ContestStanding",
    "ImprovementCheckIn",
    "ImprovementPlan",
    "IncentivePolicy",
    "Measure",
    "Plan",
    "PlanLine",
    "SaleRecord",
    "SatisfactionScore",
    "ScoreAcknowledgement",
    "ScoreCalibration",
    "ScorecardDefinition",
    "UnitEvaluation",
    "UnitEvaluationRow",
]
