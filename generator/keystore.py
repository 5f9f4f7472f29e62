"""Key stores: what the executor knows about the previous build.

A store answers three questions: which key each file of the published site was made from (`previous`), where
parts of big files are kept between builds (`blobs`), and whether a value computed from equal inputs is already
at hand (`reuse`: nearby programs, listings). The executor is the same for every build; only the store differs:

    NoStore      a one-off `build`: nothing is known, everything is made
    MemoryStore  `serve`: what the last published build made, kept in this process

A persistent store (keys and blobs in a folder beside the site, for CI caches and laptops) is the same interface
written to disk; keys hold only digests, numbers and text, so they can be saved as they are.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class NoStore:
    """Nothing known from before: every output is made. Parts live in a temporary folder for one build."""

    def __init__(self) -> None:
        self._blobs: Path | None = None
        self.item_caches: dict | None = None  # the data loader reads every program item afresh
        self.reused: list[str] = []  # names of the values taken from the store in the last build
        self.remade: list[str] = []  # names of the values computed afresh in the last build

    def previous(self) -> Mapping[str, Hashable]:
        return {}

    @property
    def blobs(self) -> Path:
        if self._blobs is None:
            self._blobs = Path(tempfile.mkdtemp(prefix="iop-finder-parts-"))
        return self._blobs

    def reuse(self, name: str, inputs: Hashable, make: Callable[[], T]) -> T:
        self.remade.append(name)
        return make()

    def start(self) -> None:
        """A build begins."""
        self.reused, self.remade = [], []

    def commit(self, keys: Mapping[str, Hashable]) -> None:
        """The build that made these keys is now the published site."""
        self.close()

    def abandon(self) -> None:
        """The build failed: the published site is still the one `previous` describes."""
        self.close()

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
        self._values: dict[str, tuple[Hashable, object]] = {}

    def previous(self) -> Mapping[str, Hashable]:
        return self._keys

    def reuse(self, name: str, inputs: Hashable, make: Callable[[], T]) -> T:
        kept = self._values.get(name)
        if kept is not None and kept[0] == inputs:
            self.reused.append(name)
            return kept[1]  # type: ignore[return-value]
        self.remade.append(name)
        value = make()
        self._values[name] = (inputs, value)
        return value

    def commit(self, keys: Mapping[str, Hashable]) -> None:
        self._keys = dict(keys)

    def abandon(self) -> None:
        pass
