"""What `mkdocs serve` keeps between rebuilds, so an edit to one program rewrites a handful of files, not 60,000.

MkDocs empties the site folder before every rebuild. Just before it does (`on_pre_build`), the folders IOP Finder
generates are moved aside, and moved back once it has (`on_files`); `Site.write_outputs` then writes only files
whose inputs changed since the last build (a key per file: the program's record, its neighbours, the page shell,
the vocabularies...) and deletes files that are no longer produced. Program items of the YAML are re-read only
when their text changed (dataset.ItemCache), and nearby programs are recomputed only when a program moved.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

GENERATED_FOLDERS = ("programs", "states", "search", "data")


class Memory:
    def __init__(self) -> None:
        self.item_caches: dict = {}
        self.keys: dict[str, object] = {}  # site path -> key of the inputs it was written from
        self.nearby: tuple[dict, dict] | None = None  # (points, nearby programs)
        self.listings: dict[str, tuple[object, str]] = {}  # condition/therapy page -> (key, program listing HTML)
        self.scratch = Path(tempfile.mkdtemp(prefix="iop-finder-serve-"))  # export parts, kept across builds
        self.stash: Path | None = None
        self.written = 0  # files written by the last build (for tests and timings)
        self.moved_pages = 0  # of which pages whose record only moved in its file (links patched, not rendered)

    def stash_outputs(self, site_dir: Path) -> None:
        """Move last build's generated folders out of the site folder before MkDocs empties it."""
        self.drop_stash()
        if not self.keys or not site_dir.is_dir():
            return
        self.stash = Path(tempfile.mkdtemp(prefix=".iop-finder-stash-", dir=site_dir.parent))
        for name in GENERATED_FOLDERS:
            if (site_dir / name).is_dir():
                (site_dir / name).rename(self.stash / name)

    def restore_outputs(self, site_dir: Path) -> None:
        if self.stash is None:
            return
        site_dir.mkdir(parents=True, exist_ok=True)
        for name in GENERATED_FOLDERS:
            if (self.stash / name).is_dir() and not (site_dir / name).exists():
                (self.stash / name).rename(site_dir / name)
        self.drop_stash()

    def drop_stash(self) -> None:
        if self.stash is not None:
            shutil.rmtree(self.stash, ignore_errors=True)
            self.stash = None

    def forget(self) -> None:
        """After a failed build nothing on disk can be trusted: the next build writes everything."""
        self.keys = {}
        self.drop_stash()

    def close(self) -> None:
        self.drop_stash()
        shutil.rmtree(self.scratch, ignore_errors=True)
