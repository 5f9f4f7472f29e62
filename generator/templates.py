"""The generator's own Jinja templates (generator/templates/): HTML fragments, autoescaped, and Markdown page
sources, where values are escaped with the `h` filter where they land in HTML."""

from __future__ import annotations

import ast
import html
import re
from functools import cache
from pathlib import Path

import jinja2
import markupsafe

from . import safe_markdown

FOLDER = Path(__file__).parent / "templates"


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(FOLDER)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def html_templates() -> jinja2.Environment:
    return _env(autoescape=True)


@cache
def markdown_templates() -> jinja2.Environment:
    env = _env(autoescape=False)
    env.filters["h"] = lambda s: html.escape(str(s), quote=True)
    env.filters["md"] = safe_markdown.literal  # data text in generated Markdown: shown, never parsed
    return env


# Block-level elements: a line break between a tag and one of these shows nothing (a browser drops whitespace
# between blocks), yet each costs a byte on each of 40,000 program pages. Inline elements (a, span, strong,
# button, label, svg, br...) are not here: a line break before one shows as a space.
_BLOCK = (
    r"(?:html|head|body|meta|link|title|script|noscript|style|div|p|ul|ol|li|dl|dt|dd|h[1-6]|nav|header|footer|"
    r"main|article|aside|section|details|summary|address|table|thead|tbody|tr|th|td|blockquote|hr)"
)
_BEFORE_BLOCK = re.compile(rf">\n+(?=</?{_BLOCK}[\s>/])")
_BLOCK_THEN_TAG = re.compile(rf"(</?{_BLOCK}(?:\s[^<>]*)?>)\n+(?=\{{%)")


def between_blocks(source: str) -> str:
    """HTML (or a template's HTML source) without the line breaks (blank lines too) that only separate
    block-level tags: after a tag and before a block's opening or closing tag, or after a block's tag and before
    a template tag (`</li>` then `{% endfor %}`: the break would be written once for each item). Only markup is touched, never
    text or a value from the data; the page looks the same."""
    return _BLOCK_THEN_TAG.sub(r"\1", _BEFORE_BLOCK.sub(">", source))


# A template's words that are plain text: {{ words("key", "English") }}, with nothing but constants in it.
_PLAIN_WORD = re.compile(
    r"""\{\{ words\((?P<key>"[a-z_.]+"|'[a-z_.]+'), (?P<english>"[^"\\{}%#]*"|'[^'\\{}%#]*')\) \}\}"""
)


def worded(name: str, words) -> jinja2.Template:
    """An HTML template with its plain words written in, in the language of `words`: the same output as rendering
    it with `words`, without a call for each of them on each of 20,000 pages. Words that hold braces, percent or
    hash signs stay calls (written in, they could read as template syntax). Kept with the words (a rebuild that
    reads the locale again gets new ones) and remade when the template file changes."""
    path = FOLDER / name
    key = (name, path.stat().st_mtime_ns)
    made = words.__dict__.setdefault("_worded_templates", {})
    if key not in made:

        def written_in(m: re.Match) -> str:
            text = str(markupsafe.escape(words(ast.literal_eval(m["key"]), ast.literal_eval(m["english"]))))
            return m[0] if re.search(r"[{}%#]", text) else text

        source = between_blocks(path.read_text(encoding="utf-8"))
        made[key] = html_templates().from_string(_PLAIN_WORD.sub(written_in, source))
    return made[key]
