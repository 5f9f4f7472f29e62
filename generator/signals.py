"""Signs of quality: the checklist on each program page, each sign with the data fields it is read from.

The signs are the ones SAMHSA's guide to finding quality treatment and its 2021 advisory on intensive outpatient
care name (see content/learn/signs-of-quality.md and its sources). Each is reported as the data has it: "yes"
with what the listing says, "not reported" when the listing is silent (never "no": a listing that leaves a thing
out does not show the program lacks it), or "does not apply". Nothing here adds the signs up: there is no score,
rank or badge, because the checklist says what a listing holds, not how good a program is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import model

YES, NOT_REPORTED, NOT_APPLICABLE = "yes", "not_reported", "not_applicable"
STATUS_TEXT = {YES: "Yes", NOT_REPORTED: "Not reported", NOT_APPLICABLE: "Does not apply"}

FAMILY_THERAPY = "family-therapy"  # the therapy id in data/therapies.yaml (a test checks it is there)
# The conditions medicines for addiction treat (model.MEDICATION_CONDITIONS), in the words of a sentence.
_TREATED = {"opioid-use": "opioid use", "alcohol-use": "alcohol use"}


@dataclass(frozen=True)
class Sign:
    key: str  # the anchor of its section on the guide page
    title: str
    fields: tuple[str, ...]  # the program fields it is read from, as data/programs.yaml names them
    read: Callable[[dict, Mapping[str, dict]], tuple[str, str]]  # (program, therapies) -> (status, what it says)


def _names(choices: Mapping[str, str], values) -> str:
    """Labels without their explanations in brackets ("Buprenorphine", not "Buprenorphine (for opioid use)"):
    the sentence around them already says what they are for."""
    return ", ".join(choices[v].split(" (")[0] for v in values)


def _accredited(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    bodies = [model.ACCREDITATION_BODIES[a["body"]] for a in p.get("accreditations", [])]
    if bodies:
        return YES, "By " + ", ".join(dict.fromkeys(bodies)) + "."
    return NOT_REPORTED, "The listing names no accreditation. Ask the program if an outside group has checked it."


def _medication(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    treated = [c for c in _TREATED if c in p["conditions"]]
    if not treated:
        return NOT_APPLICABLE, "The listing does not name opioid or alcohol use among the conditions it treats."
    offered = p.get("medications", [])
    found, missing = [], []
    for condition in treated:
        meds = [m for m in offered if condition in model.MEDICATION_CONDITIONS.get(m, ())]
        (found if meds else missing).append((condition, meds))
    if not found:
        words = " or ".join(_TREATED[c] for c in treated)
        return NOT_REPORTED, f"It treats {words}, but the listing names no medicine for it. Ask the program."
    said = "; ".join(f"for {_TREATED[c]}: {_names(model.MEDICATIONS, meds)}" for c, meds in found)
    if missing:
        said += ". No medicine for " + " or ".join(_TREATED[c] for c, _ in missing) + " is listed"
    return YES, "Offers medicine " + said + "."


def _staff(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    license = " The program lists a state license." if p.get("licenses") else " No state license is listed."
    staff = p.get("staff_credentials", [])
    if staff:
        return YES, "Staff who lead care include: " + "; ".join(
            model.STAFF_CREDENTIALS[s] for s in staff
        ) + "." + license
    return NOT_REPORTED, "The listing does not say what licenses the staff hold." + license


def _director(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    director = p.get("medical_director")
    if not director:
        return NOT_REPORTED, "The listing names no medical director."
    certs = [c for c in director.get("board_certifications", []) if c in model.ADDICTION_OR_PSYCHIATRY_CERTIFICATIONS]
    who = f"{director['name']}, {director['credentials']}"
    if certs:
        return YES, f"{who}, is board certified in " + "; ".join(model.BOARD_CERTIFICATIONS[c] for c in certs) + "."
    return NOT_REPORTED, f"{who}, is listed with no board certification in addiction or psychiatry."


def _family(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    ways = []
    if "family_therapy" in p.get("services", []):
        ways.append(model.SERVICES["family_therapy"])
    if FAMILY_THERAPY in p["therapies"] and FAMILY_THERAPY in therapies:
        ways.append(therapies[FAMILY_THERAPY]["name"])
    if ways:
        return YES, "Offers " + " and ".join(dict.fromkeys(w.lower() for w in ways)) + "."
    return NOT_REPORTED, "The listing does not say how family or friends can take part. Ask the program."


def _aftercare(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    ways = [model.SERVICES[s] for s in ("aftercare", "alumni") if s in p.get("services", [])]
    if "aftercare" in p["levels_of_care"]:
        ways.append("care after the program ends (an aftercare level of care)")
    if ways:
        return YES, "Offers " + "; ".join(w[0].lower() + w[1:] for w in ways) + "."
    return NOT_REPORTED, "The listing does not say what help there is after the program ends. Ask the program."


def _evidence(p: dict, therapies: Mapping[str, dict]) -> tuple[str, str]:
    proven = [therapies[t]["name"] for t in p["therapies"] if therapies.get(t, {}).get("evidence_based")]
    if proven:
        return YES, "Offers " + ", ".join(proven) + "."
    return NOT_REPORTED, "None of the therapies listed is one that research has shown to work. Ask the program."


SIGNS = (
    Sign("accredited", "Accredited by an outside group", ("accreditations",), _accredited),
    Sign("medication", "Medicine for opioid or alcohol use", ("conditions", "medications"), _medication),
    Sign("staff", "Licensed staff", ("staff_credentials", "licenses"), _staff),
    Sign("medical-director", "A medical director certified in addiction or psychiatry",
         ("medical_director.board_certifications",), _director),
    Sign("family", "Family can take part", ("services", "therapies"), _family),
    Sign("aftercare", "Help after the program ends", ("services", "levels_of_care"), _aftercare),
    Sign("therapies", "Therapies shown to work", ("therapies",), _evidence),
)  # fmt: skip


def checklist(p: dict, therapies: Mapping[str, dict]) -> list[dict]:
    """Each sign for one program: its title, status (and the words for it), what the listing says, and the
    fields that says it."""
    out = []
    for sign in SIGNS:
        status, said = sign.read(p, therapies)
        out.append(
            {
                "key": sign.key,
                "title": sign.title,
                "status": status,
                "status_text": STATUS_TEXT[status],
                "said": said,
                "fields": list(sign.fields),
            }
        )
    return out
