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
from .words import ENGLISH, Words

YES, NOT_REPORTED, NOT_APPLICABLE = "yes", "not_reported", "not_applicable"
STATUS_TEXT = {YES: "Yes", NOT_REPORTED: "Not reported", NOT_APPLICABLE: "Does not apply"}

FAMILY_THERAPY = "family-therapy"  # the therapy id in data/therapies.yaml (a test checks it is there)
# The conditions medicines for addiction treat (model.MEDICATION_CONDITIONS).
_TREATED = ("opioid-use", "alcohol-use")


@dataclass(frozen=True)
class Sign:
    key: str  # the anchor of its section on the guide page
    title: str
    fields: tuple[str, ...]  # the program fields it is read from, as data/programs.yaml names them
    # (program, therapies, words) -> (status, what it says), in the language of `words`
    read: Callable[[dict, Mapping[str, dict], Words], tuple[str, str]]


def _names(words: Words, vocabulary: str, values) -> str:
    """Labels without their explanations in brackets ("Buprenorphine", not "Buprenorphine (for opioid use)"):
    the sentence around them already says what they are for."""
    choices = getattr(model, vocabulary)
    return ", ".join(words.vocab(vocabulary, v, choices[v]).split(" (")[0] for v in values)


def _treated(words: Words, condition: str) -> str:
    """A condition medicines treat, in the words of a sentence ("opioid use")."""
    if condition == "opioid-use":
        return words("signs.opioid_use", "opioid use")
    return words("signs.alcohol_use", "alcohol use")


def _either(words: Words, items: list[str]) -> str:
    return words("signs.or", " or ").join(items)


def _accredited(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    bodies = [a["body"] for a in p.get("accreditations", [])]
    if bodies:
        return YES, words.fill(
            "signs.accredited.yes", "By {bodies}.", bodies=_names(words, "ACCREDITATION_BODIES", dict.fromkeys(bodies))
        )
    return NOT_REPORTED, words(
        "signs.accredited.none",
        "The listing names no accreditation. Ask the program if an outside group has checked it.",
    )


def _medication(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    treated = [c for c in _TREATED if c in p["conditions"]]
    if not treated:
        return NOT_APPLICABLE, words(
            "signs.medication.not_applicable",
            "The listing does not name opioid or alcohol use among the conditions it treats.",
        )
    offered = p.get("medications", [])
    found, missing = [], []
    for condition in treated:
        meds = [m for m in offered if condition in model.MEDICATION_CONDITIONS.get(m, ())]
        (found if meds else missing).append((condition, meds))
    if not found:
        return NOT_REPORTED, words.fill(
            "signs.medication.none",
            "It treats {conditions}, but the listing names no medicine for it. Ask the program.",
            conditions=_either(words, [_treated(words, c) for c in treated]),
        )
    said = "; ".join(
        words.fill("signs.medication.for", "for {condition}: {medicines}", condition=_treated(words, c),
                   medicines=_names(words, "MEDICATIONS", meds))
        for c, meds in found
    )  # fmt: skip
    if missing:
        said += words.fill(
            "signs.medication.missing",
            ". No medicine for {conditions} is listed",
            conditions=_either(words, [_treated(words, c) for c, _ in missing]),
        )
    return YES, words.fill("signs.medication.yes", "Offers medicine {said}.", said=said)


def _staff(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    if p.get("licenses"):
        license = words("signs.staff.license", " The program lists a state license.")
    else:
        license = words("signs.staff.no_license", " No state license is listed.")
    staff = p.get("staff_credentials", [])
    if staff:
        who = "; ".join(words.vocab("STAFF_CREDENTIALS", s, model.STAFF_CREDENTIALS[s]) for s in staff)
        return YES, words.fill("signs.staff.yes", "Staff who lead care include: {staff}.", staff=who) + license
    return NOT_REPORTED, words("signs.staff.none", "The listing does not say what licenses the staff hold.") + license


def _director(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    director = p.get("medical_director")
    if not director:
        return NOT_REPORTED, words("signs.director.none", "The listing names no medical director.")
    certs = [c for c in director.get("board_certifications", []) if c in model.ADDICTION_OR_PSYCHIATRY_CERTIFICATIONS]
    who = f"{director['name']}, {director['credentials']}"
    if certs:
        names = "; ".join(words.vocab("BOARD_CERTIFICATIONS", c, model.BOARD_CERTIFICATIONS[c]) for c in certs)
        return YES, words.fill("signs.director.yes", "{who}, is board certified in {boards}.", who=who, boards=names)
    return NOT_REPORTED, words.fill(
        "signs.director.other", "{who}, is listed with no board certification in addiction or psychiatry.", who=who
    )


def _family(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    ways = []
    if "family_therapy" in p.get("services", []):
        ways.append(words.vocab("SERVICES", "family_therapy", model.SERVICES["family_therapy"]))
    if FAMILY_THERAPY in p["therapies"] and FAMILY_THERAPY in therapies:
        ways.append(therapies[FAMILY_THERAPY]["name"])
    if ways:
        joined = words("signs.and", " and ").join(dict.fromkeys(w.lower() for w in ways))
        return YES, words.fill("signs.offers", "Offers {what}.", what=joined)
    return NOT_REPORTED, words(
        "signs.family.none", "The listing does not say how family or friends can take part. Ask the program."
    )


def _aftercare(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    ways = [
        words.vocab("SERVICES", s, model.SERVICES[s]) for s in ("aftercare", "alumni") if s in p.get("services", [])
    ]
    if "aftercare" in p["levels_of_care"]:
        ways.append(words("signs.aftercare.level", "care after the program ends (an aftercare level of care)"))
    if ways:
        return YES, words.fill("signs.offers", "Offers {what}.", what="; ".join(w[0].lower() + w[1:] for w in ways))
    return NOT_REPORTED, words(
        "signs.aftercare.none", "The listing does not say what help there is after the program ends. Ask the program."
    )


def _evidence(p: dict, therapies: Mapping[str, dict], words: Words) -> tuple[str, str]:
    proven = [therapies[t]["name"] for t in p["therapies"] if therapies.get(t, {}).get("evidence_based")]
    if proven:
        return YES, words.fill("signs.offers", "Offers {what}.", what=", ".join(proven))
    return NOT_REPORTED, words(
        "signs.therapies.none",
        "None of the therapies listed is one that research has shown to work. Ask the program.",
    )


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


def title(sign: Sign, words: Words = ENGLISH) -> str:
    """A sign's title in a language: its locale's signs.titles.<key> (the English is the Sign's own)."""
    return words.vocab("SIGN_TITLES", sign.key, sign.title)


def status_text(status: str, words: Words = ENGLISH) -> str:
    return words.vocab("SIGN_STATUS", status, STATUS_TEXT[status])


def checklist(p: dict, therapies: Mapping[str, dict], words: Words = ENGLISH) -> list[dict]:
    """Each sign for one program: its title, status (and the words for it), what the listing says, and the
    fields that says it, in the language of `words` (`therapies` in that language too)."""
    out = []
    for sign in SIGNS:
        status, said = sign.read(p, therapies, words)
        out.append(
            {
                "key": sign.key,
                "title": title(sign, words),
                "status": status,
                "status_text": status_text(status, words),
                "said": said,
                "fields": list(sign.fields),
            }
        )
    return out
