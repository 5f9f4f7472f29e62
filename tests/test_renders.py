"""Under `mkdocs serve`, a Markdown page's render is kept while everything it is made from is unchanged
(plugin.Renders): a rebuild after a data edit parses no page again, an edited page is parsed again, what a kept
render warned about is warned about again (so --strict still stops), and the served site equals a fresh build."""

from __future__ import annotations

import filecmp
from pathlib import Path

from conftest import copy_project, run_mkdocs, serve_rounds

BROKEN = "See [the old page](no-such-page.md)."
EDITS = [
    # 1. A page of text edited, with a link to a page that does not exist.
    [["content/about.md", "# About IOP Finder", "# About IOP Finder\n\n" + BROKEN]],
    # 2. Only data edited.
    [["data/programs.yaml", "phone: 804-555-0101", "phone: 804-555-0109"]],
    # 3. The link fixed.
    [["content/about.md", BROKEN, "See [the finder](find/index.md)."]],
]
WARNING = "Doc file 'about.md' contains a link 'no-such-page.md', but the target is not found"


def _tree(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def test_renders_are_kept_while_their_inputs_are_and_their_warnings_repeat(tmp_path):
    project = copy_project(tmp_path / "project")
    site = tmp_path / "served"
    first, broken, data, fixed = serve_rounds(project, site, EDITS)
    pages = first["markdown_pages"]
    assert pages > 50 and all(r["markdown_pages"] == pages for r in (broken, data, fixed))
    assert first["renders_kept"] == 0
    # The edited page alone is parsed again, each time it changes; a data edit parses none.
    assert broken["renders_kept"] == pages - 1
    assert data["renders_kept"] == pages
    assert fixed["renders_kept"] == pages - 1
    # A page made of what it was made of last time is written as it was, neither rendered by the theme's
    # templates nor finished again (plugin.WholePages): on a text edit, every page but the edited one; on a
    # data edit, every page but those whose listing shows the program. Those that are made again come out of the
    # theme changed, so none of them finds its finished page kept either.
    assert first["pages_kept"] == 0 and all(r["pages"] == pages for r in (first, broken, data, fixed))
    assert broken["pages_kept"] == fixed["pages_kept"] == pages - 1
    assert data["listings_made"] and data["pages_kept"] == pages - len(data["listings_made"])
    assert [r["finished_kept"] for r in (first, broken, data, fixed)] == [0, 0, 0, 0]
    # The broken link is reported by the build that parsed the page and by the one that kept its render.
    assert [any(m.startswith(WARNING) for m in r["warnings"]) for r in (first, broken, data, fixed)] == [
        False,
        True,
        True,
        False,
    ]

    fresh = tmp_path / "fresh"
    built = run_mkdocs(project, fresh)
    assert built.returncode == 0, built.stdout + built.stderr
    a, b = _tree(site), _tree(fresh)
    assert sorted(a) == sorted(b)
    assert [name for name in sorted(a) if not filecmp.cmp(a[name], b[name], shallow=False)] == []
    assert 'href="../find/"' in (site / "about" / "index.html").read_text(encoding="utf-8")
