"""A language's words by key, for every stage that writes text people read (page values, signs of quality,
verification steps, pages). The site's own language, English, has no words of its own: each use gives its English
in place, `words("program.call", "Call {phone}")`, and a translated language gives its locale's word for the key
(locales/<code>.yaml, read by languages.py). Calls named words, fill, count or t are found in the code by
languages.word_uses, so a missing translation is reported before a page is built.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping


class LanguageError(Exception):
    """The languages' configuration or words are wrong; the message names the file and the fix."""


class Words:
    """A language's words by key ("crisis_notice.lead"). The site's own language has none: a use gives its
    English, and the others give their locale's word for the key."""

    def __init__(self, tree: Mapping | None = None, source: str = ""):
        self.tree, self.source = tree, source

    @property
    def translated(self) -> bool:
        return self.tree is not None

    @property
    def code(self) -> str | None:
        """The language's code ("es", from its locale's `language:`); None for the site's own."""
        return self.tree.get("language") if self.tree is not None else None

    def __call__(self, key: str, english=None):
        if self.tree is None:
            if english is None:
                raise LanguageError(f"{key}: asked of the site's own language, which has no words of its own")
            return english
        value = self.get(key)
        if value is None:
            hint = f' (in English: "{english}")' if isinstance(english, str) else ""
            raise LanguageError(f"{self.source}: {key}: missing{hint}")
        return value

    def get(self, key: str):
        node = self.tree
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node

    def fill(self, key: str, english: str, **values) -> str:
        """The text with each {name} replaced by its value (values may hold braces: they are put in last)."""
        return _fill(self(key, english), values)

    def count(self, key: str, n: int, one: str, other: str, **values) -> str:
        """The text for `n` of something: the key's `_one` form for 1, its `_other` form otherwise."""
        if n == 1:
            return self.fill(f"{key}_one", one, count=n, **values)
        return self.fill(f"{key}_other", other, count=n, **values)

    def date(self, day: dt.date) -> str:
        """A date as this language writes it ("December 1, 2026", "1 de diciembre de 2026")."""
        if self.tree is None:
            return f"{day:%B} {day.day}, {day.year}"
        months = self("page_sources.months")
        return self.fill("page_sources.date_format", "", day=day.day, month=months[day.month - 1], year=day.year)

    def vocab(self, vocabulary: str, value: str, english: str) -> str:
        """A vocabulary label (vocab.US_STATES.NY); where the locale leaves one out, it reads as in English."""
        if self.tree is None:
            return english
        return (self.get(f"vocab.{vocabulary}") or {}).get(value, english)


def _fill(text: str, values: Mapping[str, object]) -> str:
    parts = re.split(r"\{(\w+)\}", text)
    return "".join(str(values.get(p, "{" + p + "}")) if i % 2 else p for i, p in enumerate(parts))


ENGLISH = Words()  # the site's own language
