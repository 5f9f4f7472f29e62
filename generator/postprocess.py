"""Last touches on every built HTML page: a few fixes to the theme's markup, then the Content-Security-Policy.

The theme writes three things the Nu HTML Checker rejects, from places no template block reaches: `tabindex=""`
on navigation labels, `for="__toc"` on pages that have no table-of-contents toggle (pages outside the nav), and
`autocomplete="off"` on checkbox toggles. Fixing the output keeps us from forking whole theme templates. (The
header search is the site's own partial, overrides/partials/search.html, with its names in place.)
"""

from __future__ import annotations

import re
from html import escape

from .csp import with_policy

_EMPTY_TABINDEX = re.compile(r'\stabindex=""')
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?)\s+autocomplete="off"')


SEARCH_LABEL = "Search this site"  # the search dialog's name (in the page's language: languages.py)


def fix_theme_markup(html: str, search_label: str = SEARCH_LABEL) -> str:
    html = _EMPTY_TABINDEX.sub("", html)
    html = html.replace(
        '<div class="md-search" data-md-component="search" role="dialog">',
        f'<div class="md-search" data-md-component="search" role="dialog" aria-label="{escape(search_label)}">',
    )
    html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    if 'id="__toc"' not in html:
        html = html.replace(' for="__toc"', "")
    return html


def finish(html: str, policy: str, search_label: str = SEARCH_LABEL) -> str:
    """The page as published: theme fixes, then `policy` (csp.policy of its template's probe render)."""
    return with_policy(fix_theme_markup(html, search_label), policy)
