"""Records -> ready-to-print values for templates (labels, links, sentences). Templates only format these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from . import model, signals, verify
from .report import DEFAULT_MAX_AGE_MONTHS, months_before

STALE_AFTER_MONTHS = DEFAULT_MAX_AGE_MONTHS  # the site's default; mkdocs.yml's stale_after_months changes it
_TENTH = Decimal("0.1")
# What a page or card says for a fact the program has not given us: never "no", which would be a claim.
NOT_REPORTED = "not reported"
DIRECTIONS_URL = "https://www.google.com/maps/dir/?api=1&destination="


def label(choices: Mapping[str, str], values) -> list[str]:
    return [choices[v] for v in values or ()]


def tel_href(phone: str) -> str:
    number, _, ext = phone.partition(" x")
    digits = number.replace("-", "")
    return f"tel:+1{digits}" + (f";ext={ext}" if ext else "")


def phone_text(phone: str) -> str:
    number, _, ext = phone.partition(" x")
    return number + (f", extension {ext}" if ext else "")


def anchor(text: str) -> str:
    """The anchor of a heading made from text, such as a city's on its state page ("Glen Allen" -> "glen-allen")."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def miles_text(miles: float) -> str:
    """One decimal, a half rounded up, as JavaScript's toFixed does, so the finder and the list show a distance
    exactly as the program page does (Python's own rounding would give 0.2 for 0.25, toFixed 0.3)."""
    if miles < 0.1:
        return "less than 0.1 miles"
    return f"{Decimal(miles).quantize(_TENTH, rounding=ROUND_HALF_UP)} miles"


def short_label(text: str) -> str:
    """A label without its explanation in brackets, for cards: "TRICARE (military health plan)" -> "TRICARE"."""
    return text.split(" (", 1)[0]


def ages_text(ages: dict | None) -> str | None:
    """ "13 to 17", "18 and older", "16 only"; None when the program has not said."""
    if not ages:
        return None
    low, high = ages["min"], ages.get("max")
    if high is None:
        return f"{low} and older"
    return f"{low} only" if low == high else f"{low} to {high}"


def new_patients_text(new_patients: dict | None) -> str | None:
    """ "Taking new patients (confirmed October 2, 2026)"; None when the program has not said."""
    if not new_patients:
        return None
    return f"{model.NEW_PATIENTS[new_patients['status']]} (confirmed {long_date(new_patients['confirmed'])})"


def intake_view(intake: dict | None) -> dict | None:
    if not intake:
        return None
    return {"ways": label(model.INTAKE_WAYS, intake.get("ways")), "hours": intake.get("hours")}


def times_text(schedule: dict) -> str:
    """When the program meets, in one line: "Evening sessions: Mon, Wed, Thu 6–9 pm"."""
    sessions = ", ".join(label(model.SESSIONS, schedule["sessions"]))
    return f"{sessions}: {schedule['details']}" if schedule.get("details") else sessions


def directions_url(address: dict) -> str:
    """A plain link that opens the visitor's own maps app with directions to the address (nothing is embedded)."""
    where = f"{address['street']}, {address['city']}, {address['state']} {address['zip']}"
    return DIRECTIONS_URL + quote(where, safe="")


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
        "ages": ages_text(p.get("ages")),
        "new_patients": new_patients_text(p.get("new_patients")),
        "intake": intake_view(p.get("intake")),
        "directions": None if p.get("telehealth_only") else directions_url(address),
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
