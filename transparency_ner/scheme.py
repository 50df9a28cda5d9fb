"""The label inventory of ``shared/annotation-scheme.md``: one place for every module."""
from typing import Tuple

ENT_LABELS: Tuple[str, ...] = ("AGENCY", "DATE", "COUNT", "CHANNEL")
CATEGORIES: Tuple[str, ...] = (
    "PROACTIVE",
    "REQUEST",
    "APPEAL",
    "INTERPRETATION",
    "PLATFORM",
    "ORGANIZATION",
    "ISSUES",
    "OTHER",
)
EXCLUSIVE_CATEGORY = "OTHER"
