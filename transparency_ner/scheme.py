"""The label inventory of ``shared/annotation-scheme.md``: one place for every module."""
from typing import Dict, List, Tuple

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


def predicted_categories(cats: Dict[str, float], threshold: float) -> List[str]:
    """Scores -> the unit's labels, by the scheme's two rules: every unit has at least one
    label (the best one when none reaches the threshold), and OTHER only when no topical
    label applies. Best first; none for a pipeline without categories. The one decision
    rule for scoring, tagging and annotation."""
    ranked = sorted(cats, key=lambda c: -cats[c])
    labels = [c for c in ranked if cats[c] >= threshold] or ranked[:1]
    if len(labels) > 1 and EXCLUSIVE_CATEGORY in labels:
        labels.remove(EXCLUSIVE_CATEGORY)
    return labels
