"""Records -> ready-to-print values for templates (labels, links, sentences). Templates only format these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from . import model, signals, verify
from .report import DEFAULT_MAX_AGE_MONTHS, months_before
from .words import ENGLISH, Words

STALE_AFTER_MONTHS = DEFAULT_MAX_AGE_MONTHS  # the site's default; mkdocs.yml's stale_after_months changes it
_TENTH = Decimal("0.1")
# What a page or card says for a fact the program has not given us: never "no", which would be a claim.
NOT_REPORTED = "not reported"
DIRECTIONS_URL = "https://www.google.com/maps/dir/?api=1&destination="


def label(choices: Mapping[str, str], values) -> list[str]:
    return [choices[v] for v in values or ()]


def labels(words: Words, vocabulary: str, values) -> list[str]:
    """The labels of a model vocabulary's values (model.SESSIONS...) in a language: the locale's vocab section,
    or the model's English."""
    choices = getattr(model, vocabulary)
    return [words.vocab(vocabulary, v, choices[v]) for v in values or ()]


def tel_href(phone: str) -> str:
    number, _, ext = phone.partition(" x")
    digits = number.replace("-", "")
    return f"tel:+1{digits}" + (f";ext={ext}" if ext else "")


def phone_text(phone: str, words: Words = ENGLISH) -> str:
    number, _, ext = phone.partition(" x")
    return number + (words.fill("program.extension", ", extension {ext}", ext=ext) if ext else "")


def anchor(text: str) -> str:
    """The anchor of a heading made from text, such as a city's on its state page ("Glen Allen" -> "glen-allen")."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def miles_text(miles: float, words: Words = ENGLISH) -> str:
    """One decimal, a half rounded up, as JavaScript's toFixed does, so the finder and the list show a distance
    exactly as the program page does (Python's own rounding would give 0.2 for 0.25, toFixed 0.3)."""
    if miles < 0.1:
        return words("program.miles_under", "less than 0.1 miles")
    return words.fill("program.miles", "{miles} miles", miles=Decimal(miles).quantize(_TENTH, rounding=ROUND_HALF_UP))


def short_label(text: str) -> str:
    """A label without its explanation in brackets, for cards: "TRICARE (military health plan)" -> "TRICARE"."""
    return text.split(" (", 1)[0]


def ages_text(ages: dict | None, words: Words = ENGLISH) -> str | None:
    """ "13 to 17", "18 and older", "16 only"; None when the program has not said."""
    if not ages:
        return None
    low, high = ages["min"], ages.get("max")
    if high is None:
        return words.fill("program.ages_from", "{low} and older", low=low)
    if low == high:
        return words.fill("program.ages_only", "{low} only", low=low)
    return words.fill("program.ages_range", "{low} to {high}", low=low, high=high)


def new_patients_text(new_patients: dict | None, words: Words = ENGLISH) -> str | None:
    """ "Taking new patients (confirmed October 2, 2026)"; None when the program has not said."""
    if not new_patients:
        return None
    status = words.vocab("NEW_PATIENTS", new_patients["status"], model.NEW_PATIENTS[new_patients["status"]])
    return words.fill(
        "program.new_patients_confirmed",
        "{status} (confirmed {date})",
        status=status,
        date=words.date(new_patients["confirmed"]),
    )


def intake_view(intake: dict | None, words: Words = ENGLISH) -> dict | None:
    if not intake:
        return None
    return {"ways": labels(words, "INTAKE_WAYS", intake.get("ways")), "hours": intake.get("hours")}


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


def schedule_view(schedule: dict, words: Words = ENGLISH) -> dict:
    length = schedule.get("length_weeks")
    if length:
        low, high = length["min"], length["max"]
        weeks = (
            words.fill("program.weeks", "about {low} weeks", low=low)
            if low == high
            else words.fill("program.weeks_range", "about {low} to {high} weeks", low=low, high=high)
        )
    else:
        weeks = None
    days = schedule["days_per_week"]
    return {
        "hours": words.fill(
            "program.hours_a_week", "{hours} hours a week", hours=hours_text(schedule["hours_per_week"])
        ),
        "days": words.count("program.days_a_week", days, "{count} day a week", "{count} days a week"),
        "sessions": labels(words, "SESSIONS", schedule["sessions"]),
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
    words: Words = ENGLISH,
) -> dict:
    """Everything a program page shows, in display order and plain words, in the language of `words` (the
    conditions and therapies come in that language too). `base` leads back to the site root; `lookups` are the
    states' license lookups (data/license_lookups.yaml)."""
    address = p["address"]
    md = p.get("medical_director")
    verified = p["last_verified"]
    checks = verify.checks(p, lookups or {}, words)
    # The program's own words in the page's language, where it gave them; other data text stays as written, in
    # English, and is marked so (a screen reader then reads it in English).
    own = (p.get("translations") or {}).get(words.code) or {} if words.translated else {}
    english = "en" if words.translated else None
    schedule = schedule_view(p["schedule"], words)
    if schedule["details"]:
        schedule["details"] = own.get("schedule_details", schedule["details"])
        schedule["details_lang"] = None if "schedule_details" in own else english
    return {
        "id": p["id"],
        "name": p["name"],
        "organization": p.get("organization"),
        "summary": own.get("summary", p["summary"]),
        "summary_lang": None if "summary" in own else english,
        "data_lang": english,
        "example": p.get("example", False),
        "needs_review": p.get("needs_review", False),
        "focus": words.vocab("FOCUS", p["focus"], model.FOCUS[p["focus"]]),
        "levels": labels(words, "LEVELS_OF_CARE", p["levels_of_care"]),
        "street": address["street"],
        "city": address["city"],
        "state": address["state"],
        "state_name": words.vocab("US_STATES", address["state"], model.US_STATES[address["state"]]),
        "zip": address["zip"],
        "state_url": f"{base}states/{address['state'].lower()}/",
        "phone": phone_text(p["phone"], words),
        "tel": tel_href(p["phone"]),
        "website": p.get("website"),
        "email": p.get("email"),
        "telehealth": p["telehealth"],
        "telehealth_only": p.get("telehealth_only", False),
        "populations": labels(words, "POPULATIONS", p["populations"]),
        "languages": labels(words, "LANGUAGES", p["languages"]),
        "schedule": schedule,
        "ages": ages_text(p.get("ages"), words),
        "new_patients": new_patients_text(p.get("new_patients"), words),
        "intake": intake_view(p.get("intake"), words),
        "directions": None if p.get("telehealth_only") else directions_url(address),
        "conditions": [{"name": conditions[c]["name"], "url": f"{base}conditions/{c}/"} for c in p["conditions"]],
        "therapies": [{"name": therapies[t]["name"], "url": f"{base}therapies/{t}/"} for t in p["therapies"]],
        "medications": labels(words, "MEDICATIONS", p.get("medications")),
        "services": labels(words, "SERVICES", p.get("services")),
        "payment": labels(words, "PAYMENT", p["payment"]),
        "insurers": p.get("insurers", []),
        "accreditations": [
            {
                "body": words.vocab("ACCREDITATION_BODIES", a["body"], model.ACCREDITATION_BODIES[a["body"]]),
                "id": a.get("id"),
                "check": check,
            }
            for a, check in zip(p.get("accreditations", []), checks["accreditations"], strict=True)
        ],
        "licenses": [
            {"issuer": lic["issuer"], "number": lic["number"], "check": check}
            for lic, check in zip(p.get("licenses", []), checks["licenses"], strict=True)
        ],
        "staff": labels(words, "STAFF_CREDENTIALS", p.get("staff_credentials")),
        "medical_director": None
        if not md
        else {
            "name": md["name"],
            "credentials": md["credentials"],
            "certifications": [
                {"name": words.vocab("BOARD_CERTIFICATIONS", c, model.BOARD_CERTIFICATIONS[c]), "check": check}
                for c, check in zip(md.get("board_certifications", []), checks["certifications"], strict=True)
            ],
        },
        "signals": signals.checklist(p, therapies, words),
        "last_verified": words.date(verified),
        "last_verified_day": verified,
        "last_verified_iso": verified.isoformat(),
        "stale": is_stale(p, today, stale_after_months),
        "stale_after_months": stale_after_months,
        "source": p["source"],
    }


def program_line(
    p: dict, base: str, *, today: dt.date, stale_after_months: int = STALE_AFTER_MONTHS, words: Words = ENGLISH
) -> dict:
    """The short form used in lists (state, condition and therapy pages, nearby programs)."""
    return {
        "name": p["name"],
        "url": f"{base}programs/{p['id']}/",
        "city": p["address"]["city"],
        "state": p["address"]["state"],
        "phone": phone_text(p["phone"], words),
        "tel": tel_href(p["phone"]),
        "focus": words.vocab("FOCUS", p["focus"], model.FOCUS[p["focus"]]),
        "example": p.get("example", False),
        "telehealth": p["telehealth"],
        "telehealth_only": p.get("telehealth_only", False),
        "last_verified": words.date(p["last_verified"]),
        "stale": is_stale(p, today, stale_after_months),
    }
