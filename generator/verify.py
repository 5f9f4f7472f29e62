"""Verification links: for each accreditation, state license and board certification a program claims, where a
person can check it on the issuer's own lookup, and what to type there.

The issuers are declared once: accreditors and boards in the model (model.ACCREDITATION_LOOKUPS,
model.CERTIFICATION_LOOKUPS), states in data/license_lookups.yaml. A lookup's address is filled in with the id or
name only where the issuer's site is known to read it from there; otherwise the page shows what to type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from . import model
from .words import ENGLISH, Words

# Words around a doctor's name that are not the family name a board lists them under.
_NOT_A_NAME = re.compile(r"^(?:dr|doctor|prof|md|do|phd|jr|sr|ii|iii|iv|facp|dfapa|fasam)\.?$", re.IGNORECASE)
# Small words that belong to a family name before its last word: "de la Cruz", "van der Berg".
_PARTICLES = frozenset({"de", "del", "della", "la", "le", "van", "von", "der", "den", "da", "di", "du", "st", "st."})


def host(url: str) -> str:
    """The site a link goes to, as a person would read it: "qualitycheck.org" for https://www.qualitycheck.org/."""
    name = (urlsplit(url).hostname or "").lower()
    return name.removeprefix("www.")


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    """The address with query parameters added, each value percent-encoded (RFC 3986), so data never changes
    which parameters there are."""
    if not params:
        return url
    query = "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in params)
    return url + ("&" if urlsplit(url).query else "?") + query


def last_name(full_name: str) -> str | None:
    """The family name a board would list: the last word of the name once titles and suffixes are set aside,
    with the small words that lead into it ("Dr. Maya Okafor" -> "Okafor", "Ana de la Cruz" -> "de la Cruz");
    None when nothing is left."""
    words = [w.strip(",") for w in full_name.replace(",", " , ").split()]
    words = [w for w in words if w and not _NOT_A_NAME.match(w)]
    if not words:
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


def shown_name(full_name: str) -> str:
    """The name to type into a lookup: without a leading "Dr." (boards list doctors by name alone)."""
    return re.sub(r"^(?:dr\.?|doctor)\s+", "", full_name.strip(), flags=re.IGNORECASE)


def _type(words: Words, text: str) -> str:
    return words.fill("verify.type", "Type “{text}”.", text=text)


def _opens(words: Words, text: str) -> str:
    return words.fill("verify.opens", "It opens with “{text}” filled in.", text=text)


def _link(lookup: model.Lookup, values: Mapping[str, str | None], to_type: str, words: Words) -> dict:
    """The lookup's address, filled in from `values` where its query asks for them. If a value it needs is
    missing, the plain search page: a half-filled search could show nothing and look like a failed check."""
    params, filled = [], []
    for name, value in lookup.query:
        if value.startswith("{"):
            value = values.get(value[1:-1])
            if not value:
                return _plain(lookup.name, lookup.url, _type(words, to_type))
            filled.append(value)
        params.append((name, value))
    if filled:
        return _plain(lookup.name, with_query(lookup.url, params), _opens(words, " ".join(filled)), prefilled=True)
    return _plain(lookup.name, lookup.url, _type(words, to_type))


def _plain(name: str, url: str, next_step: str, prefilled: bool = False) -> dict:
    return {
        "lookup": name,
        "url": url,
        "host": host(url),
        "prefilled": prefilled,
        "next": next_step,
        "how": None,
        "how_lang": None,
    }


def accreditation_check(program: dict, accreditation: dict, words: Words = ENGLISH) -> dict:
    lookup = model.ACCREDITATION_LOOKUPS[accreditation["body"]]
    to_type = accreditation.get("id") or program.get("organization") or program["name"]
    return {"issuer": lookup.issuer, **_link(lookup, {"id": accreditation.get("id")}, to_type, words)}


def certification_check(director: dict, certification: str, words: Words = ENGLISH) -> dict:
    lookup = model.CERTIFICATION_LOOKUPS[certification]
    return {
        "issuer": lookup.issuer,
        **_link(lookup, {"last_name": last_name(director["name"])}, shown_name(director["name"]), words),
    }


def license_check(state: str, license: dict, lookups: Mapping[str, dict], words: Words = ENGLISH) -> dict | None:
    """Where to check a license of a program in `state`; None if the state has no lookup (validation makes sure
    every state with programs has one, so this happens only for a page built from partial data)."""
    entry = lookups.get(state)
    if entry is None:
        return None
    number = license["number"]
    if entry.get("number_parameter"):
        url = with_query(entry["url"], [(entry["number_parameter"], number)])
        next_step = _opens(words, number)
    elif entry["page"] == "search":
        url, next_step = entry["url"], _type(words, number)
    else:
        url, next_step = (
            entry["url"],
            words.fill("verify.have_number", "Have the license number “{number}” ready.", number=number),
        )
    return {
        "issuer": entry["agency"],
        "lookup": entry["agency"],
        "url": url,
        "host": host(url),
        "prefilled": bool(entry.get("number_parameter")),
        "next": next_step,
        **_how(entry, words),
    }


def _how(entry: dict, words: Words) -> dict:
    """The lookup's own sentence on how to check, in the page's language where the data has it (and the language
    it is in, when that is not the page's)."""
    how = entry.get("how")
    if not words.translated or not how:
        return {"how": how, "how_lang": None}
    translated = ((entry.get("translations") or {}).get(words.code) or {}).get("how")
    return {"how": translated, "how_lang": None} if translated else {"how": how, "how_lang": "en"}


def checks(program: dict, lookups: Mapping[str, dict], words: Words = ENGLISH) -> dict[str, list[dict]]:
    """Every claim of a program with its verification link, by kind, in the order the data lists them, with the
    steps in the language of `words`."""
    director = program.get("medical_director")
    state = program["address"]["state"]
    return {
        "accreditations": [accreditation_check(program, a, words) for a in program.get("accreditations", [])],
        "licenses": [license_check(state, lic, lookups, words) for lic in program.get("licenses", [])],
        "certifications": [certification_check(director, c, words) for c in director.get("board_certifications", [])]
        if director
        else [],
    }
