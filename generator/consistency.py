"""Consistency checks for the maintainer report: facts in one program record that contradict each other, or that a
careful maintainer would call the program about.

Each check looks at one program at a time (or keeps one dictionary for the whole run), so the report stays
near-linear however many programs there are. A finding names the field it is about, so its line is the line of
that field, and says what to confirm on the phone (`confirm`, for the call list).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import model
from .validate import quote

# Where issue 15's fields will be: whether the program takes new patients (or has a waitlist) and the date that
# was last confirmed; the ages it serves. The checks read them when they are there and skip them otherwise.
ACCEPTING_FIELD = "accepting_new_patients"
ACCEPTING_CONFIRMED_FIELD = "accepting_confirmed"
AGES_FIELD = "ages"

MEDICATION_THERAPY = "medications-for-addiction"  # the therapy id in data/therapies.yaml (a test checks it)
ADULT_GROUPS = ("adults", "older_adults")
# Hours a week of intensive outpatient care (ASAM level 2.1; SAMHSA's 2021 IOP advisory): at least 9 for adults
# and 6 for teens; 20 or more is partial hospitalization (level 2.5).
IOP_MIN_HOURS, IOP_MIN_HOURS_TEENS, IOP_MAX_HOURS = 9, 6, 20
_FICTIONAL_PHONE = re.compile(r"[0-9]{3}-555-01[0-9]{2}")  # 555-0100 to 555-0199: kept for fiction
_EXAMPLE_SITE = re.compile(r"https?://(?:[^/]*\.)?example\.(?:org|com|net)(?:[/:?#]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Issue:
    """One inconsistency in one program: the field it is about, what is wrong, and what to confirm by phone."""

    field: str  # as in the record's positions: "medications[0]", "focus", "schedule.hours_per_week"
    message: str
    confirm: str


Check = Callable[[dict, Mapping[str, dict]], Iterable[Issue]]


def medication_without_condition(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """A medicine for addiction with none of the conditions it treats among the program's conditions."""
    for i, med in enumerate(p.get("medications", [])):
        treats = model.MEDICATION_CONDITIONS.get(med)
        if not treats or any(c in p["conditions"] for c in treats):
            continue
        names = " or ".join(treats)
        yield Issue(
            f"medications[{i}]",
            f"offers {med}, which treats {names.replace('-', ' ')}, but conditions lists no {names} (add the "
            f"condition, or remove {med} if it is not offered)",
            f"whether it treats {names.replace('-', ' ')} (it lists {med})",
        )


def medication_therapy_without_medications(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    if MEDICATION_THERAPY in p["therapies"] and not p.get("medications"):
        yield Issue(
            f"therapies[{p['therapies'].index(MEDICATION_THERAPY)}]",
            f"lists the therapy {MEDICATION_THERAPY}, but medications is empty (list the medicines it offers, or "
            "remove the therapy)",
            "which medicines for addiction it offers",
        )


def telehealth_only_with_street(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """A program that meets only by video, whose page still shows a street address as where it is."""
    street = p["address"]["street"]
    if p.get("telehealth_only") and any(ch.isdigit() for ch in street):
        yield Issue(
            "address.street",
            f"telehealth_only is true, yet the page shows the street address {quote(street)} where people may go (confirm "
            "whether anyone can visit it; if every session is by video, make sure it is the office's address, or set "
            "telehealth_only: false if some sessions are in person)",
            "whether any sessions are in person at the street address",
        )


def _groups(p: dict, conditions: Mapping[str, dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for c in p["conditions"]:
        group = conditions.get(c, {}).get("group")
        if group:
            found.setdefault(group, []).append(c)
    return found


def focus_against_conditions(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """The focus says one kind of care, the conditions another (judged only with the conditions vocabulary)."""
    if not conditions:
        return
    focus, groups = p["focus"], _groups(p, conditions)
    both = "set focus: co_occurring if it treats both, or remove"
    if focus == "mental_health" and "substance_use" in groups:
        listed = ", ".join(groups["substance_use"])
        yield Issue(
            "focus",
            f"focus is mental_health, but conditions lists {listed}, a substance use condition ({both} {listed})",
            "whether it treats substance use too",
        )
    elif focus == "substance_use" and "mental_health" in groups:
        listed = ", ".join(groups["mental_health"])
        yield Issue(
            "focus",
            f"focus is substance_use, but conditions lists {listed}, a mental health condition ({both} {listed})",
            "whether it treats mental health conditions too",
        )
    elif focus == "co_occurring" and "co_occurring" not in groups:
        for kind, words in (("substance_use", "substance use"), ("mental_health", "mental health")):
            if kind not in groups:
                yield Issue(
                    "focus",
                    f"focus is co_occurring, but conditions lists no {words} condition (add the conditions it "
                    f"treats, or set focus to the one kind of care it gives)",
                    f"whether it treats {words} too",
                )


def teens_with_adults(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """Teens served where the groups are for adults: the ages served start at 18, or the program lists adults
    too with no sign that teens meet apart. Teens do best in care made for their age (SAMHSA TIP 47)."""
    populations = p["populations"]
    if "adolescents" not in populations:
        ages = p.get(AGES_FIELD) or {}
        if isinstance(ages.get("min"), int) and ages["min"] < 18:
            yield Issue(
                f"{AGES_FIELD}.min",
                f"serves ages from {ages['min']}, but populations does not list adolescents (add adolescents, or "
                "correct the ages)",
                "the youngest age it takes",
            )
        return
    at = f"populations[{populations.index('adolescents')}]"
    ages = p.get(AGES_FIELD) or {}
    if isinstance(ages.get("min"), int) and ages["min"] >= 18:
        yield Issue(
            at,
            f"populations lists adolescents, but its ages start at {ages['min']}: its groups are for adults (remove "
            "adolescents, or correct the ages)",
            "whether it takes teens, and from what age",
        )
        return
    adults = [g for g in ADULT_GROUPS if g in populations]
    if adults:
        yield Issue(
            at,
            f"populations lists adolescents with {' and '.join(adults)}: confirm that teens meet in groups of their "
            "own, apart from adults (if they do not, remove adolescents)",
            "whether teens meet in their own groups, apart from adults",
        )


def accepting_older_than_verified(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """A statement that the program takes new patients (or has a waitlist) confirmed before the record was last
    verified: the last call checked everything but this."""
    if p.get(ACCEPTING_FIELD) is None:
        return
    confirmed = p.get(ACCEPTING_CONFIRMED_FIELD)
    verified = p["last_verified"]
    if not isinstance(confirmed, dt.date):
        yield Issue(
            ACCEPTING_FIELD,
            f"{ACCEPTING_FIELD} has no {ACCEPTING_CONFIRMED_FIELD} date (add the day it was confirmed)",
            "whether it is taking new patients, or has a waitlist",
        )
    elif confirmed < verified:
        yield Issue(
            ACCEPTING_CONFIRMED_FIELD,
            f"whether it takes new patients was confirmed on {confirmed.isoformat()}, before the record was last "
            f"verified on {verified.isoformat()} (confirm it again, or set {ACCEPTING_CONFIRMED_FIELD} to the day "
            "it was checked)",
            "whether it is taking new patients, or has a waitlist",
        )


def hours_outside_iop(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    hours = p["schedule"]["hours_per_week"]
    teens_only = set(p["populations"]) <= {"adolescents"}
    low = IOP_MIN_HOURS_TEENS if teens_only else IOP_MIN_HOURS
    if hours < low:
        who = "for teens" if teens_only else "for adults"
        yield Issue(
            "schedule.hours_per_week",
            f"{hours:g} hours a week is less than intensive outpatient care {who} ({low} or more; check the hours, "
            "or whether the program is outpatient care instead)",
            "how many hours a week the program meets",
        )
    elif hours >= IOP_MAX_HOURS:
        yield Issue(
            "schedule.hours_per_week",
            f"{hours:g} hours a week is partial hospitalization, not intensive outpatient care (fewer than "
            f"{IOP_MAX_HOURS}; check the hours, or list the program's IOP track)",
            "how many hours a week the IOP meets",
        )


def example_markers(p: dict, conditions: Mapping[str, dict]) -> Iterable[Issue]:
    """Fictional sample records must look fictional, and real ones must not: a made-up listing with a real phone
    number sends people to a stranger, and a real listing with a 555-01xx number reaches no one."""
    number = p["phone"].partition(" x")[0]
    fictional = bool(_FICTIONAL_PHONE.fullmatch(number))
    if p.get("example") and not fictional:
        yield Issue(
            "phone",
            f"example is true, but the phone {number} is not a fictional 555-01xx number (a real person could be "
            "called; use 555-0100 to 555-0199)",
            "",  # a sample record to fix, not a program to call
        )
    elif not p.get("example"):
        if fictional:
            yield Issue(
                "phone",
                f"the phone {number} is a fictional 555-01xx number, but example is not true (set example: true, or "
                "enter the program's real number)",
                "the program's real phone number",
            )
        elif _EXAMPLE_SITE.match(p.get("website") or ""):
            yield Issue(
                "website",
                "the website is on example.org, example.com or example.net, which are kept for examples, but example "
                "is not true (set example: true, or enter the program's real site)",
                "the program's real website",
            )


CHECKS: tuple[Check, ...] = (
    medication_without_condition,
    medication_therapy_without_medications,
    telehealth_only_with_street,
    focus_against_conditions,
    teens_with_adults,
    accepting_older_than_verified,
    hours_outside_iop,
    example_markers,
)


def issues(p: dict, conditions: Mapping[str, dict]) -> list[Issue]:
    return [issue for check in CHECKS for issue in check(p, conditions)]


def shared_licenses(programs: Iterable[dict]) -> list[tuple[dict, int, dict]]:
    """(program, license index, first program) for each license number that an earlier record (by file and line)
    in the same state already lists: a license covers one place, so this is usually a copy and paste."""
    first: dict[tuple[str, str], dict] = {}
    found = []
    for p in sorted(programs, key=lambda p: (p["_file"], p["_line"])):
        for i, lic in enumerate(p.get("licenses", [])):
            key = (p["address"]["state"], lic["number"].strip().upper())
            if key in first and first[key]["id"] != p["id"]:
                found.append((p, i, first[key]))
            else:
                first.setdefault(key, p)
    return found
