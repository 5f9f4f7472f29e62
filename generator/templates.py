"""The generator's own Jinja templates (generator/templates/): HTML fragments, autoescaped, and Markdown page
sources, where values are escaped with the `h` filter where they land in HTML."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import jinja2

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
