"""The whole data folder -> one checked Dataset, or every problem found in it."""

from __future__ import annotations

import datetime as dt
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from . import geo
from .load import data_files, parse_file
from .problems import Problem
from .validate import CollectionChecker, Context, Vocabulary, check_collection, check_program, check_unique, quote


@dataclass
class Dataset:
    programs: list[dict] = field(default_factory=list)
    conditions: dict[str, dict] = field(default_factory=dict)
    therapies: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
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


def load_dataset(data_dir: Path, *, root: Path | None = None, today: dt.date | None = None,
                 program_files: list[Path] | None = None,
                 zips: Mapping[str, geo.ZipInfo] | None = None) -> Dataset:
    """Load and check the vocabularies, then the programs. Collects every problem; raises nothing for bad data.

    `program_files` replaces the default data/programs.yaml + data/programs/*.yaml (used by `validate PATH`).
    """
    # The loader makes millions of short-lived objects and no reference cycles; the cyclic garbage collector
    # would only rescan the growing dataset again and again (a third of the load time at 20,000 programs).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_dataset(data_dir, root=root, today=today, program_files=program_files, zips=zips)
    finally:
        if collecting:
            gc.enable()


def _load_dataset(data_dir: Path, *, root: Path | None, today: dt.date | None, program_files: list[Path] | None,
                  zips: Mapping[str, geo.ZipInfo] | None) -> Dataset:
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

    files = data_files(data_dir, "programs") if program_files is None else program_files
    if program_files is None and not files:
        ds.problems.append(Problem(display_path(data_dir / "programs.yaml", root), 1, 1, "",
                                   "no program files found (create data/programs.yaml or data/programs/*.yaml)"))
    for path in files:
        ds.files.append(path)
        shown = display_path(path, root)
        checker = CollectionChecker("programs", shown, vocabularies, today,
                                    record_check=lambda p, n, path, ctx: _check_place(p, path, ctx, zips))
        node, problems = parse_file(path, shown, stream=("programs", checker.record))
        ds.problems += problems
        if problems:
            continue
        loaded = checker.finish(node)
        ds.problems += loaded.problems
        ds.programs += loaded.records
    ds.problems += check_unique(ds.programs, "programs", with_former=True)
    ds.programs = [p for p in ds.programs if p["_valid"]]
    ds.problems.sort(key=lambda p: (p.file, p.line, p.column, p.path))
    return ds


def _check_place(program: dict, path: str, ctx: Context, zips: Mapping[str, geo.ZipInfo]) -> None:
    """Cross-field rules, plus the address against the ZIP table; attaches the coordinates used on maps."""
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
        add("address.zip", f"ZIP code {quote(address['zip'])} is in {info.state}, not {address['state']} "
                           "(check the state or the ZIP)")
    loc = program.get("location")
    if loc:
        miles = geo.haversine_miles(loc["lat"], loc["lon"], info.lat, info.lon)
        if miles > geo.FAR_FROM_ZIP_MILES:
            add("location", f"is {miles:.0f} miles from the centre of ZIP {address['zip']} "
                            f"(check that lat and lon are not swapped or mistyped)", "warning")
    if not program["_valid"]:
        return
    lat, lon, basis = geo.program_point(program, zips)
    program["_point"] = (lat, lon)
    program["_point_basis"] = basis
