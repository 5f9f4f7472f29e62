"""One stylesheet and one script for what every page loads.

mkdocs.yml lists IOP Finder's own stylesheets (extra_css) and the scripts every page loads (extra_javascript) as
separate files, one concern each, in the order they must run. Linked one by one, they cost every page four more
tags (about 220 bytes; 8.8 MB over 40,000 program pages) and a phone four more requests before the page is whole.
So the build serves each list as one file, its parts joined in the listed order, and pages link only that
(plugin.py swaps the lists in the configuration and adds the joined files to the site). The parts stay in the
site too: tests run them on their own, and a page that needs one alone can still link it.

A part finds the site's folders from its own <script> tag (document.currentScript), which is the joined file's
when it runs inside it: both sit in the same folder, so the addresses it works out are the same.
"""

from __future__ import annotations

from collections.abc import Iterable

STYLES = "assets/css/site.css"
SCRIPTS = "assets/js/site.js"


def joined(parts: Iterable[tuple[str, str]], *, script: bool) -> str:
    """The parts (path, text) in order, each under a comment naming it. Scripts are kept apart by a semicolon, so a
    part that ends without one can never run into the next."""
    glue = ";\n" if script else "\n"
    return glue.join(f"/* {path} */\n{text.rstrip()}\n" for path, text in parts)
