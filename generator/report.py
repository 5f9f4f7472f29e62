"""The maintainer's to-do list: stale programs, records missing recommended facts, and likely duplicates.

Each finding names the place like a validation problem (file:line:column), so an editor can jump to it. The report
never changes data and never fails for findings; only invalid data stops it (see `python -m generator validate`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from . import geo

DEFAULT_MAX_AGE_MONTHS = 12
DUPLICATE_NAME_RATIO = 0.85
DUPLICATE_RADIUS_MILES = 0.5

# Optional fields that visitors rely on to judge a program; a record without them is worth a phone call.
RECOMMENDED_FIELDS = (
    ("accreditations", "accreditations (for example CARF or The Joint Commission)"),
    ("licenses", "state licences"),
    ("medical_director", "medical director"),
    ("insurers", "insurance plans accepted (payment details)"),
    ("website", "website"),
    ("location", "map location (lat/lon)"),
    ("schedule.details", "days and times (schedule.details)"),
)

# Words that say what kind of place it is rather than which one; two names differing only in these are the same.
_GENERIC_WORDS = {
    "the",
    "and",
    "of",
    "at",
    "a",
    "an",
    "llc",
    "inc",
    "pllc",
    "pc",
    "iop",
    "program",
    "programs",
    "intensive",
    "outpatient",
    "center",
    "centre",
    "services",
    "clinic",
}


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    kind: str  # "stale", "missing" or "duplicate"
    program_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.program_id}: {self.message}"


@dataclass
class Report:
    stale: list[Finding]
    missing: list[Finding]
    duplicates: list[Finding]
    program_count: int
    today: dt.date
    max_age_months: int

    @property
    def findings(self) -> list[Finding]:
        return sorted(self.stale + self.missing + self.duplicates)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _at(program: dict, rel: str) -> tuple[int, int]:
    return program["_positions"].get(rel, (program["_line"], program["_column"]))


def _has(program: dict, dotted: str) -> bool:
    value: object = program
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return value not in (None, "", [], {})


def stale_programs(programs: Iterable[dict], today: dt.date, max_age_months: int) -> list[Finding]:
    cutoff = months_before(today, max_age_months)
    found = []
    for p in programs:
        verified = p["last_verified"]
        if verified < cutoff:
            line, col = _at(p, "last_verified")
            found.append(
                Finding(
                    p["_file"],
                    line,
                    col,
                    "stale",
                    p["id"],
                    f"last verified {verified.isoformat()}, more than {max_age_months} months ago "
                    f"(before {cutoff.isoformat()}); call the program and update last_verified",
                )
            )
    return found


def missing_recommended(programs: Iterable[dict]) -> list[Finding]:
    found = []
    for p in programs:
        missing = [what for name, what in RECOMMENDED_FIELDS if not _has(p, name)]
        if missing:
            found.append(
                Finding(
                    p["_file"],
                    p["_line"],
                    p["_column"],
                    "missing",
                    p["id"],
                    "no " + "; no ".join(missing) + " (add them if the program has them)",
                )
            )
    return found


def normalised_name(name: str) -> str:
    """Lowercase words without accents, punctuation or generic words such as "IOP" and "LLC"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text.replace("&", " and "))
    kept = [w for w in words if w not in _GENERIC_WORDS]
    return " ".join(kept or words)


def likely_duplicates(programs: list[dict]) -> list[Finding]:
    """Pairs sharing a phone number, or with near-identical names within half a mile of each other.

    The later record (by file and line) is flagged and names the earlier one, so each pair is reported once.
    """
    ordered = sorted(programs, key=lambda p: (p["_file"], p["_line"]))
    reasons: dict[tuple[int, int], list[str]] = {}
    by_phone: dict[str, int] = {}
    for j, p in enumerate(ordered):
        key = p["phone"]
        if key in by_phone:
            reasons.setdefault((by_phone[key], j), []).append(f"same phone {p['phone']}")
        else:
            by_phone[key] = j
    names = [normalised_name(p["name"]) for p in ordered]
    # Sorting by latitude lets each program look only at neighbours less than half a mile north of it.
    lat_window = DUPLICATE_RADIUS_MILES / 69.0
    placed = sorted((p["_point"][0], p["_point"][1], i) for i, p in enumerate(ordered) if p.get("_point"))
    for a, (lat1, lon1, i) in enumerate(placed):
        for lat2, lon2, j in placed[a + 1 :]:
            if lat2 - lat1 > lat_window:
                break
            miles = geo.haversine_miles(lat1, lon1, lat2, lon2)
            if miles > DUPLICATE_RADIUS_MILES:
                continue
            ratio = difflib.SequenceMatcher(None, names[i], names[j]).ratio()
            if ratio >= DUPLICATE_NAME_RATIO:
                first, second = min(i, j), max(i, j)
                reasons.setdefault((first, second), []).append(
                    f"similar name ({ratio:.2f} alike) {miles:.2f} miles away"
                )
    found = []
    for (i, j), why in sorted(reasons.items()):
        first, second = ordered[i], ordered[j]
        found.append(
            Finding(
                second["_file"],
                second["_line"],
                second["_column"],
                "duplicate",
                second["id"],
                f"may be the same program as {first['id']} ({first['_file']}:{first['_line']}): "
                + " and ".join(why)
                + " (merge them, or keep both if they really differ)",
            )
        )
    return found


def build_report(programs: list[dict], *, today: dt.date, max_age_months: int = DEFAULT_MAX_AGE_MONTHS) -> Report:
    return Report(
        stale_programs(programs, today, max_age_months),
        missing_recommended(programs),
        likely_duplicates(programs),
        len(programs),
        today,
        max_age_months,
    )


def _counts(report: Report) -> str:
    return (
        f"{len(report.stale)} stale, {len(report.missing)} missing recommended fields, "
        f"{len(report.duplicates)} likely duplicates among {report.program_count} programs "
        f"(as of {report.today.isoformat()})."
    )


def render_text(report: Report) -> str:
    lines = [str(f) for f in report.findings]
    lines.append(_counts(report))
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    sections = (
        ("Stale programs", f"Last verified more than {report.max_age_months} months ago.", report.stale),
        ("Missing recommended fields", "Facts visitors look for that these records leave out.", report.missing),
        ("Likely duplicates", "Same phone, or near-identical names within half a mile.", report.duplicates),
    )
    out = ["# IOP Finder maintainer report", "", _counts(report), ""]
    for title, intro, findings in sections:
        out += [f"## {title} ({len(findings)})", "", intro, ""]
        if not findings:
            out += ["None.", ""]
            continue
        out += [f"- `{f.file}:{f.line}` **{f.program_id}**: {f.message}" for f in sorted(findings)]
        out.append("")
    return "\n".join(out)
