"""The executor: the plan's outputs -> files in the site folder, making only what is stale.

    keys      every output's key, from the plan
    stale     an output whose key differs from the store's record of the published site (or whose file is gone)
    kept      every other output: hard-linked from the published site into the new one (copied if linking fails)
    made      stale outputs, in batches of about equal cost, on every core (parallel.run_tasks); a page whose
              record only moved in its file is remade from its previous text (Output.update) instead
    joined    exports, joined from parts; a part is made only when no blob of equal key is kept

A one-off build, a `mkdocs serve` rebuild and a build with a persistent cache run this same code; they differ only
in the store they pass (keystore.py). The new site is written into `target`, never over the published one, which
stays untouched until the engine adapter swaps the two (publish.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from . import parallel
from .keystore import NoStore
from .plan import Joined, Output, Plan, part_name

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
    kept: int = 0  # carried over from the published site unchanged
    parts_made: int = 0

    @property
    def written(self) -> int:
        return len(self.made) + len(self.updated)


def execute(plan: Plan, store: NoStore, target: Path, published: Path | None) -> Result:
    """Write the plan's files into `target`; `published` is the site folder the store's keys describe."""
    before = store.previous()
    keys = {o.path: plan.key(o) for o in plan.files}
    keys.update({j.path: plan.joined_key(j) for j in plan.joined})
    result = Result(keys=keys)

    root = str(published) + os.sep if published is not None else None

    def fresh(path: str) -> bool:
        return root is not None and before.get(path) == keys[path] and os.path.isfile(root + path)

    def can_update(o: Output) -> bool:
        return o.update is not None and root is not None and o.path in before and os.path.isfile(root + o.path)

    kept = [path for path in keys if fresh(path)]
    carry_over(kept, published, target)
    result.kept = len(kept)

    tasks: list[tuple[float, Callable[[], object]]] = []
    blobs = store.blobs
    parts = [(j, part, part_name(j, plan.key(part))) for j in plan.joined if not fresh(j.path) for part in j.parts]
    missing = [(part, name) for _, part, name in parts if not (blobs / name).is_file()]
    tasks += [(part.cost, _task(_write_blob, blobs, part, name)) for part, name in missing]
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
            join(j, [blobs / part_name(j, plan.key(part)) for part in j.parts], target)
            result.made.append(j.path)
    used = {name for j in plan.joined for name in plan.joined_key(j)}
    for blob in blobs.glob("*.part"):
        if blob.name not in used:
            blob.unlink(missing_ok=True)
    return result


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
    for o, previous in work:
        text = None
        if previous is not None:
            text = o.update(previous.read_text(encoding="utf-8"), before[o.path], plan.key(o))
            if text is not None:
                updated.append(o.path)
        write_text(target, o.path, o.make() if text is None else text)
    return updated


def _write_blob(blobs: Path, part: Output, name: str) -> None:
    """A part, written under a temporary name and renamed: a blob found by its name is always whole, even in a
    build cache kept after a build that died."""
    shown = f"a part of {part.path.partition('#')[0]}"
    tmp = f"{name}.{os.getpid()}.tmp"
    write_text(blobs, tmp, part.make(), shown=shown)
    try:
        os.replace(blobs / tmp, blobs / name)
    except OSError as e:
        raise WriteError(shown, _reason(e)) from None


def write_text(folder: Path, path: str, text: str, shown: str | None = None) -> None:
    """Write one file (making its folders); a failure is a WriteError naming the file as the site knows it."""
    dest = folder / path
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    except OSError as e:
        raise WriteError(shown or path, _reason(e)) from None


def join(joined: Joined, parts: list[Path], target: Path) -> None:
    """head + part + sep + part + ... + tail, streamed part by part (an export can be a hundred megabytes);
    empty parts add no separator."""
    path = target / joined.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            out.write(joined.head)
            first = True
            for part in parts:
                text = part.read_text(encoding="utf-8")
                if not text:
                    continue
                if not first:
                    out.write(joined.sep)
                out.write(text)
                first = False
            out.write(joined.tail)
    except OSError as e:
        raise WriteError(joined.path, _reason(e)) from None


def carry_over(paths: list[str], published: Path | None, target: Path) -> None:
    """Unchanged files into the new site: a hard link each (no bytes copied), or a copy where the file system
    cannot link."""
    if not paths or published is None:
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
