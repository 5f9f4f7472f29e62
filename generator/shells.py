"""Theme shells: the theme rendered once per kind of generated page, with markers where each page's own parts go.

Program and state pages (thousands) never pass through the engine's Markdown, navigation or search index: the
engine adapter renders the theme's `generated.html` once for each kind with the placeholders below as the page's
title, description and content, and every page is then poured into its shell (`pour`). A shell is rendered before
any data enters it, so its inline scripts are the theme's own: the page policy is derived from it (see csp.py).
"""

from __future__ import annotations

import html
import re

from . import templates

KINDS = ("program", "state")
TEMPLATE = "generated.html"
SHELL_ID = "iopshellpage"
MARK_TITLE = "IOPSHELLTITLE"
MARK_DESC = "IOPSHELLDESCRIPTION"
MARK_BODY = "<h1>IOPSHELLHEADING</h1>IOPSHELLBODY"
MARK_HEAD = "<!--IOPSHELLHEAD-->"


def name(kind: str, lang=None) -> str:
    """A shell's name in the build plan: its kind ("program"), and in another language than the site's own, its
    language too ("program:es")."""
    return f"{kind}:{lang.code}" if lang is not None and lang.translated else kind


def src_uri(kind: str) -> str:
    """Where the engine is told the shell's placeholder page lives: at the depth of the real pages
    (programs/<id>/, states/<st>/), so every relative link in the theme is right for them."""
    return f"{kind}s/{SHELL_ID}.md"


# The theme's inline scripts that only its bundle reads (local storage helpers, content tabs): the lean shell
# does not load the bundle (overrides/generated.html), so they would be dead weight on every page.
_BUNDLE_ONLY = re.compile(r"<script>(?:__md_scope=|var target=document\.getElementById\(location\.hash).*?</script>")
# The theme's generator tag says which versions built the site: the hand-written pages keep it, 20,000 copies
# tell nobody more.
_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')
# The navigation drawer's toggle and overlay, the empty skip-link holder and the bundle's dialog: the lean shell
# has no drawer, no table of contents to skip and no bundle (overrides/generated.html).
_NO_BUNDLE_PARTS = re.compile(
    r'<input class="md-toggle" data-md-toggle="drawer"[^>]*>\s*'
    r'|<label class="md-overlay" for="__drawer"></label>\s*'
    r'|<div data-md-component="skip">\s*</div>\s*'
    r'|<div class="md-dialog" data-md-component="dialog">\s*<div class="md-dialog__inner md-typeset"></div>\s*</div>\s*'
)
# The theme's "Made with Material for MkDocs" credit: the hand-written pages keep it; on 40,000 generated pages it
# is 5 MB (the theme's licence does not ask for it, and `extra.generator: false` would drop it everywhere).
_CREDIT = re.compile(
    r'[^<>]*<a href="https://squidfunk\.github\.io/mkdocs-material/"[^>]*>\s*Material for MkDocs\s*</a>'
)
# Where the bundle mounts its components: without the bundle nothing reads them (the theme's CSS and IOP Finder's
# own select only the crisis banner's "announce", which stays). About 110 bytes a page.
_BUNDLE_HOOKS = re.compile(r' data-md-component="(?:container|content|header|main)"')
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def lean(rendered: str) -> str:
    """The rendered shell without the theme's blank lines and indentation, nor its bundle-only scripts.

    Any run of whitespace that holds a line break becomes one line break: a browser shows every such run as one
    space (or nothing, between blocks), and the shell has no <pre> or <textarea> where it would show; between
    block-level tags it goes altogether (templates.between_blocks). Run on the
    render before its policy is worked out, so the policy hashes the scripts as they are published."""
    for unused in (_BUNDLE_ONLY, _GENERATOR, _NO_BUNDLE_PARTS, _CREDIT, _BUNDLE_HOOKS):
        rendered = unused.sub("", rendered)
    return templates.between_blocks(_INDENT.sub("\n", rendered))


def checked(kind: str, shell: str) -> str:
    """The rendered shell, once sure that each marker survived the theme exactly once."""
    for marker in (MARK_BODY, MARK_HEAD):
        if shell.count(marker) != 1:
            raise RuntimeError(f"theme shell for {kind} pages lost its marker {marker}")
    return shell


def pour(shell: str, kind: str, *, url: str, title: str, description: str, body: str, head: str = "") -> str:
    """One page: its body, head, title and description put into its kind's shell, and the shell's own address
    replaced by the page's (`url` is relative to the site root, like "programs/<id>/").

    The shell's own markers are replaced before the body and head go in, so no text from the data is ever
    mistaken for a marker."""
    page = shell.replace(MARK_TITLE, html.escape(title, quote=True))
    page = page.replace(MARK_DESC, html.escape(description, quote=True))
    page = page.replace(f"{kind}s/{SHELL_ID}/", url)
    before_head, after_head = page.split(MARK_HEAD)
    before_body, after_body = after_head.split(MARK_BODY)
    return "".join((before_head, head, before_body, body, after_body))
