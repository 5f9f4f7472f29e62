"""Records -> ready-to-print values for templates (labels, links, sentences). Templates only format these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from . import model
from .report import months_before

STALE_AFTER_MONTHS = 12
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


def program_view(
    p: dict, *, conditions: Mapping[str, dict], therapies: Mapping[str, dict], today: dt.date, base: str
) -> dict:
    """Everything a program page shows, in display order and plain words. `base` leads back to the site root."""
    address = p["address"]
    md = p.get("medical_director")
    verified = p["last_verified"]
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
            {"body": model.ACCREDITATION_BODIES[a["body"]], "id": a.get("id")} for a in p.get("accreditations", [])
        ],
        "licenses": p.get("licenses", []),
        "medical_director": None
        if not md
        else {
            "name": md["name"],
            "credentials": md["credentials"],
            "certifications": label(model.BOARD_CERTIFICATIONS, md.get("board_certifications")),
        },
        "last_verified": long_date(verified),
        "last_verified_iso": verified.isoformat(),
        "stale": verified < months_before(today, STALE_AFTER_MONTHS),
        "source": p["source"],
    }


def program_line(p: dict, base: str) -> dict:
    """The short form used in lists (state, condition and therapy pages)."""
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
    }
