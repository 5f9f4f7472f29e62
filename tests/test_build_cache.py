"""The build cache kept beside the site folder: a build after an edit makes only what changed and equals a cold
build of the edited data, file for file; a cache that was damaged, changed or made by other code is said in one
line and not trusted."""

from __future__ import annotations

import filecmp
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project

from generator import keystore
from generator.plugin import cache_folder

EDITED = "harbor-light-richmond"
UNCHANGED = "programs/sagebrush-mesa-taos/index.html"


def build(project: Path, site: Path, strict: bool = True, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", IOP_FINDER_TIMINGS="1", **env)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env=full_env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def counts(done: subprocess.CompletedProcess) -> tuple[int, int]:
    m = re.search(r"files made ([\d,]+), kept ([\d,]+)", done.stderr)
    assert m, done.stderr
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def rendered(done: subprocess.CompletedProcess) -> tuple[int, int]:
    """(Markdown pages the build rendered, Markdown pages of the site): the others' renders came from the cache."""
    m = re.search(r"Markdown pages rendered (\d+) of (\d+)", done.stderr)
    assert m, done.stderr
    return int(m.group(1)), int(m.group(2))


def searched(done: subprocess.CompletedProcess) -> tuple[int, int]:
    """(pages whose search entries the build made, pages given to the search index): the others' came from the
    cache."""
    m = re.search(r"search entries made for (\d+) of (\d+)", done.stderr)
    assert m, done.stderr
    return int(m.group(1)), int(m.group(2))


def themed(done: subprocess.CompletedProcess) -> tuple[int, int]:
    """(pages the theme's templates made, pages of the site): the others were written as the cache kept them."""
    m = re.search(r"pages made by the theme (\d+) of (\d+)", done.stderr)
    assert m, done.stderr
    return int(m.group(1)), int(m.group(2))


def shells_made(done: subprocess.CompletedProcess) -> tuple[int, int]:
    m = re.search(r"shells made (\d+) of (\d+)", done.stderr)
    assert m, done.stderr
    return int(m.group(1)), int(m.group(2))


def cache_lines(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if "build cache" in line]


def tree(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def same_files(a: Path, b: Path) -> list[str]:
    """Paths that differ between two sites (or exist in only one); [] when they are equal file for file."""
    ta, tb = tree(a), tree(b)
    differ = sorted(set(ta) ^ set(tb))
    differ += [p for p in sorted(set(ta) & set(tb)) if not filecmp.cmp(ta[p], tb[p], shallow=False)]
    return differ


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """A project and its site after one build (with a cache beside it)."""
    root = tmp_path_factory.mktemp("cache")
    project = copy_project(root / "project")
    site = root / "site"
    first = build(project, site)
    return project, site, first


def edit(project: Path, old: str, new: str) -> None:
    path = project / "data" / "programs.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_after_an_edit_makes_only_what_changed_and_equals_a_cold_build(cold, tmp_path):
    project, site, first = cold
    made, kept = counts(first)
    assert kept == 0 and made > 900
    pages = rendered(first)[1]
    assert pages > 100 and rendered(first) == (pages, pages)
    assert cache_lines(first) == []  # a first build has nothing to say about a cache
    assert (cache_folder(site) / keystore.KEYS).is_file()
    unchanged_inode, folder = (site / UNCHANGED).stat().st_ino, site.stat().st_ino

    edit(project, "phone: 804-555-0101", "phone: 804-555-0177")
    warm = build(project, site)
    made, kept = counts(warm)
    # its page, its neighbours' and its state's in each language, vCard, card, search files, exports, and its
    # Spanish word index and card
    assert 3 <= made <= 50, warm.stderr
    assert kept > 900
    assert rendered(warm) == (0, pages)  # a data edit changes no page's Markdown: every render is kept
    indexed = searched(first)[1]
    assert searched(first) == (indexed, indexed) and indexed >= pages
    # Only the pages that show the new number have their search entries made again: those that list the program.
    listing = [p for p in tree(site) if p.endswith(".html") and "804-555-0177" in tree(site)[p].read_text("utf-8")]
    listing = [p for p in listing if "/conditions/" in f"/{p}" or "/therapies/" in f"/{p}"]
    assert len(listing) >= 4 and searched(warm) == (len(listing), indexed), (listing, warm.stderr)
    assert themed(first) == (indexed, indexed) and themed(warm) == (len(listing), indexed)  # and so are they alone
    shells = shells_made(first)[1]
    assert shells_made(first) == (shells, shells) and shells_made(warm) == (0, shells) and shells >= 4
    assert cache_lines(warm) == []
    assert "804-555-0177" in (site / "programs" / EDITED / "index.html").read_text(encoding="utf-8")
    assert (site / UNCHANGED).stat().st_ino == unchanged_inode  # left where it is, not rewritten
    assert site.stat().st_ino == folder  # the changes were moved into the site folder (publish.Changes)

    fresh = tmp_path / "fresh"
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert not cache_folder(fresh).exists()
    assert same_files(site, fresh) == []


def cut_program(project: Path, program_id: str) -> None:
    """Delete one program's item from the programs file (up to the next item or the end)."""
    path = project / "data" / "programs.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {program_id}\n")
    end = text.find("\n  - id: ", start + 1)
    path.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""), encoding="utf-8")


def beside(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}"))


LAST = "poplar-spring-philadelphia"  # the last program in the sample file


def test_a_build_after_removals_changes_the_site_where_it_is_and_then_equals_a_cold_build(tmp_path):
    """With a trusted record, only what changed is written beside the site and moved in (publish.Changes): the
    site folder stays the same folder, a removed page's and a removed program's files and folders are deleted.
    A changed page whose place in the site is taken by a folder cannot be moved in: that build carries the rest
    over and swaps, as a build without a record does. Both equal a cold build, file for file."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    page = project / "content" / "note-for-one-build.md"
    page.write_text("# A note\n\nThis page is removed before the next build.\n", encoding="utf-8")
    build(project, site)
    assert (site / "note-for-one-build" / "index.html").is_file()
    assert (site / "programs" / LAST / "index.html").is_file()
    folder = site.stat().st_ino

    page.unlink()
    cut_program(project, LAST)
    warm = build(project, site)
    made, kept = counts(warm)
    assert kept > 900 and made < 400, warm.stderr  # a removal changes its neighbours, listings and counts
    assert site.stat().st_ino == folder  # changed where it is, not swapped for a new folder
    assert not (site / "note-for-one-build").exists()
    assert not (site / "programs" / LAST).exists() and not (site / "es" / "programs" / LAST).exists()
    assert beside(site) == [cache_folder(site).name]  # no scratch folder left
    fresh = tmp_path / "fresh"
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []

    taken = site / "programs" / EDITED / "index.html"
    taken.unlink()
    taken.mkdir()
    (taken / "stray.txt").write_text("a folder where the page goes", encoding="utf-8")
    edit(project, "phone: 804-555-0101", "phone: 804-555-0177")
    build(project, site)
    assert site.stat().st_ino != folder  # swapped whole
    assert "804-555-0177" in taken.read_text(encoding="utf-8")
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []


@pytest.mark.parametrize(
    "damage, said",
    [
        (lambda data: data[: len(data) // 2], "its contents do not match their checksum"),
        (lambda data: data[:10], "it is not an IOP Finder build cache, or it was cut short"),
        (lambda data: data[:-5] + bytes(b ^ 0xFF for b in data[-5:]), "its contents do not match their checksum"),
    ],
    ids=["truncated", "cut to its start", "bytes changed"],
)
def test_a_damaged_cache_is_one_line_and_the_build_makes_everything(cold, tmp_path, damage, said):
    project, site, _ = cold
    build(project, site)  # whatever the last test left, a good cache to damage
    keys = cache_folder(site) / keystore.KEYS
    keys.write_bytes(damage(keys.read_bytes()))
    done = build(project, site)
    lines = cache_lines(done)
    assert len(lines) == 1, done.stderr
    assert said in lines[0] and lines[0].rstrip().endswith("building everything")
    assert "Traceback" not in done.stderr
    made, kept = counts(done)
    assert kept == 0 and made > 900
    fresh = tmp_path / "fresh"
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []


def test_a_cache_from_another_configuration_or_theme_is_not_trusted(cold):
    project, site, _ = cold
    build(project, site)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment changes nothing, yet it is not the same\n")
    done = build(project, site)
    assert [line for line in cache_lines(done) if "another version of the generator, the theme or mkdocs.yml" in line]
    assert counts(done)[1] == 0
    assert counts(build(project, site))[0] == 0  # and the next build trusts the cache it made

    css = project / "overrides" / "assets" / "css" / "iop.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a theme change */\n", encoding="utf-8")
    done = build(project, site)
    assert len(cache_lines(done)) == 1 and counts(done)[1] == 0


def test_a_cache_naming_code_is_refused_without_running_it(tmp_path):
    """A record whose checksum is right but which asks to call a function (how a pickle runs code) is refused."""
    fingerprint = keystore.fingerprint("test")
    payload = pickle.dumps(os.system)
    path = tmp_path / keystore.KEYS
    path.write_bytes(keystore.MAGIC + fingerprint + keystore._checksum(payload) + payload)
    with pytest.raises(keystore.CacheUnreadable, match=r"names (posix|nt)\.system"):
        keystore.read_record(path, fingerprint)
    keystore.write_record(path, fingerprint, {"a": (b"\x00", 1.5, None)})
    assert keystore.read_record(path, fingerprint) == {"a": (b"\x00", 1.5, None)}


def test_keys_staged_before_the_swap_are_trusted_only_once_committed(tmp_path):
    """stage() writes the new keys aside and withdraws the old; a build that dies before commit() leaves a cache
    that trusts no key at all (the site may be the old one or the new one)."""
    fingerprint = keystore.fingerprint("test")
    store = keystore.DiskStore(tmp_path / "cache", fingerprint)
    store.stage({"index.html": (b"one",)})
    store.commit()
    assert keystore.DiskStore(tmp_path / "cache", fingerprint).previous() == {"index.html": (b"one",)}

    store = keystore.DiskStore(tmp_path / "cache", fingerprint)
    store.stage({"index.html": (b"two",)})
    dead = keystore.DiskStore(tmp_path / "cache", fingerprint)  # the build died here, mid-swap
    assert dead.previous() == {}
    store.commit()
    assert keystore.DiskStore(tmp_path / "cache", fingerprint).previous() == {"index.html": (b"two",)}


def test_the_deploy_workflow_restores_the_cache_before_the_build_and_saves_it_after():
    import yaml
    from conftest import ROOT

    steps = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))["jobs"]["build"][
        "steps"
    ]
    uses = [s.get("uses") or s.get("run") for s in steps]
    restore = uses.index("actions/cache/restore@v4")
    build_step = uses.index("python -m mkdocs build --strict --site-dir site")
    save = uses.index("actions/cache/save@v4")
    assert restore < build_step < save
    for step in (steps[restore], steps[save]):
        assert step["with"]["path"].split() == ["site", ".site.iop-cache"]  # the cache and the site it describes
        key = step["with"]["key"]
        assert "hashFiles('constraints.txt')" in key and "'generator/**'" in key and "github.sha" in key
    assert steps[restore]["with"]["restore-keys"].strip() == steps[restore]["with"]["key"].rsplit("${{", 1)[0]


def _inodes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("*.bin")}


def test_only_what_a_build_remade_is_written_back_and_what_it_no_longer_uses_is_deleted(tmp_path):
    """Each reusable value has its own file, rewritten only when the build made it afresh; the program items are
    in keystore.SHARDS files by their digest, and an edit to one item rewrites one of them."""
    from generator.dataset import ItemCache

    fingerprint, folder = keystore.fingerprint("test"), tmp_path / "cache"
    store = keystore.DiskStore(folder, fingerprint)
    store.start()
    for name in ("nearby", "conditions/ptsd.md#listing", "states/ri.md#listing"):
        store.reuse(name, (name, 1), lambda name=name: f"value of {name}")
    items = ItemCache.restore(
        (("vocabularies", "2026-12-03"), {bytes([i, 7]): ({"id": f"p{i}"}, []) for i in range(64)})
    )
    store.item_caches = {"data/programs.yaml": items}
    store.stage({"index.html": (b"one",)}, ["assets/site.css"])
    store.commit()
    values, shards = _inodes(folder / keystore.VALUES), _inodes(folder / keystore.ITEMS)
    assert len(values) == 3 and len(shards) == keystore.SHARDS

    again = keystore.DiskStore(folder, fingerprint)
    assert again.note is None
    assert again.previous() == {"index.html": (b"one",)} and again.previous_others() == {"assets/site.css"}
    again.start()
    assert again.reuse("nearby", ("nearby", 1), lambda: "made again") == "value of nearby"
    assert again.reuse("conditions/ptsd.md#listing", ("changed", 2), lambda: "new listing") == "new listing"
    cache = again.item_caches["data/programs.yaml"]
    assert cache.entries == items.entries
    cache.entries[bytes([3, 8])] = cache.entries.pop(bytes([3, 7]))  # one program edited: shard 3 changes
    again.stage({"index.html": (b"two",)})
    again.commit()
    now = _inodes(folder / keystore.VALUES)
    assert now[keystore.value_file("nearby")] == values[keystore.value_file("nearby")]  # kept as it was
    assert (
        now[keystore.value_file("conditions/ptsd.md#listing")]
        != values[keystore.value_file("conditions/ptsd.md#listing")]
    )
    assert keystore.value_file("states/ri.md#listing") not in now  # not used by the last build: deleted
    rewritten = [n for n, ino in _inodes(folder / keystore.ITEMS).items() if shards[n] != ino]
    assert rewritten == [keystore.shard_file("data/programs.yaml", 3)]
    third = keystore.DiskStore(folder, fingerprint)
    assert third.item_caches["data/programs.yaml"].entries == cache.entries
    assert third._values["conditions/ptsd.md#listing"] == (("changed", 2), "new listing")


def test_a_damaged_value_or_part_of_the_items_is_made_again_and_the_rest_is_trusted(cold, tmp_path):
    project, site, _ = cold
    build(project, site)  # whatever the last test left, a good cache to damage
    cache = cache_folder(site)
    value = sorted((cache / keystore.VALUES).glob("*.bin"))[0]
    value.write_bytes(value.read_bytes()[:-3])
    part = cache / keystore.ITEMS / keystore.shard_file("data/programs.yaml", 0)
    part.write_bytes(part.read_bytes()[:40])
    done = build(project, site)
    lines = cache_lines(done)
    assert len(lines) == 1, done.stderr
    assert lines[0].endswith(
        f"IOP Finder: not using 2 parts of the build cache in {cache}: values/{value.name}: its contents do not "
        "match their checksum (cut short or changed), and 1 more; making them again"
    ), lines[0]
    made, kept = counts(done)
    assert made == 0 and kept > 900  # the list of files is trusted: nothing in the site changed
    assert cache_lines(build(project, site)) == []  # both were written again
    fresh = tmp_path / "fresh"
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []


def test_a_page_edit_renders_that_page_alone_and_a_kept_render_warns_again(tmp_path):
    """Renders kept in the build cache: editing one Markdown page renders it alone, and what rendering it
    logged (here a link to a page that does not exist) is said again by every build that keeps the render."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    pages = rendered(build(project, site))[1]
    page = project / "content" / "learn" / "what-is-iop.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [a page](no-such-page.md).\n", encoding="utf-8")
    warning = "contains a link 'no-such-page.md', but the target 'learn/no-such-page.md' is not found"
    edited = build(project, site, strict=False)
    assert rendered(edited) == (1, pages) and warning in edited.stderr, edited.stderr
    indexed = searched(edited)[1]
    assert searched(edited) == (1, indexed) and themed(edited) == (1, indexed)  # its entries and page alone
    again = build(project, site, strict=False)
    assert rendered(again) == (0, pages) and warning in again.stderr, again.stderr
    assert searched(again) == (0, indexed) and themed(again) == (0, indexed)
    strict = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert strict.returncode == 1 and warning in strict.stderr  # --strict still stops on a kept render's warning
    fresh = tmp_path / "fresh"
    build(project, fresh, strict=False, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []


def test_a_render_is_kept_while_the_files_its_links_lead_to_are_and_made_again_when_one_is_gone(tmp_path):
    """A render is not keyed on the whole list of the build's files (plugin._Lookups): a data edit that adds a
    search file (a new word in a program's name) renders no page again, while removing a program renders again
    the page that links to the program's page, which then warns, and keeps warning from its kept render."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    page = project / "content" / "about.md"
    link = f"programs/{LAST}/index.html"
    page.write_text(page.read_text(encoding="utf-8") + f"\nSee [one program]({link}).\n", encoding="utf-8")
    pages = rendered(build(project, site))[1]
    before = set(tree(site))

    edit(project, "name: Harbor Light Recovery Center — Evening IOP", "name: Harbor Light Zyzzyva Center — Evening IOP")
    renamed = build(project, site)
    assert sorted(set(tree(site)) - before) and rendered(renamed) == (0, pages), renamed.stderr
    assert "Zyzzyva" in (site / "programs" / EDITED / "index.html").read_text(encoding="utf-8")

    cut_program(project, LAST)
    warning = f"Doc file 'about.md' contains a link '{link}', but the target is not found among documentation files"
    gone = build(project, site, strict=False)
    made, _ = rendered(gone)
    assert 1 <= made < pages and warning in gone.stderr, gone.stderr
    again = build(project, site, strict=False)
    assert rendered(again) == (0, pages) and warning in again.stderr, again.stderr
    fresh = tmp_path / "fresh"
    build(project, fresh, strict=False, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []


def test_a_title_in_a_navigation_makes_every_page_again_and_the_site_equals_a_cold_build(tmp_path):
    """A page is kept whole (plugin.WholePages) only while the site around it is unchanged: the Spanish
    navigation takes its titles from the Spanish pages, so retitling one changes the menu of every page."""
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    pages = themed(build(project, site))[1]
    page = project / "content" / "es" / "learn" / "what-is-iop.md"
    text = page.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    page.write_text(text.replace(f"title: {title}", "title: Zyzzyva IOP", 1), encoding="utf-8")
    retitled = build(project, site)
    assert themed(retitled) == (pages, pages), retitled.stderr
    shells = shells_made(retitled)[1]
    assert shells_made(retitled) == (shells, shells)  # the shells show the menus too
    menu = (site / "es" / "learn" / "levels-of-care" / "index.html").read_text(encoding="utf-8")
    assert "Zyzzyva IOP" in menu  # another Spanish page's menu shows the new title
    assert themed(build(project, site)) == (0, pages)
    fresh = tmp_path / "fresh"
    build(project, fresh, IOP_FINDER_CACHE="0")
    assert same_files(site, fresh) == []
