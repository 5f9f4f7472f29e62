"""What referral coordinators hand on: schema.org data about a program. (Its contact card and copied details are
made in the browser from the page: IOP.vcard in assets/js/iop.js and pageContact in assets/js/list.js.)"""

from __future__ import annotations

import json

from . import model

SPECIALTIES = {
    "mental_health": ["Psychiatric"],
    "substance_use": ["Addiction medicine"],
    "co_occurring": ["Psychiatric", "Addiction medicine"],
}


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
