"""The maintainer's to-do list: stale programs, records missing recommended facts, likely duplicates, and facts
that contradict each other (consistency.py); and the re-verification call list made from them, oldest first.

Each finding names the place like a validation problem (file:line:column), so an editor can jump to it, and is
printed as text, Markdown, CSV or GitHub annotations. The report never changes data and never fails for findings;
only invalid data stops it (see `python -m generator validate`).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import difflib
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import consistency, geo, model

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
    kind: str  # "stale", "missing", "duplicate", "crowded" or "inconsistent"
    program_id: str
    message: str
    confirm: str = field(default="", compare=False)  # what to ask on the phone (the call list); "" for nothing

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
    crowded: list[Finding] = field(default_factory=list)  # places where names were compared in part only
    inconsistent: list[Finding] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return sorted(self.stale + self.missing + self.duplicates + self.crowded + self.inconsistent)


@dataclass(frozen=True)
class Call:
    """One row of the re-verification call list: a program, and everything to confirm when calling it."""

    program_id: str
    name: str
    phone: str
    last_verified: dt.date
    confirm: tuple[str, ...]
    where: str  # file:line of the record


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
                    f"every detail (last verified more than {max_age_months} months ago)",
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
                    "ask for: " + "; ".join(missing),
                )
            )
    return found


def normalised_name(name: str) -> str:
    """Lowercase words without accents, punctuation or generic words such as "IOP" and "LLC"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text.replace("&", " and "))
    kept = [w for w in words if w not in _GENERIC_WORDS]
    return " ".join(kept or words)


def likely_duplicates(programs: list[dict], *, crowd_limit: int | None = None) -> list[Finding]:
    """Pairs sharing a phone number, or with near-identical names within half a mile of each other.

    The later record (by file and line) is flagged and names the earlier one, so each pair is reported once.
    Names are compared pair by pair among programs near one another (see `_name_pairs`), so the check stays
    near-linear even when thousands of programs share one ZIP code's centre.
    """
    return _duplicates(programs, DUPLICATE_CROWD if crowd_limit is None else crowd_limit)[0]


def crowded_places(programs: list[dict], *, crowd_limit: int | None = None) -> list[Finding]:
    """One finding for each place where too many programs sit close together for every pair to be compared."""
    return _duplicates(programs, DUPLICATE_CROWD if crowd_limit is None else crowd_limit)[1]


def _duplicates(programs: list[dict], crowd_limit: int) -> tuple[list[Finding], list[Finding]]:
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
    points = {i: p["_point"] for i, p in enumerate(ordered) if p.get("_point")}
    grid = _Grid(points)
    pairs, crowded = _name_pairs(grid, names, crowd_limit)
    similarity = _Similarity()
    for a, b in pairs:
        # Each pair in the order of (latitude, longitude, index), as when every pair was compared in that order:
        # difflib's ratio can depend on which name comes first.
        first, second = (a, b) if (points[a], a) < (points[b], b) else (b, a)
        (lat1, lon1), (lat2, lon2) = points[first], points[second]
        miles = geo.haversine_miles(lat1, lon1, lat2, lon2)
        if miles > DUPLICATE_RADIUS_MILES:
            continue
        ratio = similarity(names[first], names[second])
        if ratio >= DUPLICATE_NAME_RATIO:
            reasons.setdefault((min(first, second), max(first, second)), []).append(
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
                f"whether it is the same program as {first['id']}",
            )
        )
    notes = []
    for i, count in sorted(crowded.items()):
        p = ordered[i]
        notes.append(
            Finding(
                p["_file"],
                p["_line"],
                p["_column"],
                "crowded",
                p["id"],
                f"{count} programs are listed within about a mile of this one, too many to compare every pair: their "
                f"names were compared with the {NAME_NEIGHBOURS} nearest in alphabetical order on each side (give "
                "programs that share a ZIP code's centre their own map location to compare them all)",
            )
        )
    return found, notes


# Programs near one another (see _Grid) whose names are all compared pair by pair. In a crowd bigger than this,
# which happens when many programs share a ZIP code's centre, each name is compared with its neighbours in
# alphabetical order, forwards and backwards (the "sorted neighbourhood" of record linkage), and with the first
# program of the same name: near-linear, and still every pair that differs only in small places.
DUPLICATE_CROWD = 50
NAME_NEIGHBOURS = 8


class _Similarity:
    """difflib.SequenceMatcher(None, a, b).ratio() of two names, computed only when its two cheap upper bounds
    (real_quick_ratio: the lengths; quick_ratio: the letters in common, from counts made once per name) do not
    already rule the pair out, and remembered, since crowds repeat the same names."""

    ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "  # all that normalised_name leaves

    def __init__(self) -> None:
        self.counts: dict[str, tuple[int, ...]] = {}
        self.known: dict[tuple[str, str], float] = {}

    def letters(self, name: str) -> tuple[int, ...] | None:
        """How often each character of ALPHABET occurs in the name; None if it holds any other character."""
        if name not in self.counts:
            counts = tuple(map(name.count, self.ALPHABET))
            self.counts[name] = counts if sum(counts) == len(name) else None
        return self.counts[name]

    def __call__(self, a: str, b: str) -> float:
        length = len(a) + len(b)
        if not length:
            return 1.0
        if 2.0 * min(len(a), len(b)) / length < DUPLICATE_NAME_RATIO:
            return 0.0
        la, lb = self.letters(a), self.letters(b)
        common = sum(map(min, la, lb)) if la and lb else sum((Counter(a) & Counter(b)).values())
        if 2.0 * common / length < DUPLICATE_NAME_RATIO:
            return 0.0
        ratio = self.known.get((a, b))
        if ratio is None:
            ratio = self.known[(a, b)] = difflib.SequenceMatcher(None, a, b).ratio()
        return ratio


class _Grid:
    """Program points in cells about half a mile high, so that everything within half a mile of a point lies in
    the cells `around` it (the three rows around its own, and the columns its longitude reaches in each)."""

    def __init__(self, points: dict[int, tuple[float, float]]):
        self.dlat = DUPLICATE_RADIUS_MILES / 69.0  # degrees; a degree of latitude is more than 69 miles
        self.points = points
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, (lat, lon) in points.items():
            self.cells.setdefault(self.cell(lat, lon), []).append(i)

    def width(self, row: int) -> float:
        """The cell width (degrees of longitude) of a row: half a mile at the row's poleward edge and beyond."""
        edge = min(90.0, (max(abs(row), abs(row + 1)) + 1) * self.dlat)
        return self.reach(edge)

    def reach(self, lat: float) -> float:
        """How far in longitude a point within half a mile of latitude `lat` can be (from the haversine
        formula, for any partner up to `dlat` nearer the pole)."""
        c = math.cos(math.radians(min(90.0, abs(lat)))) * math.cos(math.radians(min(90.0, abs(lat) + self.dlat)))
        s = math.sin(DUPLICATE_RADIUS_MILES / geo.EARTH_RADIUS_MILES / 2) / math.sqrt(c) if c > 1e-12 else 2.0
        return 360.0 if s >= 1 else math.degrees(2 * math.asin(s)) * 1.0001

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        row = math.floor(lat / self.dlat)
        return row, math.floor(lon / self.width(row))

    def around(self, i: int) -> list[tuple[int, int]]:
        lat, lon = self.points[i]
        row, reach = math.floor(lat / self.dlat), self.reach(lat)
        found = []
        for r in (row - 1, row, row + 1):
            width = self.width(r)
            spans = [(lon - reach, lon + reach)] if reach < 180 else [(-180.0, 180.0)]
            if spans[0][0] < -180:  # across the antimeridian
                spans.append((spans[0][0] + 360, 180.0))
            if spans[0][1] > 180:
                spans.append((-180.0, spans[0][1] - 360))
            for lo, hi in spans:
                for col in range(math.floor(lo / width), math.floor(hi / width) + 1):
                    if (r, col) in self.cells and (r, col) not in found:
                        found.append((r, col))
        return found


def _name_pairs(grid: _Grid, names: list[str], crowd_limit: int) -> tuple[set[tuple[int, int]], dict[int, int]]:
    """The pairs of programs whose names are compared, and the crowded places (first program -> crowd size)."""
    pairs: set[tuple[int, int]] = set()
    crowds: dict[tuple[int, int], tuple[int, int]] = {}  # crowded cell -> (first program, most programs near one)
    links: dict[tuple[int, int], tuple[int, int]] = {}  # crowded cells next to one another form one place
    by_name: dict[tuple[int, int], list[tuple[str, int]]] = {}
    by_reversed: dict[tuple[int, int], list[tuple[str, int]]] = {}
    first_of_name: dict[tuple[int, int], dict[str, int]] = {}
    for i in grid.points:
        cells = grid.around(i)
        near = sum(len(grid.cells[c]) for c in cells) - 1
        if near <= crowd_limit:
            pairs.update((min(i, j), max(i, j)) for c in cells for j in grid.cells[c] if j != i)
            continue
        home = grid.cell(*grid.points[i])
        first, most = crowds.get(home, (i, 0))
        crowds[home] = (min(first, i), max(most, near + 1))
        for c in cells:
            _join(links, home, c)
        for c in cells:
            if c not in by_name:
                members = grid.cells[c]
                by_name[c] = sorted((names[j], j) for j in members)
                by_reversed[c] = sorted((names[j][::-1], j) for j in members)
                first_of_name[c] = {}
                for j in sorted(members):
                    first_of_name[c].setdefault(names[j], j)
            for ordering, key in ((by_name[c], names[i]), (by_reversed[c], names[i][::-1])):
                at = bisect.bisect_left(ordering, (key, i))
                for _, j in ordering[max(0, at - NAME_NEIGHBOURS) : at + NAME_NEIGHBOURS + 1]:
                    if j != i:
                        pairs.add((min(i, j), max(i, j)))
            j = first_of_name[c].get(names[i])
            if j is not None and j != i:
                pairs.add((min(i, j), max(i, j)))
    places: dict[tuple[int, int], tuple[int, int]] = {}
    for cell, (first, most) in crowds.items():
        root = _root(links, cell)
        known = places.get(root, (first, most))
        places[root] = (min(known[0], first), max(known[1], most))
    return pairs, dict(places.values())


def _root(links: dict, cell: tuple[int, int]) -> tuple[int, int]:
    while links.get(cell, cell) != cell:
        links[cell] = links.get(links[cell], links[cell])  # halve the path as we go
        cell = links[cell]
    return cell


def _join(links: dict, a: tuple[int, int], b: tuple[int, int]) -> None:
    ra, rb = _root(links, a), _root(links, b)
    if ra != rb:
        links[max(ra, rb)] = min(ra, rb)


def inconsistencies(programs: Iterable[dict], conditions: Mapping[str, dict]) -> list[Finding]:
    """Facts in a record that contradict each other (consistency.CHECKS), and license numbers two records share."""
    programs = list(programs)
    found = []
    for p in programs:
        for issue in consistency.issues(p, conditions):
            line, col = _at(p, issue.field)
            found.append(Finding(p["_file"], line, col, "inconsistent", p["id"], issue.message, issue.confirm))
    for p, i, first in consistency.shared_licenses(programs):
        line, col = _at(p, f"licenses[{i}]")
        number = p["licenses"][i]["number"]
        found.append(
            Finding(
                p["_file"],
                line,
                col,
                "inconsistent",
                p["id"],
                f"license {number} is also listed by {first['id']} ({first['_file']}:{first['_line']}): a license "
                "covers one program's place (check which program holds it)",
                f"its state license number (another listing has {number})",
            )
        )
    return found


def call_list(programs: Iterable[dict], findings: Iterable[Finding]) -> list[Call]:
    """Every program with something to confirm, oldest verification first, with all of it in one row: one call
    settles a program's findings together."""
    asks: dict[str, list[str]] = {}
    # What a caller asks first: is everything still right, then the contradictions, then what is missing.
    first = {"stale": 0, "inconsistent": 1, "duplicate": 2, "missing": 3}
    for f in sorted(findings, key=lambda f: (first.get(f.kind, 4), f)):
        if f.confirm and f.confirm not in asks.setdefault(f.program_id, []):
            asks[f.program_id].append(f.confirm)
    rows = [
        Call(p["id"], p["name"], p["phone"], p["last_verified"], tuple(asks[p["id"]]), f"{p['_file']}:{p['_line']}")
        for p in programs
        if asks.get(p["id"])
    ]
    return sorted(rows, key=lambda c: (c.last_verified, c.program_id))


def build_report(
    programs: list[dict],
    *,
    today: dt.date,
    max_age_months: int = DEFAULT_MAX_AGE_MONTHS,
    conditions: Mapping[str, dict] | None = None,
) -> Report:
    """Every finding about `programs`; `conditions` (the vocabulary) lets focus be checked against conditions."""
    duplicates, crowded = _duplicates(programs, DUPLICATE_CROWD)
    report = Report(
        stale_programs(programs, today, max_age_months),
        missing_recommended(programs),
        duplicates,
        len(programs),
        today,
        max_age_months,
        crowded,
        inconsistencies(programs, conditions or {}),
    )
    report.calls = call_list(programs, report.findings)
    return report


def _counts(report: Report) -> str:
    crowded = f", {len(report.crowded)} crowded places" if report.crowded else ""
    return (
        f"{len(report.stale)} stale, {len(report.missing)} missing recommended fields, "
        f"{len(report.duplicates)} likely duplicates{crowded}, {_count(len(report.inconsistent), 'inconsistency')} "
        f"among {report.program_count} programs (as of {report.today.isoformat()}); "
        f"{_count(len(report.calls), 'program')} to call."
    )


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun if n == 1 else plural}"


def render_text(report: Report) -> str:
    lines = [str(f) for f in report.findings]
    lines.append(_counts(report))
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    sections = (
        ("Stale programs", f"Last verified more than {report.max_age_months} months ago.", report.stale),
        ("Missing recommended fields", "Facts visitors look for that these records leave out.", report.missing),
        ("Likely duplicates", "Same phone, or near-identical names within half a mile.", report.duplicates),
        ("Inconsistencies", "Facts in one record that contradict each other.", report.inconsistent),
    )
    if report.crowded:
        sections += (
            ("Crowded places", "Too many programs close together to compare every pair of names.", report.crowded),
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


# --- CSV, GitHub annotations and the call list ---------------------------------------------------------------


def _csv(rows: Iterable[Iterable[object]]) -> str:
    """CSV with CRLF line ends, and text cells a spreadsheet cannot run as formulas (program names are data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([model.csv_text(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()


def render_csv(report: Report) -> str:
    """One row per finding: file, line, column, kind, program id, message."""
    header = [("file", "line", "column", "kind", "program_id", "message")]
    return _csv(header + [(f.file, f.line, f.column, f.kind, f.program_id, f.message) for f in report.findings])


def _annotation(text: str, *, property_value: bool = False) -> str:
    """Escaped as GitHub Actions workflow commands require: %, CR and LF, and in a property also : and ,."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def render_github(report: Report) -> str:
    """Each finding as a workflow warning on its line, so a pull request shows it where the record is."""
    lines = [
        f"::warning file={_annotation(f.file, property_value=True)},line={f.line},col={f.column},"
        f"title={_annotation(f.kind, property_value=True)}::{_annotation(f'{f.program_id}: {f.message}')}"
        for f in report.findings
    ]
    return "".join(line + "\n" for line in lines)


CALL_LIST_COLUMNS = ("id", "name", "phone", "last_verified", "what_to_confirm", "where")


def render_call_list(report: Report) -> str:
    """The re-verification call list as CSV, oldest verification first."""
    rows = [
        (c.program_id, c.name, c.phone, c.last_verified.isoformat(), "; ".join(c.confirm), c.where)
        for c in report.calls
    ]
    return _csv([CALL_LIST_COLUMNS, *rows])
