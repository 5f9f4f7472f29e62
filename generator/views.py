"""Records -> ready-to-print values for templates (labels, links, sentences). Templates only format these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from . import model, signals, verify
from .report import DEFAULT_MAX_AGE_MONTHS, months_before

STALE_AFTER_MONTHS = DEFAULT_MAX_AGE_MONTHS  # the site's default; mkdocs.yml's stale_after_months changes it
_TENTH = Decimal("0.1")


def label(choices: Mapping[str, str], values) -> list[str]:
    return [choices[v] for v in values or ()]


def tel_href(phone: str) -> str:
    number, _, ext = phone.partition(" x")
    digits = number.replace("-", "")
    return f"tel:+1{digits}" + (f";ext={ext}" if ext else "")


def phone_text(phone: str) -> str:
    number, _, ext = phone.partition(" x")
    return number + (f", extension {ext}" if ext else "")


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def miles_text(miles: float) -> str:
    """One decimal, a half rounded up, as JavaScript's toFixed does, so the finder and the list show a distance
    exactly as the program page does (Python's own rounding would give 0.2 for 0.25, toFixed 0.3)."""
    if miles < 0.1:
        return "less than 0.1 miles"
    return f"{Decimal(miles).quantize(_TENTH, rounding=ROUND_HALF_UP)} miles"


def hours_text(value: float) -> str:
    return f"{value:g}"


def schedule_view(schedule: dict) -> dict:
    length = schedule.get("length_weeks")
    if length:
        weeks = (
            f"about {length['min']} weeks"
            if length["min"] == length["max"]
            else f"about {length['min']} to {length['max']} weeks"
        )
    else:
        weeks = None
    return {
        "hours": f"{hours_text(schedule['hours_per_week'])} hours a week",
        "days": f"{schedule['days_per_week']} day{'s' if schedule['days_per_week'] != 1 else ''} a week",
        "sessions": label(model.SESSIONS, schedule["sessions"]),
        "length": weeks,
        "details": schedule.get("details"),
    }


def is_stale(p: dict, today: dt.date, months: int = STALE_AFTER_MONTHS) -> bool:
    """Whether a program was last verified longer ago than `months`: every place it is shown then says it may
    be out of date (program page, lists, finder and list cards, print)."""
    return p["last_verified"] < months_before(today, months)


STALE_NOTE = "May be out of date — call to confirm"


def program_view(
    p: dict,
    *,
    conditions: Mapping[str, dict],
    therapies: Mapping[str, dict],
    today: dt.date,
    base: str,
    lookups: Mapping[str, dict] | None = None,
    stale_after_months: int = STALE_AFTER_MONTHS,
) -> dict:
    """Everything a program page shows, in display order and plain words. `base` leads back to the site root;
    `lookups` are the states' license lookups (data/license_lookups.yaml)."""
    address = p["address"]
    md = p.get("medical_director")
    verified = p["last_verified"]
    checks = verify.checks(p, lookups or {})
    return {
        "id": p["id"],
        "name": p["name"],
        "organization": p.get("organization"),
        "summary": p["summary"],
        "example": p.get("example", False),
        "needs_review": p.get("needs_review", False),
        "focus": model.FOCUS[p["focus"]],
        "levels": label(model.LEVELS_OF_CARE, p["levels_of_care"]),
        "street": address["street"],
        "city": address["city"],
        "state": address["state"],
        "state_name": model.US_STATES[address["state"]],
        "zip": address["zip"],
        "state_url": f"{base}states/{address['state'].lower()}/",
        "phone": phone_text(p["phone"]),
        "tel": tel_href(p["phone"]),
        "website": p.get("website"),
        "email": p.get("email"),
        "telehealth": p["telehealth"],
        "telehealth_only": p.get("telehealth_only", False),
        "populations": label(model.POPULATIONS, p["populations"]),
        "languages": [model.LANGUAGES[code] for code in p["languages"]],
        "schedule": schedule_view(p["schedule"]),
        "conditions": [{"name": conditions[c]["name"], "url": f"{base}conditions/{c}/"} for c in p["conditions"]],
        "therapies": [{"name": therapies[t]["name"], "url": f"{base}therapies/{t}/"} for t in p["therapies"]],
        "medications": label(model.MEDICATIONS, p.get("medications")),
        "services": label(model.SERVICES, p.get("services")),
        "payment": label(model.PAYMENT, p["payment"]),
        "insurers": p.get("insurers", []),
        "accreditations": [
            {"body": model.ACCREDITATION_BODIES[a["body"]], "id": a.get("id"), "check": check}
            for a, check in zip(p.get("accreditations", []), checks["accreditations"], strict=True)
        ],
        "licenses": [
            {"issuer": lic["issuer"], "number": lic["number"], "check": check}
            for lic, check in zip(p.get("licenses", []), checks["licenses"], strict=True)
        ],
        "staff": label(model.STAFF_CREDENTIALS, p.get("staff_credentials")),
        "medical_director": None
        if not md
        else {
            "name": md["name"],
            "credentials": md["credentials"],
            "certifications": [
                {"name": model.BOARD_CERTIFICATIONS[c], "check": check}
                for c, check in zip(md.get("board_certifications", []), checks["certifications"], strict=True)
            ],
        },
        "signals": signals.checklist(p, therapies),
        "last_verified": long_date(verified),
        "last_verified_iso": verified.isoformat(),
        "stale": is_stale(p, today, stale_after_months),
        "stale_after_months": stale_after_months,
        "source": p["source"],
    }


def program_line(p: dict, base: str, *, today: dt.date, stale_after_months: int = STALE_AFTER_MONTHS) -> dict:
    """The short form used in lists (state, condition and therapy pages, nearby programs)."""
    return {
        "name": p["name"],
        "url": f"{base}programs/{p['id']}/",
        "city": p["address"]["city"],
        "state": p["address"]["state"],
        "phone": phone_text(p["phone"]),
        "tel": tel_href(p["phone"]),
        "focus": model.FOCUS[p["focus"]],
        "example": p.get("example", False),
        "telehealth": p["telehealth"],
        "telehealth_only": p.get("telehealth_only", False),
        "last_verified": long_date(p["last_verified"]),
        "stale": is_stale(p, today, stale_after_months),
    }
