"""Run IOP Finder's plugin the way `mkdocs serve` does: one build, then rebuilds with the same plugin instance
after edits to the project's files, given as text replacements in a JSON file. Prints one JSON line per build.

    python tests/quality/serve_rebuilds.py PROJECT SITE EDITS.json

EDITS.json is a list of rebuilds; each is a list of [path inside PROJECT, old text, new text]. Run in its own
process: MkDocs keeps plugin instances that have `on_startup` for the life of the process.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config


class _Warnings(logging.Handler):
    """What the build warned about (under --strict, each one would stop it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> None:
    project, site, edits_file = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3])
    os.chdir(project)
    edits = json.loads(edits_file.read_text(encoding="utf-8"))
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["iop-finder"]
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        for round_ in [[]] + edits:
            for rel, old, new in round_:
                path = project / rel
                text = path.read_text(encoding="utf-8")
                if old not in text:
                    raise SystemExit(f"{rel}: {old!r} not found")
                path.write_text(text.replace(old, new, 1), encoding="utf-8")
            config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
            assert config.plugins["iop-finder"] is plugin
            warnings.messages = []
            start = time.perf_counter()
            build(config, serve_url="http://127.0.0.1:8000/")
            seconds = round(time.perf_counter() - start, 3)
            result, store = plugin.result, plugin.store
            waited = time.perf_counter()
            while not gc.isenabled() and time.perf_counter() - waited < 10:  # it runs once the server is idle
                time.sleep(0.05)
            print(
                json.dumps(
                    {
                        "seconds": seconds,
                        "written": result.written,
                        "moved_pages": len(result.updated),
                        "made": sorted(result.made),
                        "updated": sorted(result.updated),
                        "kept": result.kept,
                        "in_place": plugin.in_place,
                        "collector_on": gc.isenabled(),
                        "listings_made": sorted(n for n in store.remade if n.endswith("#listing")),
                        "listings_kept": sorted(n for n in store.reused if n.endswith("#listing")),
                        "nearby_kept": "nearby" in store.reused,
                        "items_read": sum(c.misses for c in store.item_caches.values()),
                        "lines_made": plugin.plan.lines.made,
                        "markdown_pages": plugin.renders.pages,
                        "renders_kept": plugin.renders.hits,
                        "finished_kept": plugin.finished.hits,
                        "pages_kept": plugin.whole.hits,
                        "pages": plugin.whole.pages,
                        "warnings": warnings.messages,
                    }
                ),
                flush=True,
            )
            from generator import parallel

            parallel.enabled = False  # as on_serve does once the server starts
    finally:
        config.plugins.on_shutdown()


if __name__ == "__main__":
    main()
