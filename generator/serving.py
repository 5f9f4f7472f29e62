"""What `mkdocs serve` sends beyond the built site: pages that let MkDocs' live-reload script run, and a page that
lists a failed rebuild's problems.

The engine's server adds an inline script to every page it sends (it asks the server for a newer build and
reloads the page). Built pages allow only the theme's own inline scripts, by hash (csp.py), so the browser would
block it: `allow_livereload` adds that one script's hash to the policy of the page being sent, and only there;
no built file ever allows it. When a rebuild fails (broken data), the server would keep every request waiting
for a build that never comes: `problems_page` is sent instead, with the same script, so the page reloads by
itself once the data is fixed.
"""

from __future__ import annotations

import html

from . import csp

_OPEN, _CLOSE = b"<script>", b"</script>"


def allow_livereload(page: bytes) -> bytes:
    """A served page with the inline script the server put just before its last </body> allowed by its hash.

    A page without that script, or without a policy, is returned as it is."""
    end = page.rfind(b"</body>")
    if end < 0 or not page.endswith(_CLOSE, 0, end):
        return page
    start = page.rfind(_OPEN, 0, end)
    if start < 0:
        return page
    script = page[start + len(_OPEN) : end - len(_CLOSE)].decode("utf-8")
    return csp.allow_script(page.decode("utf-8"), script).encode("utf-8")


def problems_page(lines: list[str]) -> bytes:
    """The page every address shows while the last rebuild failed: what is wrong, file by file and line by line.

    The lines hold text from the data files, so each is escaped."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>The site could not be rebuilt - IOP Finder</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}}
h1{{font-size:1.5rem}}li{{margin:.4rem 0}}code{{white-space:pre-wrap;word-break:break-word}}</style>
</head>
<body>
<main>
<h1>The site could not be rebuilt</h1>
<p>Fix what is listed here and save the file. This page reloads by itself when the site builds again.</p>
<ul class="iop-build-problems">
{items}
</ul>
</main>
</body>
</html>
"""
    return csp.with_policy(page, csp.policy([])).encode("utf-8")
