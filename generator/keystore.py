"""Key stores: what the executor knows about the previous build.

A store answers four questions: which key each file of the published site was made from (`previous`), which
other files the engine put there (`previous_others`: its pages and theme files, deleted once a build no longer
makes them), where parts of big files are kept between builds (`blobs`), and whether a value computed from equal
inputs is already at hand (`reuse`: nearby programs, listings; and `item_caches`, the checked program items by the
text of their YAML). The executor is the same for every build; only the store differs:

    NoStore      nothing known: everything is made (`build` with the cache turned off)
    MemoryStore  `serve`: what the last published build made, kept in this process
    DiskStore    `build`: the same record kept in a folder beside the site folder (.site.iop-cache/), so the next
                 build on this machine, or in CI after restoring that folder and the site, makes only what changed

A build's record becomes the store's in two steps around its publication (publish.py: the swap of the site
folders, or the move of its changes into the site folder): `stage` before it (the new record is written aside and
the old one withdrawn), `commit` after it. A build that dies between them leaves no record at all, so the next
build trusts nothing rather than keys that describe another site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import shutil
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from . import publish
from .dataset import ItemCache
from .problems import Problem

T = TypeVar("T")


class NoStore:
    """Nothing known from before: every output is made. Parts live for one build inside its scratch folder
    (`place`), so the guard that deletes a dead build's scratch folder deletes them too; they are deleted before
    the swap, so never published."""

    PARTS = ".iop-parts"  # inside the scratch folder

    def __init__(self) -> None:
        self.site: Path | None = None  # the published site folder
        self.scratch: Path | None = None  # the scratch folder of the build under way
        self._blobs: Path | None = None
        self.item_caches: dict | None = None  # the data loader reads every program item afresh
        self.reused: list[str] = []  # names of the values taken from the store in the last build
        self.remade: list[str] = []  # names of the values computed afresh in the last build
        self.note: str | None = None  # why an existing record was not trusted (one line for the log)

    def previous(self) -> Mapping[str, Hashable]:
        return {}

    def previous_others(self) -> frozenset[str]:
        return frozenset()

    def place(self, site: Path, scratch: Path) -> None:
        """Where this build's site is published and where it is written (never the system's temporary folder,
        which nothing sweeps)."""
        self.site, self.scratch = Path(site), Path(scratch)

    @property
    def blobs(self) -> Path:
        if self._blobs is None:
            if self.scratch is None:
                raise RuntimeError("the store was not told where the build writes (NoStore.place)")
            self._blobs = self._parts_folder()
        return self._blobs

    def _parts_folder(self) -> Path:
        folder = self.scratch / self.PARTS
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def reuse(self, name: str, inputs: Hashable, make: Callable[[], T], valid: Callable[[T], bool] | None = None) -> T:
        """The value made from `inputs` last time if there is one (and `valid` accepts it), else `make()`."""
        self.remade.append(name)
        return make()

    def peek(self, name: str, inputs: Hashable) -> object | None:
        """The value made from `inputs` last time, or None: for a value made later in the build (`keep`)."""
        return None

    def keep(self, name: str, inputs: Hashable, value: object) -> None:
        """A value this build made from `inputs`, for the next build to `peek` at."""
        self.remade.append(name)

    def start(self) -> None:
        """A build begins."""
        self.reused, self.remade = [], []

    def stage(self, keys: Mapping[str, Hashable], others: Iterable[str] = ()) -> None:
        """The build that made these keys (and the engine's `others`) is complete and about to be published."""
        self.close()  # its parts are in the scratch folder, which is about to become the site

    def commit(self) -> None:
        """The staged build is now the published site."""
        self.close()

    def abandon(self) -> None:
        """The build failed: the published site is still the one `previous` describes."""
        self.close()

    def forget(self) -> None:
        """The site folder may no longer match what is known of it."""

    def close(self) -> None:
        """The store is no longer needed (end of a one-off build, or the server stopped)."""
        if self._blobs is not None:
            shutil.rmtree(self._blobs, ignore_errors=True)
            self._blobs = None


class MemoryStore(NoStore):
    """What the last published build made, kept in this process (`mkdocs serve`): its keys, its parts and its
    reusable values. A failed build changes nothing here, because it published nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.item_caches = {}  # dataset.ItemCache per programs file: unchanged items are not read again
        self._keys: dict[str, Hashable] = {}
        self._others: frozenset[str] = frozenset()
        self._staged: dict[str, Hashable] | None = None
        self._staged_others: frozenset[str] = frozenset()
        self._values: dict[str, tuple[Hashable, object]] = {}

    def previous(self) -> Mapping[str, Hashable]:
        return self._keys

    def previous_others(self) -> frozenset[str]:
        return self._others

    def _parts_folder(self) -> Path:
        # Kept from one rebuild to the next, so beside the site rather than in one build's scratch folder: deleted
        # when the server stops, or by a later build's sweep if the server was killed.
        return publish.parts_folder(self.site)

    def reuse(self, name: str, inputs: Hashable, make: Callable[[], T], valid: Callable[[T], bool] | None = None) -> T:
        kept = self._values.get(name)
        if kept is not None and kept[0] == inputs and (valid is None or valid(kept[1])):
            self.reused.append(name)
            return kept[1]  # type: ignore[return-value]
        self.remade.append(name)
        value = make()
        self._values[name] = (inputs, value)
        return value

    def peek(self, name: str, inputs: Hashable) -> object | None:
        kept = self._values.get(name)
        if kept is not None and kept[0] == inputs:
            self.reused.append(name)
            return kept[1]
        return None

    def keep(self, name: str, inputs: Hashable, value: object) -> None:
        self.remade.append(name)
        self._values[name] = (inputs, value)

    def stage(self, keys: Mapping[str, Hashable], others: Iterable[str] = ()) -> None:
        self._staged, self._staged_others = dict(keys), frozenset(others)

    def commit(self) -> None:
        if self._staged is not None:
            self._keys, self._others, self._staged = self._staged, self._staged_others, None

    def abandon(self) -> None:
        self._staged = None

    def forget(self) -> None:
        """The site folder no longer matches the keys (a rebuild in place failed part-way): the next build
        makes every file afresh."""
        self._keys, self._others, self._staged = {}, frozenset(), None


# --- The record on disk -------------------------------------------------------------------------------------------

MAGIC = b"IOP-FINDER-CACHE 3\n"  # 3: values and program items in files of their own; the engine's files listed
KEYS = "keys.bin"  # what the published site was made from: trusted whole or not at all
VALUES = "values"  # a folder: one file per reusable value (nearby programs, each listing)
ITEMS = "items"  # a folder: the checked program items of each programs file, in SHARDS files by their digest
SHARDS = 32  # an edit to one program rewrites one of them: about 1 MB at 20,000 programs instead of 30 MB


class CacheUnreadable(Exception):
    """A cache file that cannot be trusted, with the reason in words."""


class _DataOnly(pickle.Unpickler):
    """Reads back only what the store writes: plain containers, text, numbers, bytes, dates and data problems.

    Any other class named in the file (which is how a pickle runs code) is refused, so a cache file that was
    tampered with can at worst be refused, never run."""

    ALLOWED = {("datetime", "date"): dt.date, ("generator.problems", "Problem"): Problem}

    def find_class(self, module: str, name: str):
        found = self.ALLOWED.get((module, name))
        if found is None:
            raise CacheUnreadable(f"it names {module}.{name}, which a build cache never holds")
        return found


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=32).digest()


def write_record(path: Path, fingerprint: bytes, value: object) -> None:
    """value -> path, atomically (a temporary file renamed into place), with the fingerprint of what made it and
    a checksum of its contents."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as out:
        out.write(MAGIC + fingerprint + _checksum(payload))
        out.write(payload)
    os.replace(tmp, path)


def read_record(path: Path, fingerprint: bytes) -> object:
    """The value write_record wrote, or CacheUnreadable saying why it cannot be trusted."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CacheUnreadable(f"it cannot be read ({e.strerror or e})") from None
    head = len(MAGIC) + len(fingerprint) + 32
    if len(data) < head or not data.startswith(MAGIC):
        raise CacheUnreadable("it is not an IOP Finder build cache, or it was cut short")
    if data[len(MAGIC) : len(MAGIC) + len(fingerprint)] != fingerprint:
        raise CacheUnreadable("it was made by another version of the generator, the theme or mkdocs.yml")
    payload = memoryview(data)[head:]
    if _checksum(payload) != data[head - 32 : head]:
        raise CacheUnreadable("its contents do not match their checksum (cut short or changed)")
    try:
        return _DataOnly(io.BytesIO(payload)).load()
    except CacheUnreadable:
        raise
    except Exception as e:  # a well-formed checksum over a malformed record: refuse it whatever broke
        raise CacheUnreadable(f"it cannot be decoded ({type(e).__name__})") from None


def _check_keys(record: object) -> tuple[dict, frozenset]:
    if not isinstance(record, dict) or set(record) != {"files", "others"}:
        raise CacheUnreadable("its list of files is not laid out as expected")
    keys, others = record["files"], record["others"]
    if not isinstance(keys, dict) or not all(isinstance(k, str) for k in keys):
        raise CacheUnreadable("its list of files is not a mapping of paths")
    if not isinstance(others, list) or not all(isinstance(k, str) for k in others):
        raise CacheUnreadable("its list of the engine's files is not a list of paths")
    return keys, frozenset(others)


def _name_digest(name: str) -> str:
    return hashlib.blake2b(name.encode("utf-8"), digest_size=8).hexdigest()


def value_file(name: str) -> str:
    return f"{_name_digest(name)}.bin"


def shard_of(key: bytes) -> int:
    return key[0] % SHARDS


def shard_file(cache_name: str, shard: int) -> str:
    return f"{_name_digest(cache_name)}-{shard:02d}.bin"


def _check_value(record: object, file_name: str) -> tuple[str, Hashable, object]:
    if not (isinstance(record, tuple) and len(record) == 3 and isinstance(record[0], str)):
        raise CacheUnreadable("it is not a reusable value (name, inputs, value)")
    if value_file(record[0]) != file_name:
        raise CacheUnreadable("it holds a value of another name than its file's")
    return record


def _check_shard(record: object, file_name: str) -> tuple[str, tuple | None, dict]:
    if not (isinstance(record, tuple) and len(record) == 3 and isinstance(record[0], str)):
        raise CacheUnreadable("it is not a part of the program items (file, context, items)")
    name, context, entries = record
    if not (context is None or isinstance(context, tuple)) or not isinstance(entries, dict):
        raise CacheUnreadable("its program items are not laid out as expected")
    shards = {shard_of(k) if isinstance(k, bytes) and k else -1 for k in entries}
    if not all(shard_file(name, shard) == file_name for shard in shards):
        raise CacheUnreadable("it holds program items that belong in another file")
    return name, context, entries


class DiskStore(MemoryStore):
    """The MemoryStore's record kept in `folder` between builds (see the module's docstring).

    Nothing from the folder is trusted unless it was written by this generator, theme and configuration (the
    `fingerprint`) and its checksum matches. If the list of files (keys.bin) fails, the build makes everything;
    a reusable value or a part of the program items that fails is made again (each is a value of its inputs,
    never a claim about the site). `note` says which in one line.

    Only what a build changed is written back: the values it made afresh, the parts of the program items whose
    items changed, and the list of files.
    """

    def __init__(self, folder: Path, fingerprint: bytes):
        super().__init__()
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self._value_files: dict[str, str] = {}  # name -> its file, as read
        self._shards: dict[str, tuple] = {}  # file of program items -> (context, the items' keys), as on disk
        self._unread: list[str] = []  # files of the folder that could not be trusted, with why
        self._load()

    def _load(self) -> None:
        keys_file = self.folder / KEYS
        if not keys_file.exists() and not (self.folder / VALUES).is_dir():
            return  # a first build here: nothing to say
        try:
            self._keys, self._others = _check_keys(read_record(keys_file, self.fingerprint))
        except CacheUnreadable as e:
            self.note = f"IOP Finder: not using the build cache in {self.folder}: {e}; building everything"
            return
        self._load_values()
        self._load_items()
        n = len(self._unread)
        if n == 1:
            self.note = (
                f"IOP Finder: not using part of the build cache in {self.folder}: {self._unread[0]}; making it again"
            )
        elif n > 1:
            self.note = (
                f"IOP Finder: not using {n} parts of the build cache in {self.folder}: {self._unread[0]}, and "
                f"{n - 1} more; making them again"
            )

    def _records(self, folder: str, check: Callable[[object, str], tuple]):
        """(file name, checked record) for each file of a folder of the cache that can be trusted; the others
        are noted in `_unread`."""
        for path in sorted((self.folder / folder).glob("*.bin")):
            try:
                yield path.name, check(read_record(path, self.fingerprint), path.name)
            except CacheUnreadable as e:
                self._unread.append(f"{folder}/{path.name}: {e}")

    def _load_values(self) -> None:
        for file_name, (name, inputs, value) in self._records(VALUES, _check_value):
            self._values[name] = (inputs, value)
            self._value_files[name] = file_name

    def _load_items(self) -> None:
        caches: dict[str, ItemCache] = {}
        for file_name, (name, context, entries) in self._records(ITEMS, _check_shard):
            self._shards[file_name] = (context, frozenset(entries))
            cache = caches.setdefault(name, ItemCache.restore((context, {})))
            if cache.context == context:  # else left by a build under other vocabularies or another day
                cache.entries.update(entries)
        self.item_caches = caches

    @property
    def blobs(self) -> Path:
        folder = self.folder / "parts"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def stage(self, keys: Mapping[str, Hashable], others: Iterable[str] = ()) -> None:
        """Write the new record aside and withdraw the old one: from here until `commit`, no record is trusted."""
        super().stage(keys, others)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_values()
        self._write_items()
        record = {"files": self._staged, "others": sorted(self._staged_others)}
        write_record(self.folder / (KEYS + ".staged"), self.fingerprint, record)
        (self.folder / KEYS).unlink(missing_ok=True)

    def _write_values(self) -> None:
        folder = self.folder / VALUES
        folder.mkdir(exist_ok=True)
        for name in sorted(set(self.remade)):
            inputs, value = self._values[name]
            write_record(folder / value_file(name), self.fingerprint, (name, inputs, value))
            self._value_files[name] = value_file(name)
        used = set(self.reused) | set(self.remade)
        for name in [n for n in self._value_files if n not in used]:  # a listing that is no longer made
            (folder / self._value_files.pop(name)).unlink(missing_ok=True)
            self._values.pop(name, None)

    def _write_items(self) -> None:
        folder = self.folder / ITEMS
        folder.mkdir(exist_ok=True)
        written = set()
        for name, cache in self.item_caches.items():
            parts: list[dict] = [{} for _ in range(SHARDS)]
            for key, entry in cache.entries.items():
                parts[shard_of(key)][key] = entry
            for shard, entries in enumerate(parts):
                file_name = shard_file(name, shard)
                written.add(file_name)
                now = (cache.context, frozenset(entries))
                if self._shards.get(file_name) != now:  # else the file holds these items already
                    write_record(folder / file_name, self.fingerprint, (name, cache.context, entries))
                    self._shards[file_name] = now
        for file_name in set(self._shards) - written:  # a programs file that is gone
            (folder / file_name).unlink(missing_ok=True)
            del self._shards[file_name]

    def commit(self) -> None:
        staged = self.folder / (KEYS + ".staged")
        if self._staged is not None and staged.exists():
            os.replace(staged, self.folder / KEYS)
        super().commit()

    def abandon(self) -> None:
        (self.folder / (KEYS + ".staged")).unlink(missing_ok=True)
        super().abandon()

    def close(self) -> None:
        pass  # parts stay in the folder for the next build


def fingerprint(*parts: object) -> bytes:
    """A digest of everything a cache's contents depend on besides the data (see plugin.py)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).digest()


def folder_digest(folder: Path) -> tuple:
    """Every file under `folder` by path and contents (the theme's overrides), for a fingerprint."""
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    h = hashlib.blake2b(digest_size=16)
    for p in files:
        h.update(p.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(p.read_bytes() + b"\0")
    return (len(files), h.hexdigest())
