"""What referral coordinators hand on: contact cards, QR codes to a program's page, and schema.org data."""

from __future__ import annotations

import json
import re

from . import model
from .views import phone_text
from .words import ENGLISH, Words

SPECIALTIES = {
    "mental_health": ["Psychiatric"],
    "substance_use": ["Addiction medicine"],
    "co_occurring": ["Psychiatric", "Addiction medicine"],
}


# Everything a vCard reader might take for the end of a line: CR, LF and the other line separators Unicode and
# Python's str.splitlines know. Validation keeps them out of one-line fields; the card escapes them anyway, so no
# value can ever start a property of its own (a second TEL, a URL, an END:VCARD).
_LINE_ENDS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")


def _vcard_text(value: str) -> str:
    """Escape a value for a vCard 3.0 text field (RFC 2426 section 5): backslash, semicolon and comma, and every
    line break as the two characters \\n."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _LINE_ENDS.sub("\\\\n", value))


def _vcard_plain(value: str) -> str:
    """A value written as is (a URL, an email address, a ZIP code), with anything that could end its line removed."""
    return _CONTROL.sub("", _LINE_ENDS.sub("", str(value)))


def _fold(line: str) -> str:
    """Fold long lines at 75 octets as vCard requires, without splitting a UTF-8 character."""
    if line.isascii():
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)])
    out, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > 75:
            out.append(current.decode("utf-8"))
            current = b" " + b
        else:
            current += b
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def vcard(p: dict, page_url: str) -> str:
    """A vCard 3.0 contact card for the program."""
    number, _, ext = p["phone"].partition(" x")
    tel = _vcard_plain("+1-" + number + (f";ext={ext}" if ext else ""))
    a = p["address"]
    note = p["summary"]
    if p.get("example"):
        note = "EXAMPLE LISTING: not a real provider. " + note
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{_vcard_text(p['name'])}",
        f"ORG:{_vcard_text(p.get('organization') or p['name'])}",
        f"TEL;TYPE=WORK,VOICE:{tel}",
        f"ADR;TYPE=WORK:;;{_vcard_text(a['street'])};{_vcard_text(a['city'])};{_vcard_text(a['state'])};"
        f"{_vcard_text(a['zip'])};USA",
    ]
    if p.get("email"):
        lines.append(f"EMAIL;TYPE=INTERNET:{_vcard_plain(p['email'])}")
    if p.get("website"):
        lines.append(f"URL:{_vcard_plain(p['website'])}")
    lines += [f"NOTE:{_vcard_text(note + ' Details: ' + page_url)}", "END:VCARD"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


# schema.org's isAcceptingNewPatients is yes or no. A waitlist is neither (new patients are taken, but not now),
# so the page makes no claim for it, as for a program that has not said.
ACCEPTING = {"accepting": True, "not_accepting": False}


def json_ld(p: dict, page_url: str, conditions: dict) -> str:
    """schema.org MedicalClinic data, safe to place inside a <script> element. It states only what the record
    says: no coordinates when the map point is only the ZIP code's centre, no "accepting new patients" unless a
    person confirmed it."""
    a = p["address"]
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": p["name"],  # no "description" or "@id": the page's meta description and "url" say them already
        "url": page_url,
        "telephone": "+1-" + p["phone"].partition(" x")[0],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": a["street"],
            "addressLocality": a["city"],
            "addressRegion": a["state"],
            "postalCode": a["zip"],
            "addressCountry": "US",
        },
    }
    if p.get("location"):
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(p["location"]["lat"], 6),
            "longitude": round(p["location"]["lon"], 6),
        }
    data.update(
        {
            "medicalSpecialty": SPECIALTIES[p["focus"]],
            # The conditions, not the therapies and payment: the page lists all three, and at 20,000 programs each
            # of those lists costs about 8 MB a language, for no search feature that reads them.
            "knowsAbout": [conditions[c]["name"] for c in p["conditions"]],
        }
    )
    status = (p.get("new_patients") or {}).get("status")
    if status in ACCEPTING:
        data["isAcceptingNewPatients"] = ACCEPTING[status]
    data["availableLanguage"] = [model.LANGUAGES[c] for c in p["languages"]]
    if p.get("website"):
        data["sameAs"] = p["website"]
    if p.get("organization"):
        data["parentOrganization"] = {"@type": "Organization", "name": p["organization"]}
    return json_in_html(data)


def json_in_html(data: object) -> str:
    """JSON that is safe inside a <script> element: "</script>" or "<!--" in a string would end or confuse the
    element, and U+2028/U+2029 end a line in older JavaScript, so these are written as \\u escapes (same value)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def copy_text(p: dict, words: Words = ENGLISH) -> str:
    """The plain-text details that "Copy details" puts on the clipboard, in the page's language."""
    a = p["address"]
    lines = [
        p["name"],
        words.fill("program.copy.phone", "Phone: {phone}", phone=phone_text(p["phone"], words)),
        words.fill(
            "program.copy.address", "Address: {address}", address=f"{a['street']}, {a['city']}, {a['state']} {a['zip']}"
        ),
    ]
    if p.get("website"):
        lines.append(words.fill("program.copy.website", "Website: {website}", website=p["website"]))
    if p.get("example"):
        lines.append(words("program.copy.example", "(Example listing: not a real provider.)"))
    return "\n".join(lines)
