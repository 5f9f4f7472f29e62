"""The whole data folder -> one checked Dataset, or every problem found in it."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode

from . import geo, load, parallel
from .load import data_files, parse_bytes, parse_file
from .problems import Problem
from .validate import (
    CollectionChecker,
    Context,
    Vocabulary,
    check_collection,
    check_license_lookup,
    check_program,
    check_unique,
    check_unique_states,
    missing_license_lookups,
    quote,
)


@dataclass
class Dataset:
    programs: list[dict] = field(default_factory=list)
    conditions: dict[str, dict] = field(default_factory=dict)
    therapies: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    license_lookups: dict[str, dict] = field(default_factory=dict)  # state code -> where to check its licenses
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def display_path(path: Path, root: Path | None) -> str:
    """The path as a maintainer would type it: relative to the project when it lies inside it."""
    if root is not None:
        try:
            return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _vocabulary(name: str, records: list[dict]) -> Vocabulary:
    vocab = Vocabulary(name)
    for r in records:
        vocab.ids[r["id"]] = r.get("name") or r.get("title") or r["id"]
        for alias in r.get("aliases", []):
            vocab.aliases.setdefault(alias.lower(), r["id"])
        vocab.aliases.setdefault(vocab.ids[r["id"]].lower(), r["id"])
    return vocab


def load_dataset(
    data_dir: Path,
    *,
    root: Path | None = None,
    today: dt.date | None = None,
    program_files: list[Path] | None = None,
    zips: Mapping[str, geo.ZipInfo] | None = None,
    all_positions: bool = True,
    item_caches: dict[str, ItemCache] | None = None,
) -> Dataset:
    """Load and check the vocabularies, then the programs. Collects every problem; raises nothing for bad data.

    `program_files` replaces the default data/programs.yaml + data/programs/*.yaml (used by `validate PATH`).
    With `all_positions=False` (the site build) programs keep the line and column of their ids only, not of
    every field: nothing after loading needs the rest, and at 20,000 programs they are a third of the memory.
    `item_caches` (kept by `mkdocs serve` between rebuilds) lets unchanged program items be reused unread.
    """
    # The loader makes millions of short-lived objects and no reference cycles; the cyclic garbage collector
    # would only rescan the growing dataset again and again (a third of the load time at 20,000 programs).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_dataset(
            data_dir,
            root=root,
            today=today,
            program_files=program_files,
            zips=zips,
            all_positions=all_positions,
            item_caches=item_caches,
        )
    finally:
        if collecting:
            gc.enable()


def _load_dataset(
    data_dir: Path,
    *,
    root: Path | None,
    today: dt.date | None,
    program_files: list[Path] | None,
    zips: Mapping[str, geo.ZipInfo] | None,
    all_positions: bool = True,
    item_caches: dict[str, ItemCache] | None = None,
) -> Dataset:
    today = today or dt.date.today()
    zips = geo.zip_table() if zips is None else zips
    ds = Dataset()
    vocabularies: dict[str, Vocabulary] = {}
    # Order matters: therapies and conditions cite sources; conditions list therapies; programs use both.
    for collection in ("sources", "therapies", "conditions"):
        records = []
        for path in data_files(data_dir, collection):
            ds.files.append(path)
            shown = display_path(path, root)
            node, problems = parse_file(path, shown)
            ds.problems += problems
            if not problems:
                loaded = check_collection(node, collection, shown, vocabularies, today)
                ds.problems += loaded.problems
                records += loaded.records
        ds.problems += check_unique(records, collection)
        records = [r for r in records if r["_valid"]]
        vocabularies[collection] = _vocabulary(collection, records)
        setattr(ds, collection, {r["id"]: r for r in records})
    lookup_states, lookups_at = _load_license_lookups(ds, data_dir, root, today)

    files = data_files(data_dir, "programs") if program_files is None else program_files
    if program_files is None and not files:
        ds.problems.append(
            Problem(
                display_path(data_dir / "programs.yaml", root),
                1,
                1,
                "",
                "no program files found (create data/programs.yaml or data/programs/*.yaml)",
            )
        )
    for path in files:
        ds.files.append(path)
        shown = display_path(path, root)
        cache = None
        if item_caches is not None:
            cache = item_caches.setdefault(shown, ItemCache())
        records, problems = _load_programs_file(path, shown, vocabularies, today, zips, all_positions, cache)
        ds.problems += problems
        ds.programs += records
    ds.problems += check_unique(ds.programs, "programs", with_former=True)
    ds.problems += missing_license_lookups(ds.programs, lookup_states, *lookups_at)
    ds.programs = [p for p in ds.programs if p["_valid"]]
    ds.problems.sort(key=lambda p: (p.file, p.line, p.column, p.path))
    return ds


def _load_license_lookups(
    ds: Dataset, data_dir: Path, root: Path | None, today: dt.date
) -> tuple[set[str], tuple[str, int]]:
    """Read data/license_lookups.yaml into ds.license_lookups (by state). Returns the states it names (a state
    whose entry has a mistake is reported for that mistake alone, not also as missing) and where a missing state
    is reported: the file and the line of its "license_lookups:" list, where the fix is made."""
    files = data_files(data_dir, "license_lookups")
    at = (display_path(files[0] if files else data_dir / "license_lookups.yaml", root), 1)
    seen: list[dict] = []  # every entry, valid or not

    def record_check(lookup: dict, node, path: str, ctx: Context) -> None:
        check_license_lookup(lookup, node, path, ctx)
        seen.append(lookup)

    for path in files:
        ds.files.append(path)
        shown = display_path(path, root)
        node, problems = parse_file(path, shown)
        ds.problems += problems
        if problems:
            continue
        if path == files[0] and isinstance(node, MappingNode) and node.value:
            at = (shown, node.value[0][0].start_mark.line + 1)
        ds.problems += check_collection(node, "license_lookups", shown, {}, today, record_check=record_check).problems
    ds.problems += check_unique_states(seen)
    ds.license_lookups = {r["state"]: r for r in seen if r["_valid"]}
    return {r["state"] for r in seen if "state" in r}, at


class ItemCache:
    """Programs remembered by the text of their YAML item, so a rebuild re-reads only what an edit changed.

    Each entry is the record and problems found when the item was read on its own, with line numbers as in that
    reading; `load_dataset(item_cache=...)` moves them to where the item sits now. Entries are found by a digest
    of the item's text (the text itself would double what a build cache holds). The cache empties itself when
    anything else an item's checks depend on changes (vocabularies, today's date, the file's name).
    """

    def __init__(self) -> None:
        self.entries: dict[bytes, tuple[dict | None, list[Problem]]] = {}
        self.context: tuple | None = None
        self.misses = 0  # items read in the last load (for tests and timings)
        # Under `serve`: each item of the last load by its index, with its line, text, digest, entry, and its
        # record and problems as placed then (never written to a build cache on disk).
        self.placed: dict[int, tuple] = {}

    def plain(self) -> tuple:
        """The cache as plain data, for a build cache on disk."""
        return (self.context, self.entries)

    @classmethod
    def restore(cls, plain: tuple) -> ItemCache:
        context, entries = plain
        if not isinstance(entries, dict) or not (context is None or isinstance(context, tuple)):
            raise ValueError("not an item cache")
        cache = cls()
        cache.context, cache.entries = context, entries
        return cache

    def fill(self, context: tuple, found: list[tuple[int, str]], records: list[dict]) -> None:
        """Remember every item of a file read in one piece without a problem: item i's record is records[i],
        moved back to where the item stands when read on its own (line 2, index 0)."""
        self.context, self.entries, self.placed = context, {}, {}
        for (line, item), record in zip(found, records):
            shift = line - 2
            record["_key"] = record_key(record)
            alone = dict(record)
            alone["_line"] -= shift
            alone["_index"] = 0
            alone["_positions"] = {k: (ln - shift, col) for k, (ln, col) in record["_positions"].items()}
            self.entries[item_key(item)] = (alone, [])
        self.misses = len(found)


def item_key(item: str) -> bytes:
    return hashlib.blake2b(item.encode("utf-8"), digest_size=16).digest()


# A record's place in its file. Only its own page shows it (the "Edit this program" link), so the record key
# leaves it out: an edit that adds a line rewrites the pages below it but not their search files, cards or exports.
PLACE_KEYS = frozenset({"_line", "_column", "_index", "_positions", "_key"})


def record_key(record: dict) -> bytes:
    """A digest of everything a program's record says, without its place in its file.

    Records are final once checked (no later stage changes them), so a record the item cache keeps carries its
    key as `_key` and is not digested again on each rebuild (a second at 20,000 programs)."""
    key = record.get("_key")
    if key is None:
        pairs = [(k, v) for k, v in record.items() if k not in PLACE_KEYS]
        key = hashlib.blake2b(repr(pairs).encode("utf-8"), digest_size=16).digest()
    return key


def _vocabulary_key(vocabularies: dict[str, Vocabulary]) -> tuple:
    return tuple(
        (name, tuple(sorted(v.ids.items())), tuple(sorted(v.aliases.items())))
        for name, v in sorted(vocabularies.items())
    )


Check = Callable[[bytes | None, int], tuple[list[dict], list[Problem], bool]]


def _load_items(text: str, cache: ItemCache, context: tuple, check: Check) -> tuple[list[dict], list[Problem]] | None:
    """Read a programs file item by item through the cache; None if it must be read whole (any YAML error, or
    a layout load.items cannot cut), so errors are always reported by the one-piece reading."""
    found = load.items(text, "programs")
    if found is None:
        return None
    if cache.context != context:
        cache.entries, cache.context, cache.placed = {}, context, {}
    entries: dict[bytes, tuple[dict | None, list[Problem]]] = {}
    records: list[dict] = []
    problems: list[Problem] = []
    misses = 0
    last, placed = cache.placed, {}
    for index, (line, item) in enumerate(found):
        same = last.get(index)
        if same is not None and same[0] == line and same[1] == item:
            # The same text at the same place as in the last load: its record and problems as placed then.
            # (Comparing the text costs less than its digest, and nothing is copied.)
            placed[index] = same
            _, _, key, entry, record, its_problems = same
            entries[key] = entry
            if record is not None:
                records.append(record)
            problems += its_problems
            continue
        key = item_key(item)
        entry = entries.get(key) or cache.entries.get(key)
        if entry is None:
            misses += 1
            item_records, item_problems, ok = check(("programs:\n" + item).encode("utf-8"), 0)
            if not ok or len(item_records) > 1:
                return None
            if item_records:
                item_records[0]["_key"] = record_key(item_records[0])
            entry = (item_records[0] if item_records else None, item_problems)
        entries[key] = entry
        record, found_problems = entry
        shift = line - 2  # the item was read as line 2, after "programs:"
        if record is not None:
            record = dict(record)
            record["_line"] += shift
            record["_index"] = index
            record["_positions"] = {k: (ln + shift, col) for k, (ln, col) in record["_positions"].items()}
            records.append(record)
        its_problems = []
        for p in found_problems:
            path_text = (
                f"programs[{index}]" + p.path[len("programs[0]") :] if p.path.startswith("programs[0]") else p.path
            )
            its_problems.append(Problem(p.file, p.line + shift, p.column, path_text, p.message, p.severity))
        problems += its_problems
        placed[index] = (line, item, key, entry, record, its_problems)
    cache.entries = entries  # items no longer in the file are forgotten
    cache.placed = placed
    cache.misses = misses
    return records, problems


PARALLEL_MIN_BYTES = 2_000_000  # below this, reading a programs file in parts on several cores does not pay


def _load_programs_file(
    path: Path,
    shown: str,
    vocabularies: dict[str, Vocabulary],
    today: dt.date,
    zips: Mapping[str, geo.ZipInfo],
    all_positions: bool = True,
    item_cache: ItemCache | None = None,
) -> tuple[list[dict], list[Problem]]:
    """Parse and check one programs file: through the item cache under `mkdocs serve`, in parts on every core
    when it is big, else in one piece.

    The parts (load.split_items) and items keep every line number and record index, so their records and
    problems are the ones a single pass finds. If any of them has a YAML error, the whole file is read in one
    piece, so the error is reported exactly as it would be without the split.
    """

    def check(data: bytes | None, start_index: int = 0) -> tuple[list[dict], list[Problem], bool]:
        checker = CollectionChecker(
            "programs",
            shown,
            vocabularies,
            today,
            start_index=start_index,
            record_check=lambda p, n, path, ctx: _check_place(p, path, ctx, zips, all_positions),
        )
        stream = ("programs", checker.record)
        node, problems = parse_file(path, shown, stream) if data is None else parse_bytes(data, shown, stream)
        if problems:
            return [], problems, False
        loaded = checker.finish(node)
        return loaded.records, loaded.problems, True

    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        data = text = None  # the one-piece reading reports why
    if text is not None and "\x00" not in text:
        if item_cache is not None:
            context = (shown, _vocabulary_key(vocabularies), today, all_positions)
            if item_cache.context == context and item_cache.entries:
                cached = _load_items(text, item_cache, context, check)
                if cached is not None:
                    return cached
            # Nothing to reuse: reading the file in one piece (on every core) is faster than item by item, and
            # when it reads cleanly it fills the cache for the next build.
            records, problems = _read_whole(text, data, check)
            found = load.items(text, "programs") if not problems else None
            if found is not None and [line for line, _ in found] == [r["_line"] for r in records]:
                item_cache.fill(context, found, records)
            else:
                item_cache.context, item_cache.entries, item_cache.misses = None, {}, len(records)
                item_cache.placed = {}
            return records, problems
        return _read_whole(text, data, check)
    records, problems, _ = check(data)
    return records, problems


def _read_whole(text: str, data: bytes, check: Check) -> tuple[list[dict], list[Problem]]:
    """A programs file read in one piece, or in parts on every core when it is big (see _load_programs_file)."""
    workers = parallel.workers()
    if parallel.enabled and workers > 1 and len(data) >= PARALLEL_MIN_BYTES:
        parts = load.split_items(text, "programs", workers * 2)
        if parts:
            results = parallel.pmap(lambda part: check(part[1].encode("utf-8"), part[0]), parts, min_items=2)
            if all(ok for _, _, ok in results):
                return (
                    [r for records, _, _ in results for r in records],
                    [p for _, problems, _ in results for p in problems],
                )
    records, problems, _ = check(data)
    return records, problems


def _check_place(
    program: dict, path: str, ctx: Context, zips: Mapping[str, geo.ZipInfo], all_positions: bool = True
) -> None:
    """Cross-field rules, plus the address against the ZIP table; attaches the coordinates used on maps."""
    try:
        _check_program_place(program, path, ctx, zips)
    finally:
        if not all_positions:
            program["_positions"] = {
                k: v for k, v in program["_positions"].items() if k == "id" or k.startswith("former_ids[")
            }


def _check_program_place(program: dict, path: str, ctx: Context, zips: Mapping[str, geo.ZipInfo]) -> None:
    check_program(program, None, path, ctx)
    if "address" not in program:
        return

    def add(rel: str, message: str, severity: str = "error") -> None:
        line, col = program["_positions"].get(rel, (program["_line"], program["_column"]))
        ctx.problems.append(Problem(ctx.file, line, col, f"{path}.{rel}", message, severity))

    address = program["address"]
    if "zip" not in address or "state" not in address:
        return
    info = zips.get(address["zip"])
    if info is None:
        add("address.zip", f"ZIP code {quote(address['zip'])} does not exist (check the number on the program's mail)")
        return
    if info.state != address["state"]:
        add(
            "address.zip",
            f"ZIP code {quote(address['zip'])} is in {info.state}, not {address['state']} (check the state or the ZIP)",
        )
    loc = program.get("location")
    if loc:
        miles = geo.haversine_miles(loc["lat"], loc["lon"], info.lat, info.lon)
        if miles > geo.FAR_FROM_ZIP_MILES:
            add(
                "location",
                f"is {miles:.0f} miles from the centre of ZIP {address['zip']} "
                f"(check that lat and lon are not swapped or mistyped)",
                "warning",
            )
    if not program["_valid"]:
        return
    lat, lon, basis = geo.program_point(program, zips)
    program["_point"] = (lat, lon)
    program["_point_basis"] = basis
