"""The header search's name index: program names, cities, and condition and therapy pages, so the search box in
every page's header finds what people type without putting thousands of programs into the theme's own index.

    search/n/index.json     the condition and therapy pages, and every shard with how many entries it holds
    search/n/<key>.json     the programs and cities with a word that starts with <key>

A shard is named by the first three letters of a word (a shorter word is its own key). A shard that would hold
more than SHARD_MAX entries is cut into one shard per whole word, and a word in more than SHARD_MAX names is not
indexed at all ("center", at scale): the browser then picks another word of the query, or asks for more of the
name. So a search fetches one or a few small files, whatever the size of the directory.

assets/js/iop.js has the twins of `words` and `file_name` (IOP.searchWords, IOP.shardFileName), and
tests/test_js_parity.py checks they agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

from . import model, views
from .dataset import Dataset
from .indexes import FORMAT_VERSION, dumps

SHARD_MAX = 300
PREFIX = 3
_SPLIT = re.compile(r"[^\w]+|_+")
_MARKS = re.compile("[\u0300-\u036f]")
_SAFE_NAME = re.compile("[a-z0-9]+")


@cache
def words(text: str) -> tuple[str, ...]:
    """The words of a name as the search compares them: lower case, accents dropped, no number-only words (a
    number-only word could be part of a ZIP code, which must never name a file the browser asks for)."""
    folded = _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()
    return tuple(w for w in _SPLIT.split(folded) if w and not all(unicodedata.category(c)[0] == "N" for c in w))


def file_name(key: str) -> str:
    """A shard's file name: the key itself when it is plain ASCII letters and digits, else "u" and its UTF-8 in hex."""
    return key if _SAFE_NAME.fullmatch(key) else "u" + key.encode("utf-8").hex()


Facts = tuple[tuple[str, str, str | None, str, str], ...]  # each program's id, name, organization, city, state
Layout = tuple[dict, dict, dict]  # cities with their counts, shards with their entries, split prefixes


def name_facts(ds: Dataset) -> Facts:
    """All the name index is made from: a rebuild may reuse its layout while these stay equal."""
    return tuple(
        (p["id"], p["name"], p.get("organization"), p["address"]["city"], p["address"]["state"]) for p in ds.programs
    )


def layout(facts: Facts) -> Layout:
    """Which shard holds which entries (a program is ("p", id), a place ("c", city, state)), and the prefixes cut
    into whole words. The words of 20,000 names take most of a second, so a build keeps this in its cache."""
    entries: dict[str, set[tuple]] = defaultdict(set)  # word -> entries
    cities: dict[tuple[str, str], int] = defaultdict(int)
    for pid, name, organization, city, state in facts:
        entry = ("p", pid)
        for w in words(" ".join(filter(None, (name, organization, city)))):
            entries[w].add(entry)
        cities[(city, state)] += 1
    for city, state in cities:
        for w in words(city):
            entries[w].add(("c", city, state))
    by_prefix: dict[str, set[str]] = defaultdict(set)
    for w in entries:
        by_prefix[w[:PREFIX]].add(w)
    shards: dict[str, list[tuple]] = {}
    split: dict[str, dict[str, int]] = {}  # prefix -> whole word -> entries (0: too common to index)
    for prefix, ws in sorted(by_prefix.items()):
        held = set().union(*(entries[w] for w in ws))
        if len(held) <= SHARD_MAX:
            shards[prefix] = sorted(held)
            continue
        split[prefix] = {}
        for w in sorted(ws):
            common = len(entries[w]) > SHARD_MAX
            split[prefix][w] = 0 if common else len(entries[w])
            if not common:
                shards[w] = sorted(entries[w])
    return dict(cities), shards, split


class NameIndex:
    """The header search's files for a dataset, from its layout (made here unless the catalogue kept one)."""

    def __init__(self, ds: Dataset, kept: Layout | None = None):
        self.ds = ds
        self.by_id = {p["id"]: p for p in ds.programs}
        self.cities, self.shards, self.split = kept if kept is not None else layout(name_facts(ds))

    def files(self) -> list[tuple[str, str, list[str]]]:
        """(shard key, search/n/<file>.json, the ids of the programs it names) for every shard."""
        return [
            (key, f"search/n/{file_name(key)}.json", sorted({e[1] for e in held if e[0] == "p"}))
            for key, held in self.shards.items()
        ]

    def shown(self, key: str) -> tuple[list[list], list[list]]:
        """What a shard shows: each program's id, name, city and state, each place with its count. A build plan
        keys the shard with exactly this, so an edit of a program's phone or hours leaves its shards alone."""
        programs, places = [], []
        for e in self.shards[key]:
            if e[0] == "p":
                p = self.by_id[e[1]]
                programs.append([p["id"], p["name"], p["address"]["city"], p["address"]["state"]])
            else:
                _, city, state = e
                places.append([city, state, self.cities[(city, state)], views.anchor(city)])
        return programs, places

    def shard_file(self, key: str) -> str:
        programs, places = self.shown(key)
        programs.sort(key=lambda r: (r[1].lower(), r[0]))
        places.sort(key=lambda r: (r[0].lower(), r[1]))
        return dumps({"v": FORMAT_VERSION, "p": programs, "c": places})

    def manifest(self) -> str:
        pages = [
            [c["name"], f"conditions/{cid}/", "condition", " ".join(c.get("aliases", []))]
            for cid, c in self.ds.conditions.items()
        ] + [
            [t["name"], f"therapies/{tid}/", "therapy", " ".join(t.get("aliases", []))]
            for tid, t in self.ds.therapies.items()
        ]
        return dumps(
            {
                "v": FORMAT_VERSION,
                "prefix": PREFIX,
                "shards": {key: len(held) for key, held in self.shards.items() if key[:PREFIX] not in self.split},
                "split": self.split,
                "pages": pages,
                "states": model.US_STATES,
            }
        )
