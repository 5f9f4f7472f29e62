"""Page rendering: the catalogue -> the text of every page the generator makes.

Two kinds, chosen by count:
- Program and state pages (thousands) are HTML poured into a theme shell (shells.py), so each page costs one
  small Jinja render. They are in neither the engine's navigation nor its search index.
- Condition, therapy and index pages (dozens) are Markdown sources the engine renders like hand-written pages,
  so abbreviations, admonitions and link checking work there too. Condition and therapy pages are kept out of the
  search index as well, and their program listings go in after the Markdown (listings.py). So do the data
  fields that are Markdown by design (a condition's description...): the safe renderer (safe_markdown.py) makes
  their HTML, and it replaces a marker after the engine's Markdown has run, so data never meets snippets, raw HTML
  or attr_list.

Every function takes plain data and returns text; none writes a file or needs the engine.
"""

from __future__ import annotations

from collections import defaultdict

import markupsafe

from . import links, listings, maps, model, referral, safe_markdown, shells, views
from .catalogue import Catalogue, program_order, program_url
from .languages import Language, Words, name_order, rich
from .templates import html_templates, markdown_templates, worded
from .words import ENGLISH

BASE = "../../"  # every shell page lives two folders down: programs/<id>/, states/<st>/
DATA_MARK = "<!-- iop-data-{} -->"  # where a Markdown-by-design data field's safe HTML goes
DATA_FIELDS = {"conditions": ("description", "how_iop_helps"), "therapies": ("description", "session", "helps")}


def program_page(cat: Catalogue, p: dict, shell: str, lang: Language | None = None) -> str:
    """A program's page in `lang` (the site's own language if None), poured into that language's shell."""
    return shells.pour(
        shell,
        "program",
        url=f"programs/{p['id']}/",
        title=p["name"],
        description=clip(_summary(p, lang)),
        body=program_body(cat, p, lang),
        # Structured data once, on the site's own page: the other languages' pages are its alternates (hreflang)
        # for the same clinic, and 20,000 more copies of it would tell a search engine nothing more.
        head="" if lang is not None and lang.translated else json_ld_script(cat, p),
    )


def json_ld_script(cat: Catalogue, p: dict) -> str:
    data = referral.json_ld(p, cat.page_url(p), cat.ds.conditions)
    return f'<script type="application/ld+json">{data}</script>'


def page_url(cat: Catalogue, p: dict, lang: Language | None = None) -> str:
    """A program page's public address in `lang`: es/programs/<id>/ beside programs/<id>/."""
    folder = lang.folder if lang is not None else ""
    return f"{cat.settings.site_url}{folder}programs/{p['id']}/"


def _summary(p: dict, lang: Language | None) -> str:
    if lang is None or not lang.translated:
        return p["summary"]
    return ((p.get("translations") or {}).get(lang.code) or {}).get("summary", p["summary"])


_IN_LANGUAGE: dict[tuple[int, str], tuple[dict, dict]] = {}
_ENGLISH_TIME = Language("en", "English", "").time  # dates as <time>, for pages in the site's own language


def _vocabularies(cat: Catalogue, lang: Language | None) -> tuple[dict, dict]:
    """The conditions and therapies with their names in `lang`, worked out once per catalogue and language."""
    if lang is None or not lang.translated:
        return cat.ds.conditions, cat.ds.therapies
    key = (id(cat), lang.code)
    if key not in _IN_LANGUAGE:
        _IN_LANGUAGE[key] = (
            {cid: in_language(c, lang) for cid, c in cat.ds.conditions.items()},
            {tid: in_language(t, lang) for tid, t in cat.ds.therapies.items()},
        )
    return _IN_LANGUAGE[key]


def _data_text(text, lang_code: str | None) -> markupsafe.Markup:
    """Data text on a page: escaped, and marked with the language it is written in when that is not the page's."""
    if lang_code is None:
        return markupsafe.escape(text)
    return markupsafe.Markup(f'<span lang="{lang_code}">{markupsafe.escape(text)}</span>')


def _code_list(words: Words, fields: list[str]) -> str:
    """Field names as code, "a" and "b" in the page's language (fields come from signals.py, never from data)."""
    return words("signs.and", " and ").join(f"<code>{markupsafe.escape(f)}</code>" for f in fields)


def template_helpers(lang: Language | None = None) -> dict:
    """What the program and state templates write words with, in `lang`: its words, locale strings with HTML
    values put in (rich), dates as <time>, data text marked with its language, and field names as code."""
    words = _words(lang)
    return {
        "words": words,
        "rich": rich,
        "time": lang.time if lang is not None else _ENGLISH_TIME,
        "data": _data_text,
        "code_list": lambda fields: markupsafe.Markup(_code_list(words, fields)),
    }


def program_body(cat: Catalogue, p: dict, lang: Language | None = None) -> str:
    ds, settings = cat.ds, cat.settings
    words = _words(lang)
    conditions, therapies = _vocabularies(cat, lang)
    view = views.program_view(
        p,
        conditions=conditions,
        therapies=therapies,
        today=settings.today,
        base=BASE,
        lookups=ds.license_lookups,
        stale_after_months=settings.stale_after_months,
        words=words,
    )
    # A neighbour's page is a sibling of this one (programs/<id>/ in every language): "../<id>/" says it in 12
    # fewer bytes than the site-root path, five times on each of 40,000 pages.
    nearby = [
        dict(line(cat, cat.by_id[other], words), miles=views.miles_text(miles, words), url=f"../{other}/")
        for other, miles in cat.nearby.get(p["id"], [])
    ]
    url = page_url(cat, p, lang)
    repo = settings.repo_url
    # The site's root from the page: its assets are shared by every language.
    root = BASE + "../" * (lang.folder.count("/") if lang is not None else 0)
    return worded("program.html", words).render(
        p=view,
        **template_helpers(lang),
        not_reported=words("program.not_reported", views.NOT_REPORTED),
        nearby=nearby,
        base=BASE,
        assets=root,
        page_url=url,
        edit_url=links.edit_url(p, repo) if repo else None,
        report_url=links.report_url(p, repo) if repo else None,
        mailto=links.correction_mailto(p, settings.corrections_email, words) if settings.corrections_email else None,
        stale_note=words("pages.listing.stale_note", views.STALE_NOTE),
    )


def line(cat: Catalogue, p: dict, words: Words | None = None) -> dict:
    """A program as lists show it, with the site's "may be out of date" rule."""
    settings = cat.settings
    return views.program_line(
        p, BASE, today=settings.today, stale_after_months=settings.stale_after_months, words=words or ENGLISH
    )


def relinked_program_page(cat: Catalogue, p: dict, page: str, old_line: int) -> str | None:
    """A program page whose record only moved within its file, with its two maintainer links ("Edit this
    program", "Suggest a correction") changed from the old line to the new one; None if they are not found.

    Cheaper than a new render (30 s saved at 20,000 programs when a line is added near the top of the file)."""
    repo = cat.settings.repo_url
    if not repo:
        return page
    moved = {**p, "_line": old_line}
    for before, after in (
        (links.edit_url(moved, repo), links.edit_url(p, repo)),
        (links.report_url(moved, repo), links.report_url(p, repo)),
    ):
        before, after = str(markupsafe.escape(before)), str(markupsafe.escape(after))
        if before not in page:
            return None
        page = page.replace(before, after)
    return page


def state_page(cat: Catalogue, state: str, shell: str, lang: Language | None = None) -> str:
    words = _words(lang)
    programs = cat.by_state[state]
    by_city: dict[str, list[dict]] = defaultdict(list)
    for p in sorted(programs, key=program_order):
        by_city[p["address"]["city"]].append(line(cat, p, words))
    cities = [{"name": city, "anchor": anchor(city), "programs": by_city[city]} for city in sorted(by_city)]
    name = words.vocab("US_STATES", state, model.US_STATES[state])
    state_map = maps.state_map_html(state, sorted(programs, key=program_order), BASE, anchor, words)
    body = worded("state.html", words).render(
        **template_helpers(lang),
        state=name,
        code=state,
        cities=cities,
        count=len(programs),
        base=BASE,
        map=markupsafe.Markup(state_map),
        stale_note=words("pages.listing.stale_note", views.STALE_NOTE),
    )
    return shells.pour(
        shell,
        "state",
        url=f"states/{state.lower()}/",
        title=words.fill("state_page.title", "Intensive outpatient programs in {state}", state=name),
        description=words.count(
            "state_page.description",
            len(programs),
            "{count} intensive outpatient program in {state}, listed by city.",
            "{count} intensive outpatient programs in {state}, listed by city.",
            state=name,
        ),
        body=body,
    )


def redirect_page(cat: Catalogue, p: dict) -> str:
    """The page left at a former id's address: it sends visitors and search engines to the program's page."""
    return (
        html_templates()
        .get_template("redirect.html")
        .render(
            target=f"{BASE}programs/{p['id']}/",
            canonical=program_url(cat.settings.site_url, p["id"]),
            name=p["name"],
        )
    )


# --- Markdown sources ---------------------------------------------------------------------------------------------
# Each in the site's own language, or in `lang`: the same template with that language's words and the Spanish (or
# other) text of each condition and therapy (`translations:`), for the page at the same path in its folder.


def states_index(cat: Catalogue, lang: Language | None = None) -> str:
    words = _words(lang)
    states = [
        {"code": s, "name": words.vocab("US_STATES", s, model.US_STATES[s]), "count": len(ps)}
        for s, ps in cat.by_state.items()
    ]
    states.sort(key=lambda s: name_order(s["name"]))
    return _markdown("states_index.md", words, states=states, total=len(cat.ds.programs))


def vocab_index(cat: Catalogue, collection: str, lang: Language | None = None) -> str:
    words = _words(lang)
    groups: dict[str, list[dict]] = defaultdict(list)
    entries = [in_language(e, lang) for e in getattr(cat.ds, collection).values()]
    for e in sorted(entries, key=lambda e: name_order(e["name"]).lower()):
        group = ""
        if collection == "conditions":
            group = words.vocab("CONDITION_GROUPS", e["group"], model.CONDITION_GROUPS[e["group"]])
        groups[group].append({**e, "count": len(cat.listed(collection, e["id"]))})
    return _markdown(f"{collection}_index.md", words, groups=groups)


def condition_markdown(cat: Catalogue, cond: dict, lang: Language | None = None) -> str:
    return _markdown(
        "condition.md",
        _words(lang),
        c=in_language(cond, lang),
        blocks=data_marks("conditions"),
        therapies=[in_language(cat.ds.therapies[t], lang) for t in cond["therapies"]],
        programs=listings.MARK,
        finder=f"../find/index.md?condition={cond['id']}",
    )


def therapy_markdown(cat: Catalogue, therapy: dict, lang: Language | None = None) -> str:
    return _markdown(
        "therapy.md",
        _words(lang),
        t=in_language(therapy, lang),
        blocks=data_marks("therapies"),
        conditions=[in_language(c, lang) for c in cat.ds.conditions.values() if therapy["id"] in c["therapies"]],
        programs=listings.MARK,
        finder=f"../find/index.md?therapy={therapy['id']}",
    )


def _markdown(template: str, words: Words, **values) -> str:
    return markdown_templates().get_template(template).render(words=words, fill=words.fill, count=words.count, **values)


def _words(lang: Language | None) -> Words:
    return lang.words if lang is not None else ENGLISH


def in_language(entry: dict, lang: Language | None) -> dict:
    """A condition or therapy with its text in `lang` (its `translations:`), or as it is for the site's own."""
    if lang is None or not lang.translated:
        return entry
    return {**entry, **entry["translations"][lang.code]}


def data_marks(collection: str) -> dict[str, str]:
    """The markers a condition or therapy page's Markdown holds in place of its Markdown-by-design fields."""
    return {name: DATA_MARK.format(name) for name in DATA_FIELDS[collection]}


def data_blocks(
    cat: Catalogue, src_uri: str, abbreviations: dict[str, str], lang: Language | None = None
) -> dict[str, str]:
    """marker -> safe HTML of the data fields of the condition or therapy page `src_uri` ({} for other pages),
    in `lang` (`src_uri` is the page's path without its language folder: "conditions/depression.md")."""
    folder, _, name = src_uri.partition("/")
    record = getattr(cat.ds, folder).get(name.removesuffix(".md")) if folder in DATA_FIELDS else None
    if record is None:
        return {}
    record = in_language(record, lang)
    return {DATA_MARK.format(f): safe_markdown.render(record[f], abbreviations) for f in DATA_FIELDS[folder]}


def insert_data_blocks(page_html: str, blocks: dict[str, str], src_uri: str) -> str:
    for marker, block in blocks.items():
        if page_html.count(marker) != 1:
            raise RuntimeError(f"{src_uri}: the page lost its marker {marker}")
        page_html = page_html.replace(marker, block)
    return page_html


def unknown_sources(src_uri: str, meta: dict, sources: dict) -> list[str]:
    """Warnings for a hand-written page citing source ids that data/sources.yaml does not have."""
    return [
        f'{src_uri}: sources: unknown source id "{sid}" (add it to data/sources.yaml or fix the id)'
        for sid in meta.get("sources", []) or []
        if sid not in sources
    ]


anchor = views.anchor


def clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
