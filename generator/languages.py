"""The site's languages: which there are, where each one's pages live, its words, and a page's twins.

mkdocs.yml lists the languages (the plugin's `languages` setting, code: own name). The first is the site's own
language, English, at the root; each other one lives under /<code>/ and brings only translations:

    content/<code>/                    its hand-written pages, at the same paths as the English ones
    locales/<code>.yaml                its words: the theme's, the generated pages', the scripts'
    translations.<code>                each condition's and therapy's text (data/conditions.yaml, therapies.yaml)
    includes/abbreviations-<code>.md   its abbreviations, in place of includes/abbreviations.md (optional)

English has no locale file: its words are the English written where each is used, and each use names the key of
its translation. `words("quick_links.find", "Find a program")` is "Find a program" on an English page and the
locale's `quick_links.find` on the others, so the English stays readable in place and a missing translation is
found by reading the code (`word_uses`), before a page is built.

Pages pair up by path: learn/first-day/ and es/learn/first-day/ are twins. A page whose twin the site does not have
(yet) has no alternates, and its language switch leads to the other language's home page.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import html
import json
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import jinja2
import markupsafe
import yaml

from .words import LanguageError, Words

LOCALES = "locales"
X_DEFAULT = "x-default"
# The links a locale string marks with {name} (it holds no HTML): where each goes, and the text it shows.
LINKS = {
    "911": ("tel:911", "911"),
    "988": ("tel:988", "988"),
    "sms988": ("sms:988?body=AYUDA", "988"),
    "chat": ("https://988lifeline.org/chat/", "988lifeline.org/chat"),
}
_LINK_MARK = re.compile(r"\{(" + "|".join(LINKS) + r")\}")
# Attributes whose value may be an address inside the site (data-zip-jump: the home page's ZIP box).
_ADDRESS = re.compile(r'(?P<lead>\s(?:href|action|data-[a-z-]+)=")(?P<url>[^"#?:]*/)(?P<rest>[?#][^"]*)?"')


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: the language switch shows it
    folder: str  # "" for the site's own language, "es/" for the others
    words: Words = field(default_factory=Words, compare=False, repr=False)
    abbreviations: str = "abbreviations.md"  # the file of includes/ its pages append

    @property
    def translated(self) -> bool:
        return bool(self.folder)

    def digest_input(self) -> str:
        """What pages made in this language depend on: its words (for a build plan's keys)."""
        return json.dumps([self.code, self.name, self.words.tree], sort_keys=True, default=str)

    def time(self, day) -> markupsafe.Markup:
        """A date as a <time> element, written the language's way."""
        if not isinstance(day, dt.date):
            return markupsafe.escape(day)
        return markupsafe.Markup(f'<time datetime="{day.isoformat()}">{html.escape(self.date(day))}</time>')

    def date(self, day: dt.date) -> str:
        """A date as this language writes it ("December 1, 2026", "1 de diciembre de 2026")."""
        return self.words.date(day)


@dataclass(frozen=True)
class Languages:
    all: tuple[Language, ...]  # the site's own language first

    @property
    def default(self) -> Language:
        return self.all[0]

    @property
    def others(self) -> tuple[Language, ...]:
        return self.all[1:]

    def of(self, path: str) -> Language:
        """The language of a page, by its source path or URL ("es/learn/x.md", "es/learn/x/")."""
        for lang in self.others:
            if path.startswith(lang.folder) or path == lang.folder.rstrip("/"):
                return lang
        return self.default

    def site_path(self, path: str) -> str:
        """A page's path without its language folder: what it shares with its twins."""
        lang = self.of(path)
        return path[len(lang.folder) :] if path.startswith(lang.folder) else ""

    def twins(self, url: str, published: set[str]) -> dict[str, str]:
        """Code -> URL of each language's version of the page at `url` (itself included), for the pages the site
        has. URLs are relative to the site root, like MkDocs' page URLs ("", "learn/x/", "es/learn/x/")."""
        rest = self.site_path(url)
        return {lang.code: lang.folder + rest for lang in self.all if lang.folder + rest in published}


def load(configured: Mapping[str, str], root: Path) -> Languages:
    """The languages of mkdocs.yml's plugin setting, each with its words from locales/<code>.yaml."""
    if not configured:
        raise LanguageError("mkdocs.yml: plugins.iop-finder.languages: empty (list the site's language first)")
    out = []
    for i, (code, name) in enumerate(configured.items()):
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", str(code)) or not isinstance(name, str) or not name:
            raise LanguageError(
                f"mkdocs.yml: plugins.iop-finder.languages: {code!r}: expected a language code and its own name, "
                'like "es: Español"'
            )
        if i == 0:
            out.append(Language(code, name, ""))
            continue
        words = Words(_read_locale(root, code), f"{LOCALES}/{code}.yaml")
        own = root / "includes" / f"abbreviations-{code}.md"
        out.append(Language(code, name, f"{code}/", words, own.name if own.is_file() else "abbreviations.md"))
    return Languages(tuple(out))


def unlisted_locales(langs: Languages, root: Path) -> list[str]:
    """A line for each locale file whose language mkdocs.yml does not list: its words would be checked and its
    translations required of the data, yet no page would show them."""
    listed = {lang.code for lang in langs.others}
    return [
        f"{LOCALES}/{path.name}: {path.stem} is not among mkdocs.yml's languages "
        "(add it under plugins.iop-finder.languages, or remove the file)"
        for path in sorted((root / LOCALES).glob("*.yaml"))
        if path.stem not in listed
    ]


def _read_locale(root: Path, code: str) -> dict:
    path = root / LOCALES / f"{code}.yaml"
    where = f"{LOCALES}/{code}.yaml"
    if not path.is_file():
        raise LanguageError(
            f"{where}: not found (each language in mkdocs.yml needs its words: copy locales/es.yaml and translate it)"
        )
    try:
        tree = copy.deepcopy(_parsed(path.read_text(encoding="utf-8")))  # a copy: the words may be changed
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise LanguageError(f"{where}{at}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(tree, dict) or tree.get("language") != code:
        raise LanguageError(f'{where}: language: expected "{code}", the code mkdocs.yml gives this file')
    return tree


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> object:
    """Kept by text: `serve` reads the locales again before each rebuild, and the YAML reader takes most of a
    second over a 40 KB file."""
    return yaml.safe_load(text)


def name_order(name: str) -> str:
    """The sort key of a name in any of the languages: its letters without accents ("Oregón" among the O's)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", name) if not unicodedata.combining(ch))


# --- Words in use ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordUse:
    key: str
    english: str | list | None  # None: only other languages ask for it (the English is written out elsewhere)
    where: str


WORD_CALLS = {"t", "fill", "words"}  # the names a call to a Words goes by, in Python and in templates
COUNT_CALL = "count"  # count(key, n, one, other): the words key_one and key_other


def word_uses(paths: Iterable[Path], root: Path) -> list[WordUse]:
    """Every word the code and templates ask a language for: calls like t("key", "English") in .py files,
    iop.t("key", "English") in templates (.html, .md) and IOP.t("key", "English") or IOP.count("key", n, "one",
    "other") in the page scripts (.js)."""
    uses = []
    for path in sorted(paths):
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        found = _uses_in(path.suffix, path.read_text(encoding="utf-8"))
        uses += [WordUse(key, english, where) for key, english in found]
    return uses


@functools.lru_cache(maxsize=1024)
def _uses_in(suffix: str, text: str) -> tuple[tuple[str, object], ...]:
    """Kept by text: `serve` checks the words again before each rebuild, and parsing every module each time
    costs most of a second."""
    readers = {".py": _python_uses, ".js": _script_uses}
    return tuple(readers.get(suffix, _template_uses)(text))


def _python_uses(text: str) -> list[tuple[str, object]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        out += _uses(name, [_constant(a) for a in node.args])
    return out


def _uses(name: str | None, args: list) -> list[tuple[str, object]]:
    """The (key, English) pairs one call asks for; `args` holds each argument's constant value, or None."""
    key = args[0] if args else None
    if not isinstance(key, str) or "." not in key:
        return []
    if name in WORD_CALLS:
        return [(key, args[1] if len(args) > 1 else None)]
    if name == COUNT_CALL and len(args) >= 4:
        return [(f"{key}_one", args[2]), (f"{key}_other", args[3])]
    return []


def _constant(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List) and all(isinstance(e, ast.Constant) for e in node.elts):
        return [e.value for e in node.elts]
    return None


_JS_STRING = r'"((?:[^"\\\n]|\\.)*)"'
# t("key", "English") and count("key", n, "one", "other") in a page script: the key and English are string
# literals in double quotes, n any expression without a comma.
_JS_CALL = re.compile(
    r"\b(t|count)\(\s*"
    + _JS_STRING
    + r"\s*,\s*(?:"
    + _JS_STRING
    + r"|[^,]+,\s*"
    + _JS_STRING
    + r"\s*,\s*"
    + _JS_STRING
    + ")"
)


def _script_uses(text: str) -> list[tuple[str, object]]:
    out = []
    for m in _JS_CALL.finditer(text):
        name, key, english, one, other = m.groups()
        args = [json.loads(f'"{s}"') if s is not None else None for s in (key, english, one, other)]
        if name == "t" and english is not None:
            out += _uses("t", args[:2])
        elif name == COUNT_CALL and one is not None:
            out += _uses(COUNT_CALL, [args[0], None, args[2], args[3]])
    return out


def _template_uses(text: str) -> list[tuple[str, object]]:
    env = jinja2.Environment()
    out = []
    for call in env.parse(text).find_all(jinja2.nodes.Call):
        name = getattr(call.node, "attr", None) or getattr(call.node, "name", None)
        out += _uses(name, [_template_constant(a) for a in call.args])
    return out


def _template_constant(node):
    if isinstance(node, jinja2.nodes.Const):
        return node.value
    if isinstance(node, jinja2.nodes.List) and all(isinstance(i, jinja2.nodes.Const) for i in node.items):
        return [i.value for i in node.items]
    return None


def missing_words(lang: Language, uses: Iterable[WordUse]) -> list[str]:
    """One line for each word a translated language lacks, with the English it stands for."""
    lines = []
    for use in sorted({(u.key, str(u.english)): u for u in uses}.values(), key=lambda u: u.key):
        value = lang.words.get(use.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            hint = f' (in English: "{use.english}", in {use.where})' if use.english else f" (used in {use.where})"
            lines.append(f"{lang.words.source}: {use.key}: missing{hint}")
        elif isinstance(use.english, list) and not isinstance(value, list):
            lines.append(f"{lang.words.source}: {use.key}: expected a list, like the English in {use.where}")
    return lines


# --- Text with links ---------------------------------------------------------------------------------------------


def rich(text: str, **values) -> markupsafe.Markup:
    """A locale string as HTML: its text escaped, each {911}, {988}, {sms988}, {chat} a link, and each other
    {name} one of `values` (already HTML, like a <time> element)."""
    out = []
    for i, part in enumerate(re.split(r"\{(\w+)\}", text)):
        if i % 2 == 0:
            out.append(html.escape(part, quote=False))
        elif part in LINKS:
            href, shown = LINKS[part]
            rel = ' rel="noopener noreferrer"' if href.startswith("https:") else ""
            out.append(f'<a href="{html.escape(href)}"{rel}>{html.escape(shown)}</a>')
        elif part in values:
            out.append(str(markupsafe.escape(values[part])))
        else:
            out.append(html.escape("{" + part + "}", quote=False))
    return markupsafe.Markup("".join(out))


# The locale sections of the page scripts' words (each named after its script: assets/js/results-map.js ->
# results_map), published for each translated language in one file every page of it loads (words_file).
SCRIPT_SECTIONS = ("iop", "finder", "results_map", "list", "compare", "self_check", "site_search")


def words_file(lang: Language) -> str:
    """The site path of a translated language's script words: one small file, cached by the browser, instead of
    the same words in every page (the site has tens of thousands of program pages)."""
    return f"assets/js/words-{lang.code}.js"


def words_script(lang: Language, data: Mapping) -> str:
    """The script words of a translated language as a script setting window.IOP_WORDS (the site's policy allows
    its own script files only, never inline ones): the language, each SCRIPT_SECTIONS section of its locale,
    the links its {marks} stand for, and `data` (its names of the finder's vocabularies, its page folders)."""
    sections = {name: lang.words.get(name) for name in SCRIPT_SECTIONS if isinstance(lang.words.get(name), Mapping)}
    words = {
        "lang": lang.code,
        "folder": lang.folder,
        "words": sections,
        "links": {name: list(target) for name, target in LINKS.items()},
        **data,
    }
    text = json.dumps(words, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # No "</script" or "<!--" can end or confuse anything: the file is a script, never HTML, but stay safe.
    text = text.replace("<", "\\u003c")
    return f"/* IOP Finder's words in {lang.name}, made from {LOCALES}/{lang.code}.yaml by the build. */\nwindow.IOP_WORDS = {text};\n"


def source_lang(lang: Language, source_id: str, default: Language) -> str:
    """A lang attribute for a source cited on a page of a translated language: its title is in the site's own
    language unless the locale lists the source as written in its own (page_sources.in_this_language)."""
    if not lang.translated or source_id in (lang.words.get("page_sources.in_this_language") or ()):
        return ""
    return f' lang="{default.code}"'


def appended(names: list[str], lang: Language) -> list[str]:
    """The snippets appended to every Markdown page (mkdocs.yml: pymdownx.snippets auto_append), with the
    language's own abbreviations in place of the English ones."""
    return [
        posixpath.join(posixpath.dirname(n), lang.abbreviations) if posixpath.basename(n) == "abbreviations.md" else n
        for n in names
    ]


def nav_in(nav: list, lang: Language, has_page) -> tuple[list, dict[str, str]]:
    """The site's navigation (mkdocs.yml `nav`) for another language: each page's twin where the language has
    one (the others are left out until it does), each section titled in its words (nav.<English title>).
    Returns the nav, with bare paths for pages, and the nav titles to give pages whose locale names them
    (nav.Home); a page the locale does not name keeps its own title."""
    titles: dict[str, str] = {}

    def convert(item):
        if isinstance(item, str):
            return _twin(item, None)
        ((title, value),) = item.items()
        if isinstance(value, str):
            return _twin(value, title)
        children = [c for c in (convert(v) for v in value) if c is not None]
        section = lang.words.get(f"nav.{title}")
        if not isinstance(section, str):
            raise LanguageError(
                f"{lang.words.source}: nav.{title}: missing (the title of a section of the nav in mkdocs.yml)"
            )
        return {section: children} if children else None

    def _twin(path: str, title: str | None):
        if "://" in path:
            return None
        twin = lang.folder + path
        if not has_page(twin):
            return None
        own = lang.words.get(f"nav.{title}") if title else None
        if isinstance(own, str):
            titles[twin] = own
        return twin

    return [c for c in (convert(i) for i in nav or []) if c is not None], titles


def split_search(index: dict, lang: Language) -> tuple[dict, dict]:
    """Material's search index of the whole site, split into the site's own (everything outside the language's
    folder) and the language's, whose locations are relative to its folder (its pages' search base).

    Both keep the site's search settings. A language's own stemmer (lunr.es.js) would be loaded by the search
    worker with importScripts, and a worker's requests send a Referer, which no request of this site does; the
    site's settings use no stemmer for English either (only the stop-word filter)."""
    own = [d for d in index["docs"] if not d["location"].startswith(lang.folder)]
    theirs = [
        {**d, "location": d["location"][len(lang.folder) :]}
        for d in index["docs"]
        if d["location"].startswith(lang.folder)
    ]
    return {**index, "docs": own}, {**index, "docs": theirs}


# --- Links between the languages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    href: str  # absolute, as search engines want it


@dataclass(frozen=True)
class SwitchLink:
    code: str
    name: str
    path: str  # relative to the site root: the twin, or the language's home page
    same_page: bool  # the twin: the switch keeps the page's fragment (a search, a list) when it is followed


def alternates(twins: Mapping[str, str], langs: Languages, site_url: str) -> list[Alternate]:
    """hreflang links of a page that has a twin: every version (itself too), and x-default, the site's own."""
    if len(twins) < 2:
        return []
    out = [Alternate(lang.code, site_url + twins[lang.code]) for lang in langs.all if lang.code in twins]
    if langs.default.code in twins:
        out.append(Alternate(X_DEFAULT, site_url + twins[langs.default.code]))
    return out


def switch(page_lang: Language, twins: Mapping[str, str], langs: Languages) -> list[SwitchLink]:
    """The language switch of a page: each other language, at the twin when there is one, else at its home."""
    return [
        SwitchLink(lang.code, lang.name, twins.get(lang.code, lang.folder) or "./", lang.code in twins)
        for lang in langs.all
        if lang.code != page_lang.code
    ]


def fall_back(page_html: str, page_url: str, lang: Language, published: set[str]) -> str:
    """A translated page's HTML with each link to a page its language does not have yet (its finder, until
    that is translated) sent to the site's own page at that path instead."""
    if not lang.translated:
        return page_html
    base = "http://site.invalid/" + page_url

    def replace(m: re.Match) -> str:
        target = urlsplit(_join(base, m["url"])).path.lstrip("/")
        if not target.startswith(lang.folder) or target in published:
            return m[0]
        fallback = target[len(lang.folder) :]
        if fallback not in published:
            return m[0]
        return f'{m["lead"]}{relative(fallback, page_url)}{m["rest"] or ""}"'

    return _ADDRESS.sub(replace, page_html)


def _join(base: str, url: str) -> str:
    scheme, netloc, path, _, _ = urlsplit(base)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), url))
    return urlunsplit((scheme, netloc, joined + ("/" if url.endswith("/") else ""), "", ""))


def relative(target: str, page_url: str) -> str:
    """A site path ("find/") as a link from the page at `page_url` ("es/learn/x/")."""
    up = "../" * page_url.count("/")
    return (up + target) or "./"
