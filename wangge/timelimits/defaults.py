"""The time-limit profiles shipped with wangge, as a county starts with them
(administrators edit them afterwards): for each profile and urgency, the
limit of each step — sign (签收), first contact (首次联系), finish (办结),
on-site check (核查), call back (回访). Hours are office hours, days working
days (see docs/decisions/0008).

Chosen from common 接诉即办 practice: sign within 1–2 working hours,
contact the resident within a working day, finish simple matters within
3–5 working days, complex ones within 15–30; emergencies within hours.
"""

from __future__ import annotations

# profile code -> name
PROFILES: dict[str, str] = {
    "emergency": "紧急处置",
    "quick": "快速办理",
    "standard": "一般办理",
    "complex": "复杂办理",
}

H, D = "hours", "days"
# (profile, urgency) -> {step: (amount, unit)}
LIMITS: dict[tuple[str, str], dict[str, tuple[float, str]]] = {
    ("emergency", "urgent"): {
        "sign": (0.5, H),
        "contact": (1, H),
        "finish": (4, H),
        "check": (1, D),
        "callback": (1, D),
    },
    ("emergency", "normal"): {
        "sign": (1, H),
        "contact": (2, H),
        "finish": (1, D),
        "check": (1, D),
        "callback": (2, D),
    },
    ("emergency", "complex"): {
        "sign": (1, H),
        "contact": (2, H),
        "finish": (3, D),
        "check": (1, D),
        "callback": (2, D),
    },
    ("quick", "urgent"): {
        "sign": (1, H),
        "contact": (2, H),
        "finish": (1, D),
        "check": (1, D),
        "callback": (2, D),
    },
    ("quick", "normal"): {
        "sign": (2, H),
        "contact": (4, H),
        "finish": (2, D),
        "check": (1, D),
        "callback": (3, D),
    },
    ("quick", "complex"): {
        "sign": (2, H),
        "contact": (1, D),
        "finish": (5, D),
        "check": (2, D),
        "callback": (3, D),
    },
    ("standard", "urgent"): {
        "sign": (1, H),
        "contact": (2, H),
        "finish": (2, D),
        "check": (1, D),
        "callback": (2, D),
    },
    ("standard", "normal"): {
        "sign": (2, H),
        "contact": (1, D),
        "finish": (5, D),
        "check": (2, D),
        "callback": (3, D),
    },
    ("standard", "complex"): {
        "sign": (4, H),
        "contact": (1, D),
        "finish": (15, D),
        "check": (3, D),
        "callback": (5, D),
    },
    ("complex", "urgent"): {
        "sign": (2, H),
        "contact": (1, D),
        "finish": (5, D),
        "check": (2, D),
        "callback": (3, D),
    },
    ("complex", "normal"): {
        "sign": (4, H),
        "contact": (1, D),
        "finish": (15, D),
        "check": (3, D),
        "callback": (5, D),
    },
    ("complex", "complex"): {
        "sign": (4, H),
        "contact": (2, D),
        "finish": (30, D),
        "check": (5, D),
        "callback": (5, D),
    },
}
