"""The activities app's models: the work log and its standards (``logs``), the customer book (``customers``)."""

from activities.models.customers import (
    Customer,
    CustomerObjection,
    CustomerPolicy,
    CustomerStageChange,
    Objection,
    PersonalDataExport,
    Quote,
)
from activities.models.logs import (
    ITEM_LABELS,
    ITEMS,
    ActivityPoints,
    ActivityStandard,
    DailyLog,
    DailyLogChange,
    Duty,
    Visit,
)

__all__ = [
    "ITEMS",
    "ITEM_LABELS",
    "ActivityPoints",
    "ActivityStandard",
    "Customer",
    "CustomerObjection",
    "CustomerPolicy",
    "CustomerStageChange",
    "DailyLog",
    "DailyLogChange",
    "Duty",
    "Objection",
    "PersonalDataExport",
    "Quote",
    "Visit",
]
