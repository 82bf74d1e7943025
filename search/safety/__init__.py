"""Crisis safety: rules as reviewable data, detection, and the notice shown above results."""

from search.safety.detect import check, detect
from search.safety.notice import CrisisLine, NoticeText, SafetyNotice, notice, notice_texts
from search.safety.rules import SafetyRules, load_rules

__all__ = [
    "CrisisLine",
    "NoticeText",
    "SafetyNotice",
    "SafetyRules",
    "check",
    "detect",
    "load_rules",
    "notice",
    "notice_texts",
]
