"""The files importers write, written so that no input can harm the rest of the repository.

An importer (`python -m generator import-samhsa`, and any later one) turns rows from elsewhere into program records
and merges them into files of its own under data/programs/. The rules every importer follows live here:

- A file's path is made only from validated values: the importer's prefix and a state code from model.US_STATES,
  inside data/programs/, which must be a real folder inside data/ (not a link to somewhere else).
- A file is an importer's own only if its header holds the importer's owner line. Any other file, a link, or a
  folder in its place is never written over or emptied.
- What an owned file already holds is read with the site's own loader and must be valid, so every value comes
  back exactly as the maintainers wrote it (a quoted ZIP "02134" stays text).
- Every other data file must parse and the vocabularies must be valid: new records then avoid every id in use.
- The new text is checked by the same validation as a build before anything is replaced (see `Staged`).
- Writes are atomic: a temporary file in the same folder, flushed to disk, then renamed over the old one, so a
  crash or a full disk leaves the old file whole.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from . import model
from .dataset import display_path, load_dataset
from .load import data_files, parse_file
from .problems import Problem


class ImportRefused(Exception):
    """The import wrote nothing; each line says why and what to do."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = list(lines)


@dataclass
class OwnedFile:
    path: Path
    shown: str  # as the maintainer would type it
    records: list[dict]  # what the file holds now, exactly as written (empty for a new file)
    exists: bool


def owned_path(data_dir: Path, prefix: str, state: str) -> Path:
    """data/programs/<prefix>-<state>.yaml, for a state code from the list of states only."""
    if state not in model.US_STATES:
        raise ValueError(f"not a state code: {state!r}")
    return data_dir / "programs" / f"{prefix}-{state.lower()}.yaml"


def is_owned(path: Path, owner_line: str) -> bool:
    """Whether the file's opening comments hold the importer's owner line."""
    try:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    return False
                if line.rstrip("\r\n") == owner_line:
                    return True
    except (OSError, UnicodeDecodeError):
        return False
    return False


def _as_typed(path: Path, root: Path) -> str:
    """A path as the maintainer would type it, without following links (display_path shows a link's target)."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def _check_place(data_dir: Path, path: Path, owner_line: str, shown: str, root: Path) -> None:
    folder = path.parent
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        where = _as_typed(folder, root)
        raise ImportRefused([f"{where}: is a link or a file, not a folder, so nothing was written"])
    try:
        inside = folder.resolve().parent == data_dir.resolve()
    except OSError:
        inside = False
    if not inside:
        raise ImportRefused([f"{shown}: lies outside the data folder, so nothing was written"])
    if path.is_symlink() or (path.exists() and not path.is_file()):
        where = _as_typed(path, root)
        raise ImportRefused(
            [f"{where}:1:1: is a link or a folder, not a file this import wrote, so nothing was written"]
        )
    if path.exists() and not is_owned(path, owner_line):
        raise ImportRefused(
            [
                f"{shown}:1:1: this file was not written by the import (its header lacks the line "
                f'"{owner_line}"), so the import will not overwrite it; nothing was written '
                "(move its programs to another file, or rename it)"
            ]
        )


def open_owned(data_dir: Path, path: Path, *, root: Path, owner_line: str, today: dt.date) -> OwnedFile:
    """The importer's file at `path` and what it holds now; refuses a file that is not the importer's own or that
    does not pass validation (its values could not be kept exactly)."""
    shown = display_path(path, root)
    _check_place(data_dir, path, owner_line, shown, root)
    if not path.exists():
        return OwnedFile(path, shown, [], False)
    ds = load_dataset(data_dir, root=root, today=today, program_files=[path])
    errors = [p for p in ds.errors if p.file == shown]
    if errors:
        raise ImportRefused(
            [str(p) for p in errors]
            + [f"{shown}: fix these problems first (python -m generator validate {shown}); nothing was written"]
        )
    node, _ = parse_file(path, shown)
    data = yaml.constructor.SafeConstructor().construct_document(node)
    return OwnedFile(path, shown, list(data["programs"]), True)


def vocabulary_problems(data_dir: Path, *, root: Path, today: dt.date) -> list[str]:
    """Problems in the conditions, therapies and sources files, which every imported record refers to."""
    ds = load_dataset(data_dir, root=root, today=today, program_files=[])
    return [str(p) for p in ds.errors]


def ids_elsewhere(data_dir: Path, skip: set[Path], *, root: Path) -> set[str]:
    """Every id and former id in the other program files. A file that does not parse stops the import: the ids
    in it could not be avoided."""
    ids: set[str] = set()
    broken: list[str] = []
    skip = {p.resolve() for p in skip}
    for path in data_files(data_dir, "programs"):
        if path.resolve() in skip:
            continue
        shown = display_path(path, root)
        node, problems = parse_file(path, shown)
        if problems:
            broken += [str(p) for p in problems]
            continue
        for program in _items(node, "programs"):
            for key, value in program.value if isinstance(program, MappingNode) else ():
                if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
                    ids.add(value.value)
                elif isinstance(key, ScalarNode) and key.value == "former_ids" and isinstance(value, SequenceNode):
                    ids.update(v.value for v in value.value if isinstance(v, ScalarNode))
    if broken:
        raise ImportRefused(
            broken + ["the import needs every program file to be readable, to avoid the ids in it; nothing was written"]
        )
    return ids


def _items(node, key: str) -> list:
    if not isinstance(node, MappingNode):
        return []
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key and isinstance(v, SequenceNode):
            return v.value
    return []


class Staged:
    """New texts for owned files, written beside them as temporary files, checked as a build would check them,
    and renamed over the old files only by `commit`. Leaving the `with` block removes whatever was not committed."""

    def __init__(self, data_dir: Path, *, root: Path, today: dt.date, owner_line: str):
        self.data_dir, self.root, self.today, self.owner_line = data_dir, root, today, owner_line
        self.temps: dict[Path, Path] = {}  # owned file -> its temporary file

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc) -> None:
        for temp in self.temps.values():
            temp.unlink(missing_ok=True)
        self.temps.clear()

    def write(self, owned: OwnedFile, text: str) -> None:
        temp = self.temps.get(owned.path)
        if temp is None:
            owned.path.parent.mkdir(exist_ok=True)
            fd, name = tempfile.mkstemp(dir=owned.path.parent, prefix=f".{owned.path.name}.", suffix=".tmp")
            os.close(fd)
            temp = self.temps[owned.path] = Path(name)
        with temp.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    def check(self, owned_files: list[OwnedFile]) -> tuple[dict[Path, list[Problem]], list[Problem]]:
        """Validate every data file with the staged texts in place of the owned files: the problems of each
        owned file (named as the file, not the temporary one), and problems elsewhere that name one of them."""
        shown = {display_path(self.temps[o.path], self.root): o.shown for o in owned_files}
        owned_paths = {o.path.resolve() for o in owned_files}
        others = [p for p in data_files(self.data_dir, "programs") if p.resolve() not in owned_paths]
        ds = load_dataset(
            self.data_dir,
            root=self.root,
            today=self.today,
            program_files=others + [self.temps[o.path] for o in owned_files],
        )
        mine: dict[Path, list[Problem]] = {o.path: [] for o in owned_files}
        by_shown = {o.shown: o.path for o in owned_files}
        elsewhere = []
        for p in ds.problems:
            message = p.message
            for temp_name, name in shown.items():
                message = message.replace(temp_name, name)
            p = replace(p, file=shown.get(p.file, p.file), message=message)
            if p.file in by_shown:
                mine[by_shown[p.file]].append(p)
            elif p.severity == "error" and any(name in message for name in by_shown):
                elsewhere.append(p)
        return mine, elsewhere

    def commit(self, owned: OwnedFile) -> None:
        """Rename the staged text over the owned file (checked again: it must still be the importer's own)."""
        _check_place(self.data_dir, owned.path, self.owner_line, owned.shown, self.root)
        os.replace(self.temps[owned.path], owned.path)
        del self.temps[owned.path]  # only now: after a failed rename, __exit__ removes the temporary file
        try:
            folder = os.open(owned.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(folder)  # the rename itself reaches the disk
        except OSError:
            pass
        finally:
            os.close(folder)
