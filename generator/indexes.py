"""Static search data for the finder, sharded so one search downloads only what lies near the searched point.

    search/manifest.json      quadtree leaves with program counts, vocabulary order, labels
    search/zip/<ddd>.json     ZIP -> [lat, lon, state] for one 3-digit ZIP prefix
    search/p/<leaf>.json      compact program records of one quadtree leaf (at most LEAF_SIZE programs)
    search/x/<leaf>.json      the leaf's word index (which programs hold each word), fetched only when a person
                              types words
    es/search/x/<leaf>.json   the same word indexes in another language: its names
                              of conditions and therapies and of the states, its stemmer (spanish.py); the place
                              files above are every language's

Leaves split the world into quadrants until each holds at most LEAF_SIZE programs, so a dense city is cut fine
and an empty state costs nothing. The browser reads the manifest, works out which leaves touch its search circle,
and fetches the nearest first. Nothing in a request names the searched ZIP or point beyond its 3-digit prefix
or leaf.

A state's video (telehealth) programs come from the leaves that hold the state's programs (the manifest's
state_leaves), read by the same records and word indexes: no file repeats them (a list per state did, 7 MB of
English at 20,000 programs). The manifest keeps how many each state has, so a state with none costs no request.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from . import geo, model, spanish, views
from .dataset import Dataset
from .views import phone_text

LEAF_SIZE = 48
MAX_DEPTH = 18
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Filter:
    """One of the finder's filters, declared once for the form, the links and the search data: its name in the
    form and in links (?condition=ptsd), the key of the program's values in a search record and the manifest
    (finder.js reads it from the form's data-key), the program field the values come from, and how ticked boxes
    combine ("any": a program with any of them matches; "all": it must have every one)."""

    name: str
    key: str
    field: str
    legend: str
    mode: str


FILTERS = (
    Filter("focus", "fo", "focus", "Treats", "any"),
    Filter("condition", "cd", "conditions", "Conditions", "all"),
    Filter("therapy", "th", "therapies", "Therapies", "all"),
    Filter("med", "md", "medications", "Medications for addiction", "all"),
    Filter("pay", "py", "payment", "Payment", "any"),
    Filter("pop", "po", "populations", "Who it serves", "all"),
    Filter("lang", "lg", "languages", "Language", "any"),
    Filter("time", "ss", "sessions", "When sessions happen", "any"),
    Filter("level", "lv", "levels_of_care", "Levels of care", "all"),
    Filter("open", "np", "new_patients", "New patients (as last confirmed)", "any"),
)
# The data model's vocabulary behind each search key, by its name in the locales (vocab.<NAME>).
VOCABULARIES = {
    "fo": "FOCUS",
    "md": "MEDICATIONS",
    "py": "PAYMENT",
    "po": "POPULATIONS",
    "lv": "LEVELS_OF_CARE",
    "ss": "SESSIONS",
    "lg": "LANGUAGES",
    "np": "NEW_PATIENTS",
    "iw": "INTAKE_WAYS",
}
# Search records hold the list-valued filters as indices into the manifest's `vocab` lists (focus is one value).
LIST_FIELDS = {f.key: f.field for f in FILTERS if f.key != "fo"}


def filter_values(p: dict, field: str) -> list[str]:
    """A program's values for one list-valued filter (sessions live in the schedule, the new-patient status in
    new_patients)."""
    if field == "sessions":
        return p["schedule"]["sessions"]
    if field == "new_patients":
        return [p["new_patients"]["status"]] if p.get("new_patients") else []
    return p.get(field, [])


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def vocab_lists(ds: Dataset) -> dict[str, list[str]]:
    """The order of every filter vocabulary; program records refer to values by position in these lists."""
    langs = sorted(
        {code for p in ds.programs for code in p["languages"]}, key=lambda c: (c != "en", model.LANGUAGES[c])
    )
    return {
        "cd": list(ds.conditions),
        "th": list(ds.therapies),
        "md": list(model.MEDICATIONS),
        "py": list(model.PAYMENT),
        "po": list(model.POPULATIONS),
        "lg": langs,
        "lv": list(model.LEVELS_OF_CARE),
        "ss": list(model.SESSIONS),
        "fo": list(model.FOCUS),
        "np": list(model.NEW_PATIENTS),
        "iw": list(model.INTAKE_WAYS),  # not a filter: the referral list's "How to start" (cards.card)
    }


def program_record(
    p: dict,
    positions: Mapping[str, Mapping[str, int]],
    today: dt.date,
    stale_after_months: int = views.STALE_AFTER_MONTHS,
) -> dict:
    """What the finder needs of one program: enough to filter, sort and show a result card with its decision facts,
    with the day it was last verified and whether that is so long ago that the card says it may be out of date.
    Facts, not sentences: the card's words come from iop.js in the page's language (tests/test_js_parity.py checks
    they equal the program page's), so one record serves every language and 20,000 of them stay small."""
    lat, lon = p["_point"]
    schedule = p["schedule"]
    rec = {
        "id": p["id"],
        "n": p["name"],
        "c": p["address"]["city"],
        "s": p["address"]["state"],
        "ph": phone_text(p["phone"]),
        "la": round(lat, 5),
        "lo": round(lon, 5),
        "fo": positions["fo"][p["focus"]],
        "tv": 1 if p["telehealth"] else 0,
        "h": schedule["hours_per_week"],
        "d": schedule["days_per_week"],
    }
    if views.is_stale(p, today, stale_after_months):
        rec["vs"] = 1  # the card shows the manifest's stale_note
    for key in positions:  # in the manifest's order, so records keep one key order
        field = LIST_FIELDS.get(key)
        if field is not None:
            rec[key] = sorted(positions[key][v] for v in filter_values(p, field))
    if p.get("ages"):
        ages = p["ages"]
        rec["a"] = [ages["min"]] + ([ages["max"]] if "max" in ages else [])  # the age filter and the card's words
    if schedule.get("details"):
        rec["dt"] = schedule["details"]
    if p.get("new_patients"):
        rec["nf"] = p["new_patients"]["confirmed"].isoformat()  # with the status in "np": "... (confirmed <date>)"
    rec["vf"] = p["last_verified"].isoformat()  # the card's date and its <time datetime>
    if not p.get("telehealth_only"):
        # The directions link is made from these (IOP.directionsUrl, the same link as views.directions_url).
        rec["st"], rec["z"] = p["address"]["street"], p["address"]["zip"]
    if p.get("example"):
        rec["ex"] = 1
    if p.get("telehealth_only"):
        rec["vo"] = 1  # meets only by video: listed, but not placed on the results map
    return rec


def quadtree(points: Iterable[tuple[str, float, float]], leaf_size: int = LEAF_SIZE) -> dict[str, list[str]]:
    """Split the world into quadrants (keys of digits 0-3, see `quadrant`) until each holds at most leaf_size
    points."""
    leaves: dict[str, list[str]] = {}
    stack = [("", (-90.0, -180.0, 90.0, 180.0), list(points))]
    while stack:
        key, box, pts = stack.pop()
        if len(pts) <= leaf_size or len(key) >= MAX_DEPTH:
            if pts:
                leaves[key or "r"] = [pid for pid, _, _ in pts]
            continue
        s, w, n, e = box
        mid_lat, mid_lon = (s + n) / 2, (w + e) / 2
        quads = defaultdict(list)
        for pt in pts:
            _, lat, lon = pt
            quads[(lat >= mid_lat) * 2 + (lon >= mid_lon)].append(pt)
        for q, sub in quads.items():
            stack.append((key + str(q), quadrant(box, q), sub))
    return leaves


def quadrant(box: tuple[float, float, float, float], q: int) -> tuple[float, float, float, float]:
    """Quarter q of a (south, west, north, east) box: 2 and 3 are the northern half, 1 and 3 the eastern."""
    s, w, n, e = box
    mid_lat, mid_lon = (s + n) / 2, (w + e) / 2
    s, n = (mid_lat, n) if q >= 2 else (s, mid_lat)
    w, e = (mid_lon, e) if q % 2 else (w, mid_lon)
    return s, w, n, e


def leaf_bounds(key: str) -> tuple[float, float, float, float]:
    """The (south, west, north, east) box of a leaf key; "r" is the whole world. finder.js has the same
    (IOP.leafBounds in iop.js) to find the leaves a search circle touches."""
    box = (-90.0, -180.0, 90.0, 180.0)
    for digit in "" if key == "r" else key:
        box = quadrant(box, int(digit))
    return box


def text_document(p: dict, ds: Dataset) -> dict:
    return {
        "id": p["id"],
        "name": p["name"] + (" " + p["organization"] if p.get("organization") else ""),
        "city": f"{p['address']['city']} {model.US_STATES[p['address']['state']]}",
        "topics": " ".join(
            [ds.conditions[c]["name"] + " " + " ".join(ds.conditions[c].get("aliases", [])) for c in p["conditions"]]
            + [ds.therapies[t]["name"] + " " + " ".join(ds.therapies[t].get("aliases", [])) for t in p["therapies"]]
        ),
        "summary": p["summary"],
    }


def text_document_in(p: dict, ds: Dataset, words, code: str) -> dict:
    """A program's text document in another language (`words`: its Words, `code`: its code): the names of its
    conditions and therapies and their aliases from their `translations:`, its state's name in the language,
    and its summary in the language if the program gives one (never the English: the language's stemmer would
    make nonsense of it)."""

    def named(entry: dict) -> str:
        own = entry.get("translations", {}).get(code, {})
        return own.get("name", entry["name"]) + " " + " ".join(own.get("aliases", []))

    state = p["address"]["state"]
    summary = p.get("translations", {}).get(code, {}).get("summary")
    return {
        "id": p["id"],
        "name": p["name"] + (" " + p["organization"] if p.get("organization") else ""),
        "city": f"{p['address']['city']} {words.vocab('US_STATES', state, model.US_STATES[state])}",
        "topics": " ".join(
            [named(ds.conditions[c]) for c in p["conditions"]] + [named(ds.therapies[t]) for t in p["therapies"]]
        ),
        "summary": summary,
    }


# Languages whose word search has a stemmer of its own (the others use lunr's English pipeline).
STEMMERS = {"es": spanish.words}


@cache
def _normalised(word: str) -> str | None:
    """lunr's indexing pipeline (trimmer, stop words, stemmer) for one word, worked out once per distinct word.

    Program texts repeat the same words thousands of times; running the Porter stemmer once per word instead of
    once per occurrence makes the indexes several times faster and byte-identical.
    """
    token = Token(word)
    for fn in (trimmer, stop_word_filter, stemmer):
        token = fn(token)
        if not token:
            return None
    return str(token)


_WORD = re.compile("[^" + re.escape(" \t\n\r\f\v\xa0-") + "]+")  # lunr's tokenizer: split on spaces and hyphens

TEXT_FIELDS = ("name", "city", "topics", "summary")
WORDS_VERSION = 2  # search/x/<leaf>.json; version 1 was a serialized lunr index


def program_words(doc: dict, code: str = "en") -> set[str]:
    """Every word of a program's text document as lunr indexes it: lower case, split on spaces and hyphens, then
    its pipeline (trimmer, stop words, stemmer); in a language with a stemmer of its own (STEMMERS), that."""
    words = set()
    for name in TEXT_FIELDS:
        value = doc[name]
        if value is None:
            continue
        if code in STEMMERS:
            words.update(STEMMERS[code](str(value)))
        else:
            words.update(map(_normalised, _WORD.findall(str(value).lower())))
    words.discard(None)
    return words


def word_index(docs: list[dict], code: str = "en") -> dict:
    """Which programs hold each word: {"v", "ids": [program ids], "words": {word: [positions in ids]}}.

    The finder keeps a program only when it holds every word typed (lunr's required terms) and never ranks by
    score, so this is all of a lunr index it needs, at a fraction of the size (no per-field vectors, each program
    id once). finder.js turns typed words into index words with lunr's own tokenizer and stemmer, as lunr's
    query pipeline does, and `matches` here does the same with lunr.py's (tests compare both with lunr.py's
    search)."""
    holders: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        for word in program_words(doc, code):
            holders.setdefault(word, []).append(i)
    return {"v": WORDS_VERSION, "ids": [str(d["id"]) for d in docs], "words": dict(sorted(holders.items()))}


def matches(index: dict, typed: list[str], code: str = "en") -> set[str]:
    """The ids of the programs in a word index that hold every typed word (each word lower-cased and run through
    lunr's stemmer, or the language's own, as the finder's query does)."""
    found: set[int] | None = None
    for word in typed:
        tokens = (
            STEMMERS[code](word) if code in STEMMERS else [str(stemmer(Token(t))) for t in _WORD.findall(word.lower())]
        )
        for token in tokens:
            holders = set(index["words"].get(token, ()))
            found = holders if found is None else found & holders
    return {index["ids"][i] for i in found or ()}


CARDS_PER_SHARD = 16


def card_shard_count(programs: int) -> int:
    """How many files the list page's program cards are spread over: a power of two, about 16 cards in each."""
    shards = 1
    while shards * CARDS_PER_SHARD < programs:
        shards *= 2
    return shards


@cache  # each id is hashed for its card file and for each export's slices
def fnv1a(text: str) -> int:
    """FNV-1a, 32-bit: a small stable hash that list.js computes the same way."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def card_shard(program_id: str, shards: int) -> int:
    """The card file of a program: FNV-1a of its id, modulo the shard count (list.js does the same)."""
    return fnv1a(program_id) % shards


class SearchData:
    """The finder's search files, worked out cheaply up front (which leaves, how many video programs each state
    has, which ZIP prefixes) so the build plan can list every file; each file is then made on its own (`records_file`,
    `index_file`, `zip_file`, `manifest`), on whichever core the executor gives it."""

    def __init__(
        self,
        ds: Dataset,
        zips: Mapping[str, geo.ZipInfo] | None = None,
        *,
        today: dt.date | None = None,
        stale_after_months: int = views.STALE_AFTER_MONTHS,
    ):
        self.ds = ds
        self.today = today or dt.date.today()
        self.stale_after_months = stale_after_months
        self.zips = geo.zip_table() if zips is None else zips
        self.vocab = vocab_lists(ds)
        self.positions = {k: {v: i for i, v in enumerate(values)} for k, values in self.vocab.items()}
        self.by_id = {p["id"]: p for p in ds.programs}
        self.leaves = quadtree((pid, *p["_point"]) for pid, p in self.by_id.items())
        tele: dict[str, list[str]] = defaultdict(list)
        for p in ds.programs:
            if p["telehealth"]:
                tele[p["address"]["state"]].append(p["id"])
        self.tele = tele
        self.prefixes: dict[str, dict[str, list]] = defaultdict(dict)
        for z, info in self.zips.items():
            self.prefixes[z[:3]][z] = [info.lat, info.lon, info.state]

    def state_leaves(self) -> dict[str, list[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for key, ids in self.leaves.items():
            for pid in ids:
                found[self.by_id[pid]["address"]["state"]].add(key)
        return {state: sorted(keys) for state, keys in sorted(found.items())}

    def groups(self) -> list[tuple[str, str, list[str]]]:
        """(records file, text index file, program ids) for every leaf."""
        return [(f"search/p/{key}.json", f"search/x/{key}.json", sorted(ids)) for key, ids in self.leaves.items()]

    def records_file(self, ids: list[str]) -> str:
        programs = [self.by_id[i] for i in ids]
        records = [program_record(p, self.positions, self.today, self.stale_after_months) for p in programs]
        return dumps({"v": FORMAT_VERSION, "programs": records})

    def index_file(self, ids: list[str], lang=None) -> str:
        """A word index; in another language than the site's (`lang`, a languages.Language), its own."""
        if lang is None or not lang.translated:
            return dumps(word_index([text_document(self.by_id[i], self.ds) for i in ids]))
        docs = [text_document_in(self.by_id[i], self.ds, lang.words, lang.code) for i in ids]
        return dumps(word_index(docs, lang.code))

    def zip_file(self, prefix: str) -> str:
        return dumps(dict(sorted(self.prefixes[prefix].items())))

    def labels(self, lang=None) -> dict[str, list[str]]:
        """The label of every vocabulary value, in the manifest's order; in another language (`lang`), its
        words (vocab.<VOCABULARY> of its locale, the conditions' and therapies' `translations:`)."""
        english = self._labels()
        if lang is None or not lang.translated:
            return {k: [english[k][v] for v in self.vocab[k]] for k in english}
        own = {
            "cd": {cid: c["translations"][lang.code]["name"] for cid, c in self.ds.conditions.items()},
            "th": {tid: t["translations"][lang.code]["name"] for tid, t in self.ds.therapies.items()},
        }
        return {
            k: [own[k][v] if k in own else lang.words.vocab(VOCABULARIES[k], v, english[k][v]) for v in self.vocab[k]]
            for k in english
        }

    def _labels(self) -> dict[str, Mapping[str, str]]:
        ds, vocab = self.ds, self.vocab
        return {
            "fo": model.FOCUS,
            "md": model.MEDICATIONS,
            "py": model.PAYMENT,
            "po": model.POPULATIONS,
            "lv": model.LEVELS_OF_CARE,
            "ss": model.SESSIONS,
            "cd": {cid: c["name"] for cid, c in ds.conditions.items()},
            "th": {tid: t["name"] for tid, t in ds.therapies.items()},
            "lg": {code: model.LANGUAGES[code] for code in vocab["lg"]},
            "np": model.NEW_PATIENTS,
            "iw": model.INTAKE_WAYS,
        }

    def manifest(self) -> str:
        labels = self._labels()
        return dumps(
            {
                "v": FORMAT_VERSION,
                "leaves": {key: len(ids) for key, ids in sorted(self.leaves.items())},
                "telehealth": {state: len(ids) for state, ids in sorted(self.tele.items())},
                "zip_prefixes": sorted(self.prefixes),
                "vocab": self.vocab,
                "labels": {k: [labels[k][v] for v in self.vocab[k]] for k in labels},
                "short": {k: [views.short_label(labels[k][v]) for v in self.vocab[k]] for k in labels},
                "states": model.US_STATES,
                # The leaves holding each state's programs, for a search of a whole state (words without a ZIP).
                "state_leaves": self.state_leaves(),
                "stale_note": views.STALE_NOTE,
            }
        )
