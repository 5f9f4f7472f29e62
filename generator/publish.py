"""Builds that fail closed: a new site is built in a scratch folder beside the site folder and swapped in whole
only once it is complete, so a build that is killed, runs out of disk or meets bad data leaves the published
site exactly as it was.

    scratch = Scratch(site)      .site.iop-build-<pid>-<random>/ beside site/ (same disk, so the swap is a rename)
    ... the engine and the executor write into scratch.path ...
    scratch.publish(gone)        swap the two folders in one step; the old site is deleted in the background
    scratch.discard()            after a failure: delete the scratch folder, the site is untouched

A build that trusts the build cache's record of the site (keystore.DiskStore) writes only what changed into its
scratch folder (Changes): carrying forty thousand unchanged files into a new folder costs a folder made for each
program, seconds on a real disk, while the changes of a one-program edit are a few dozen files. Once the build is
complete they are moved into the site folder and the files it no longer makes are deleted: a few hundred renames,
so the moment in which the site holds both old and new files is short, and the record of the site is withdrawn
during it (keystore: stage, commit), so a build killed in that moment is followed by a whole build.

Under `mkdocs serve` a rebuild changes the served folder where it is instead (InPlace): the folder is the
server's own temporary copy, carrying forty thousand unchanged files into a new folder would cost seconds of
every edit, and a rebuild that fails shows its problems on every page until it is fixed.

A small guard process deletes the scratch folder if the build dies without saying it finished (even by SIGKILL,
which no handler can catch), and deletes the old site after a swap, so nobody waits for a thousand megabytes to be
unlinked; a later build also sweeps away scratch folders whose build is no longer running.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

MARK = ".iop-build-"
PARTS_MARK = ".iop-parts-"  # a build's parts of big files when no build cache keeps them (keystore.NoStore)
# Reads its input to the end: "keep" leaves the folder alone; anything else (the old site after a swap, or nothing
# because the build died) deletes it.
GUARD = "import shutil, sys\nif sys.stdin.read() != 'keep':\n    shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
_deleting: list[subprocess.Popen] = []  # guards deleting an old site, reaped by the next Scratch


class Scratch:
    def __init__(self, site: Path):
        self.site = Path(os.path.abspath(site))
        self.site.parent.mkdir(parents=True, exist_ok=True)
        _deleting[:] = [guard for guard in _deleting if guard.poll() is None]
        sweep(self.site)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.site.name}{MARK}{os.getpid()}-", dir=self.site.parent))
        self._guard: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-c", GUARD, str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives a kill of the build's whole process group
        )

    # The site folder is changed where it is while `publish` runs (a failure then leaves the site part old, part
    # new, and the next build makes every file again).
    changes_site = False

    def publish(self, gone: Iterable[str] = ()) -> None:
        """Make the scratch folder the site; what was the site (now at the scratch path) is deleted by the guard.
        `gone` (what the last build made and this one did not) is not in the scratch folder, so goes with it."""
        swap(self.path, self.site)
        self._delete_scratch()

    def _delete_scratch(self) -> None:
        guard, self._guard = self._guard, None
        try:
            guard.stdin.write(b"delete")
            guard.stdin.close()
            _deleting.append(guard)
        except OSError:  # the guard is gone: delete here
            shutil.rmtree(self.path, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._guard is not None:
            try:
                self._guard.communicate(b"keep", timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self._guard.kill()
            self._guard = None


class Changes(Scratch):
    """A scratch folder that holds only what a build made (the executor carries nothing over), moved into the site
    folder by `publish` (see the module's docstring).

    A changed path that would replace a folder with a file, or a file with a folder, cannot be moved in without
    first deleting what is there: `conflicts` names such paths before anything is touched, and then the build
    carries the unchanged files over after all (`whole`) and swaps, like any other."""

    whole = False  # set once every unchanged file is in the scratch folder too: then publish swaps

    def made(self) -> list[str]:
        """The files in the scratch folder, by their path in the site, parents before children."""
        found = []
        for folder, dirs, names in os.walk(self.path):
            dirs.sort()
            rel = os.path.relpath(folder, self.path)
            found += sorted(name if rel == "." else f"{rel}/{name}" for name in names)
        return [p.replace(os.sep, "/") for p in found]

    def conflicts(self) -> list[str]:
        """Paths in the scratch folder whose place in the site is a folder, or lies under a file."""
        clash, checked = [], set()
        for path in self.made():
            if os.path.isdir(self.site / path):
                clash.append(path)
                continue
            parent = os.path.dirname(path)
            while parent and parent not in checked:
                checked.add(parent)
                if os.path.lexists(self.site / parent) and not os.path.isdir(self.site / parent):
                    clash.append(path)
                    break
                parent = os.path.dirname(parent)
        return clash

    def publish(self, gone: Iterable[str] = ()) -> None:
        if self.whole:
            super().publish(gone)
            return
        self.changes_site = True
        for path in self.made():
            source, target = self.path / path, self.site / path
            try:
                os.replace(source, target)
            except FileNotFoundError:  # a new folder (a new program's)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        remove(self.site, gone)
        self.changes_site = False
        # Nothing but the empty folders of a few dozen changes is left in it: deleted here, before the build
        # returns, so nothing of this build is beside the site afterwards (the guard is told to keep its hands off).
        self.discard()


class InPlace:
    """A rebuild that writes into the site folder itself (the same three methods as Scratch).

    MkDocs empties the site folder after on_pre_build but spares hidden entries, so the site's entries wait in a
    hidden folder inside it until `restore` (on_files) puts them back. Were an engine to empty hidden entries too,
    nothing would be back and every file would be made afresh: slower, never wrong."""

    HIDDEN = ".iop-in-place"

    def __init__(self, site: Path):
        self.site = self.path = Path(os.path.abspath(site))
        self._waiting = self.site / self.HIDDEN
        # Whether every entry came back from the hidden folder: the site then holds each file the last build left
        # in it, and the rebuild need not look for them one by one (executor.execute).
        self.intact = False
        self._waiting.mkdir(exist_ok=True)
        for entry in os.listdir(self.site):
            if not entry.startswith("."):
                os.rename(self.site / entry, self._waiting / entry)

    def restore(self) -> None:
        if not self._waiting.is_dir():
            return
        whole = True
        for entry in os.listdir(self._waiting):
            if not (self.site / entry).exists():
                os.rename(self._waiting / entry, self.site / entry)
            else:  # something else took its place: what it held is not all back
                whole = False
        shutil.rmtree(self._waiting, ignore_errors=True)
        self.intact = whole

    changes_site = True

    def publish(self, gone: Iterable[str] = ()) -> None:
        remove(self.site, gone)
        self.restore()

    def discard(self) -> None:
        self.restore()


def remove(site: Path, paths: Iterable[str]) -> None:
    """Delete files a build no longer makes from the site folder, and the folders they leave empty."""
    for path in sorted(paths, reverse=True):
        target = site / path
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != site and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def swap(new: Path, site: Path) -> None:
    """Put `new` at `site`, and the previous site (if any) at `new`, in one step where the system allows."""
    if not site.exists():
        os.rename(new, site)
        return
    if _exchange(new, site):
        return
    # No atomic exchange here (not Linux, or a file system without it): three renames, a moment without a site.
    old = new.with_name(new.name + "-old")
    os.rename(site, old)
    os.rename(new, site)
    os.rename(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two folders atomically."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def parts_folder(site: Path) -> Path:
    """A new folder beside `site` for a build's parts, named by this process so that `sweep` deletes it once the
    process is gone (a build or server killed before it could delete it itself)."""
    site = Path(os.path.abspath(site))
    site.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site.name}{PARTS_MARK}{os.getpid()}-", dir=site.parent))


def sweep(site: Path) -> list[Path]:
    """Delete scratch and parts folders beside `site` left by builds that are no longer running; returns them."""
    gone = []
    for mark in (MARK, PARTS_MARK):
        for folder in site.parent.glob(f".{site.name}{mark}*"):
            pid = folder.name[len(f".{site.name}{mark}") :].split("-", 1)[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                gone.append(folder)
    return gone


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
