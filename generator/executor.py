"""The executor: the plan's outputs -> files in the site folder, making only what is stale.

    keys      every output's key, from the plan
    stale     an output whose key differs from the store's record of the published site (or whose file is gone)
    kept      every other output: left in the published site (publish.Changes moves the made files in beside it), or
              hard-linked from it into a new site folder (copied if linking fails)
    made      stale outputs, in batches of about equal cost, on every core (parallel.run_tasks); a page whose
              record only moved in its file is remade from its previous text (Output.update) instead
    joined    exports, joined from parts; a part is made only when no blob of equal key is kept

A one-off build, a `mkdocs serve` rebuild and a build with a persistent cache run this same code; they differ only
in the store they pass (keystore.py). The new site, or what changed in it, is written into `target`, never over
the published one, which stays untouched until the engine adapter publishes it (publish.py).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from . import parallel
from .keystore import NoStore
from .plan import Joined, Output, Plan, blob_file, gzip_bytes, part_name

BATCHES_PER_WORKER = 48  # small enough batches that a slow (or descheduled) one never leaves a core idle long


class WriteError(Exception):
    """A file of the site could not be written (a full disk, no permission), named by its path in the site."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"could not write {self.path}: {self.reason}"


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


@dataclass
class Result:
    keys: dict[str, Hashable]  # every file's key, for the store once the site is published
    made: list[str] = field(default_factory=list)  # made from scratch
    updated: list[str] = field(default_factory=list)  # remade from their previous text
    kept: int = 0  # left as they are in the published site
    kept_paths: list[str] = field(default_factory=list)
    parts_made: int = 0

    @property
    def written(self) -> int:
        return len(self.made) + len(self.updated)


def execute(
    plan: Plan, store: NoStore, target: Path, published: Path | None, carry: bool = True, intact: bool = False
) -> Result:
    """Write the plan's files into `target`; `published` is the site folder the store's keys describe. With
    `carry`, the unchanged files are put into `target` too (a scratch folder that becomes the whole site);
    without, `target` holds only what changed (publish.Changes moves it into the site). `intact`: the folder is
    known to hold every file the keys name (a rebuild in place under `serve`, publish.InPlace.intact), so they
    are not looked for one by one: a stat is most of a rebuild's cost of deciding, at 49,000 files."""
    before = store.previous()
    keys = {o.path: plan.key(o) for o in plan.files}
    names = _part_names(plan)
    keys.update({j.path: plan.joined_key(j, names) for j in plan.joined})
    result = Result(keys=keys)

    root = str(published) + os.sep if published is not None else None

    def there(path: str) -> bool:
        return root is not None and (intact or os.path.isfile(root + path))

    def can_update(o: Output) -> bool:
        return o.update is not None and o.path in before and there(o.path)

    # Each file is looked at once.
    kept = [p for p in keys if before.get(p) == keys[p] and there(p)]
    kept_set = set(kept)
    fresh = kept_set.__contains__
    if carry:
        carry_over(kept, published, target)
    result.kept, result.kept_paths = len(kept), kept

    tasks: list[tuple[float, Callable[[], object]]] = []
    blobs = store.blobs
    needed: dict[str, tuple[Output, set[tuple[str, bool]]]] = {}  # part name -> the part, its (text, gzip) blobs
    for j in plan.joined:
        if not fresh(j.path):
            for part in j.parts:
                needed.setdefault(names[j.family, id(part)], (part, set()))[1].add((j.text, j.gzip))
    missing = [
        (part, name, sorted(files))
        for name, (part, files) in needed.items()
        if not all((blobs / blob_file(name, text, gz)).is_file() for text, gz in files)
    ]
    tasks += [(part.cost, _task(_write_blobs, blobs, part, name, files)) for part, name, files in missing]
    result.parts_made = len(missing)

    stale = [o for o in plan.files if not fresh(o.path)]
    work = [(o, published / o.path if can_update(o) else None) for o in stale]
    tasks += batches(work, target, plan, before)
    tasks.sort(key=lambda t: -t[0])  # longest first, so the last batches to finish are short ones
    updated = {path for done in parallel.run_tasks([fn for _, fn in tasks]) if done for path in done}
    result.updated = [o.path for o in stale if o.path in updated]
    result.made = [o.path for o in stale if o.path not in updated]

    for j in plan.joined:
        if not fresh(j.path):
            join(j, [blobs / blob_file(names[j.family, id(part)], j.text, j.gzip) for part in j.parts], target)
            result.made.append(j.path)
    used = {blob_file(names[j.family, id(p)], j.text, j.gzip) for j in plan.joined for p in j.parts}
    for blob in blobs.glob("*.part.*"):
        if blob.name not in used:
            blob.unlink(missing_ok=True)
    return result


def _part_names(plan: Plan) -> dict[tuple[str, int], str]:
    """Each export part's blob name, by its family and the part: a part is in many files of its family (the
    whole country's, its state's, each table's), and its name is a digest worth making once."""
    names: dict[tuple[str, int], str] = {}
    for j in plan.joined:
        for part in j.parts:
            if (j.family, id(part)) not in names:
                names[j.family, id(part)] = part_name(j, plan.key(part))
    return names


def fragment(plan: Plan, output: Output, store: NoStore) -> str:
    """A piece of an engine page (a listing): kept by the store while its key is unchanged."""
    return store.reuse(output.path, plan.key(output), output.make)


def batches(work: list[tuple[Output, Path | None]], target: Path, plan: Plan, before) -> list[tuple[float, Callable]]:
    """Consecutive outputs grouped into tasks of about equal cost (neighbours in the plan share folders and
    data, so keeping them together is cheap)."""
    if not work:
        return []
    total = sum(o.cost for o, _ in work)
    size = max(total / (parallel.workers() * BATCHES_PER_WORKER), 1.0)
    out, current, cost = [], [], 0.0
    for item in work:
        current.append(item)
        cost += item[0].cost
        if cost >= size:
            out.append((cost, _task(_write_batch, current, target, plan, before)))
            current, cost = [], 0.0
    if current:
        out.append((cost, _task(_write_batch, current, target, plan, before)))
    return out


def _task(fn: Callable, *args) -> Callable[[], object]:
    return lambda: fn(*args)


def _write_batch(work: list[tuple[Output, Path | None]], target: Path, plan: Plan, before) -> list[str]:
    """Make and write a batch of outputs; returns those remade from their previous text."""
    updated = []
    folders: set[str] = set()  # made already: a program's page and vCard share one (a mkdir costs on any disk)
    root = str(target) + os.sep
    for o, previous in work:
        text = None
        if previous is not None:
            text = o.update(previous.read_text(encoding="utf-8"), before[o.path], plan.key(o))
            if text is not None:
                updated.append(o.path)
        _write_file(root, o.path, o.make() if text is None else text, folders)
    return updated


def _write_file(root: str, path: str, text: str | bytes, folders: set[str]) -> None:
    """write_text for a batch: the folder is made once per batch, and the file written as bytes in one call."""
    folder = os.path.dirname(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        if folder not in folders:
            os.makedirs(root + folder, exist_ok=True)
            folders.add(folder)
        with open(root + path, "wb") as out:
            out.write(data)
    except OSError as e:
        raise WriteError(path, _reason(e)) from None


def _write_blobs(blobs: Path, part: Output, name: str, files: list[tuple[str, bool]]) -> None:
    """A part's texts, each written under a temporary name and renamed: a blob found by its name is always
    whole, even in a build cache kept after a build that died. A gzip blob is its text as one gzip member."""
    shown = f"a part of {part.path.partition('#')[0]} exports"
    texts = part.make()
    for text, gz in files:
        final = blob_file(name, text, gz)
        tmp = f"{final}.{os.getpid()}.tmp"
        write_text(blobs, tmp, gzip_bytes(texts[text]) if gz else texts[text], shown=shown)
        try:
            os.replace(blobs / tmp, blobs / final)
        except OSError as e:
            raise WriteError(shown, _reason(e)) from None


def write_text(folder: Path, path: str, text: str | bytes, shown: str | None = None) -> None:
    """Write one file (making its folders); a failure is a WriteError naming the file as the site knows it."""
    dest = folder / path
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            dest.write_bytes(text)
        else:
            dest.write_text(text, encoding="utf-8")
    except OSError as e:
        raise WriteError(shown or path, _reason(e)) from None


# A ZIP archive's entry carries a date: one fixed date makes equal text equal bytes (warm build = cold build).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def join(joined: Joined, parts: list[Path], target: Path) -> None:
    """head + part + sep + part + ... + tail, streamed part by part (an export can be a hundred megabytes);
    empty parts add no separator. For a gzip file the pieces are gzip members (the parts already are); for a ZIP
    archive (joined.member) the text is streamed into its one entry."""
    path = target / joined.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if joined.member:
            entry = zipfile.ZipInfo(joined.member, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # an ordinary readable file once unpacked
            with zipfile.ZipFile(path, "w") as archive, archive.open(entry, "w") as out:
                _stream(joined, parts, out, _utf8)
        else:
            with path.open("wb") as out:
                _stream(joined, parts, out, gzip_bytes if joined.gzip else _utf8)
    except OSError as e:
        raise WriteError(joined.path, _reason(e)) from None


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _stream(joined: Joined, parts: list[Path], out, wrap: Callable[[str], bytes]) -> None:
    out.write(wrap(joined.head))
    sep = wrap(joined.sep)
    first = True
    for part in parts:
        data = part.read_bytes()
        if not data:
            continue
        if not first:
            out.write(sep)
        out.write(data)
        first = False
    out.write(wrap(joined.tail))


def carry_over(paths: list[str], published: Path | None, target: Path) -> None:
    """Unchanged files into the new site: a hard link each (no bytes copied), or a copy where the file system
    cannot link. Nothing to carry in a rebuild in place (publish.InPlace), where the target is the site."""
    if not paths or published is None or Path(target) == Path(published):
        return
    made: set[str] = set()
    src_root, dst_root = str(published) + os.sep, str(target) + os.sep
    for path in paths:
        try:
            folder = os.path.dirname(path)
            if folder not in made:
                os.makedirs(dst_root + folder, exist_ok=True)
                made.add(folder)
            try:
                os.link(src_root + path, dst_root + path)
            except OSError:
                shutil.copy2(src_root + path, dst_root + path)
        except OSError as e:
            raise WriteError(path, _reason(e)) from None
