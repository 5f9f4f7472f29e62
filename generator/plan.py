"""The build plan: every output the site needs, with the key of its inputs, how to make it and what it costs,
computed once from the catalogue before anything is written.

    plan = make_plan(cat)            files, exports, engine pages, listings, sitemap entries
    plan.set_shells(shells)          once the engine has rendered the theme shells (their digests join the keys)
    executor.execute(plan, store, ...)   decides what is stale, batches it over the cores, writes it

An output's key is its own inputs (the records it shows, its neighbours, its place in a data file) plus the
shared inputs it names in `uses` (`plan.shared`: the vocabularies and settings every page reads, and each theme
shell). Equal keys mean equal bytes, which is what lets a rebuild keep a file instead of making it again.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import operator
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import (
    cards,
    export,
    finder_form,
    geo,
    indexes,
    languages,
    listings,
    maps,
    model,
    names,
    pages,
    reference,
    shells,
    sitemap,
    tabular,
)
from .catalogue import Catalogue
from .dataset import record_key
from .languages import Language, Languages

CARD_SHARDS_MARK = "IOP_CARD_SHARDS"  # content/list/index.md: how many card files the list page picks from
DATA = "data"  # the shared input of nearly every output: vocabularies, settings, the generator's own code
ZIPS = "zips"  # the ZIP code table

# Rough work of each kind of output, in program-page renders, so batches come out about even across cores.
COST_PAGE, COST_SMALL, COST_PER_PROGRAM, COST_INDEX_PER_PROGRAM, COST_HSDS_PER_PROGRAM = 1.0, 0.05, 0.03, 0.15, 0.3


@dataclass(slots=True)  # tens of thousands of them
class Output:
    """One file of the site (or one part or fragment of one)."""

    path: str  # inside the site: "programs/harbor-light-richmond/index.html"
    key: Hashable  # its own inputs
    make: Callable[[], str | bytes | dict[str, str]]  # text, bytes (.gz), or an export part's texts
    cost: float = COST_SMALL
    uses: tuple[str, ...] = (DATA,)  # names of shared inputs, from Plan.shared
    # Optional: a cheaper remake from the previous text, given (previous text, previous key, key); None if not.
    update: Callable[[str, Hashable, Hashable], str | None] | None = None


@dataclass
class Joined:
    """A big file made of parts (an export): each part is made on its own and kept as blobs (one text per kind of
    file of its export family, see export.Family), and the file is head + part + sep + part + ... + tail, so an
    edit remakes only the parts whose programs changed. A gzip file is the same pieces as gzip members."""

    path: str
    head: str
    sep: str
    tail: str
    parts: list[Output]
    text: str = ""  # which of each part's texts this file holds
    gzip: bool = False
    family: str = ""
    member: str = ""  # set: a ZIP archive holding the joined text as one file of this name (export.ExportFile)


@dataclass
class Plan:
    files: list[Output]  # written by the executor
    joined: list[Joined]  # joined by the executor from parts
    pages: dict[str, str]  # Markdown sources the engine renders, by source path
    listings: dict[str, Output]  # the program listing of an engine page, by the page's source path
    shared: dict[str, Hashable]
    sitemap: list[sitemap.Entry]
    card_shards: int
    form_html: dict[str, str]  # the finder form, for content/find/index.md, by language code
    shells: dict[str, str] = field(default_factory=dict)
    search: indexes.SearchData | None = None  # what the finder's files are made from
    lines: Lines | None = None  # each program's line in the listings
    neighbours: dict[str, tuple] = field(default_factory=dict)  # by program id: its part of its page's key

    def key(self, output: Output) -> tuple:
        return (output.key, tuple(self.shared[name] for name in output.uses))

    def joined_key(self, joined: Joined, names: dict[tuple[str, int], str]) -> tuple:
        """A joined file's key: which text it holds and the blob names of its parts (`names`, by family and part:
        executor._part_names makes each once)."""
        return (joined.text, joined.gzip, joined.member, *(names[joined.family, id(p)] for p in joined.parts))

    def set_shells(self, shells: dict[str, str]) -> None:
        """The theme shells, as rendered by the engine; pages poured into them depend on their digests."""
        self.shells = dict(shells)
        for kind, shell in shells.items():
            self.shared[f"shell:{kind}"] = digest(shell)

    def fill_markdown(self, markdown: str, lang: Language | None = None) -> str:
        """A hand-written page's Markdown with the generator's marks filled in (the finder form in the page's
        language, the number of card files)."""
        if finder_form.FORM_MARK in markdown:
            form = self.form_html[lang.code] if lang is not None and lang.code in self.form_html else self.form_html[""]
            markdown = markdown.replace(finder_form.FORM_MARK, form)
        if CARD_SHARDS_MARK in markdown:
            markdown = markdown.replace(CARD_SHARDS_MARK, str(self.card_shards))
        return markdown

    def paths(self) -> list[str]:
        """Every file the executor writes."""
        return [o.path for o in self.files] + [j.path for j in self.joined]


class Lines:
    """Each program's line in the condition and therapy listings, by the key of its record, its language and the
    shared inputs: a program is in the listing of each of its conditions and therapies, and a rebuild remakes
    only the listings that show an edited program, so a line is made once and kept while its inputs are equal."""

    def __init__(self, records: dict[str, bytes], shared: dict[str, Hashable], before: Lines | None = None):
        self.records, self.shared = records, shared
        self.now: dict[tuple, dict] = {}
        self.kept: dict[tuple, dict] = {}
        self.made = 0  # lines made in this build (for tests)
        if before is not None:
            # An edit leaves its old lines behind: past four lines a program (two languages' twice over), keep
            # only the lines the last build used.
            kept = {**before.kept, **before.now}
            self.kept = kept if len(kept) <= 4 * len(records) + 1000 else dict(before.now)

    def user(self, lang: Language | None) -> Callable[[dict, Callable[[], dict]], dict]:
        """lines(p, make) for listing_html: p's line in `lang`, made by make() only if not kept."""
        code = lang.code if lang is not None else ""
        words = f"words:{code}" if lang is not None and lang.translated else DATA

        def lines(p: dict, make: Callable[[], dict]) -> dict:
            key = (self.records[p["id"]], code, self.shared[DATA], self.shared[words])
            line = self.now.get(key)
            if line is None:
                line = self.kept.get(key)
                if line is None:
                    line, self.made = make(), self.made + 1
                self.now[key] = line
            return line

        return lines


def digest(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=16).digest()


def part_name(joined: Joined, key: tuple) -> str:
    """A part's blob name: a digest of its export family and what it is made from (not of its position, which
    shifts when a program is added), so equal parts are found again by name, by every file of the family."""
    return hashlib.sha1(repr((joined.family, key)).encode("utf-8")).hexdigest() + ".part"


def blob_file(name: str, text: str, gzip: bool) -> str:
    """The file of one text of a part: its raw text, or that text as one gzip member."""
    return f"{name}.{text}.gz" if gzip else f"{name}.{text}"


@cache
def code_digest() -> bytes:
    """The generator's own code and templates: a key kept from a build by other code is not trusted."""
    folder = Path(__file__).parent
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest([(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files])


@cache
def zip_digest() -> bytes:
    """The ZIP table is the file the build reads it from (geo.ZIP_FILE): its bytes name it."""
    return hashlib.blake2b(geo.ZIP_FILE.read_bytes(), digest_size=16).digest()


def record_keys(programs: list[dict]) -> dict[str, bytes]:
    """Each program's record key (dataset.record_key): what its outputs are made of, without its place. Each
    record carries it as `_key` from then on (as the item cache's do), so a group's key is read off its records."""
    for p in programs:
        if "_key" not in p:
            p["_key"] = record_key(p)
    return {p["id"]: p["_key"] for p in programs}


_RECORD_KEY = operator.itemgetter("_key")


def group_key(programs: list[dict]) -> tuple[bytes, ...]:
    """The key of an output made of these programs: their record keys, in order (record_keys set them). Made
    for every listing, state, search file, card file and export part: tens of thousands of lookups a build."""
    return tuple(map(_RECORD_KEY, programs))


def make_plan(cat: Catalogue, langs: Languages | None = None, lines: Lines | None = None) -> Plan:
    """Every output of the site, in the order the executor meets them (neighbours share folders and data), with
    the pages of each language besides the site's own (`langs`); `lines`: the last build's listing lines."""
    # Tens of thousands of small objects that live for the whole build: the cyclic collector would only rescan
    # the dataset again and again while they are made (a quarter of the time at 20,000 programs).
    collecting = gc.isenabled()
    gc.disable()
    try:
        records = record_keys(cat.ds.programs)
        plan = _make_plan(cat, records, lines)
        for lang in langs.others if langs else ():
            add_language(plan, cat, lang, records)
        for lang in langs.others if langs else ():
            add_script_files(plan, cat, lang, records)  # last: they say which of the language's pages the site has
        return plan
    finally:
        if collecting:
            gc.enable()


def _make_plan(cat: Catalogue, records: dict[str, bytes], before: Lines | None) -> Plan:
    ds = cat.ds

    card_files = cards.card_files(ds.programs)
    plan = Plan(
        files=[],
        joined=export_outputs(cat),
        pages=engine_pages(cat),
        listings={},
        shared={
            DATA: digest((ds.conditions, ds.therapies, cat.settings, indexes.vocab_lists(ds), code_digest())),
            ZIPS: zip_digest(),
        },
        sitemap=sitemap.entries(cat),
        card_shards=len(card_files),
        form_html={"": finder_form.form_html(ds)},
    )
    plan.lines = Lines(records, plan.shared, before)
    plan.listings = listing_outputs(cat, plan)
    plan.files += program_outputs(cat, plan, records)
    plan.files += program_pages(cat, plan, records)
    plan.files += state_outputs(cat, plan)
    settings = cat.settings
    search = indexes.SearchData(ds, today=settings.today, stale_after_months=settings.stale_after_months)
    plan.search = search
    plan.files += search_outputs(search, records)
    plan.files += name_outputs(names.NameIndex(ds, cat.name_layout))
    plan.files += [
        Output(uri, group_key(programs), _card_maker(cat, search, programs), COST_PER_PROGRAM * len(programs))
        for uri, programs in card_files
    ]
    plan.files.append(Output("data/hsds/taxonomy_terms.json", None, _taxonomy_maker(cat)))  # shared input only
    plan.files += tabular_outputs(cat)
    # The finder map's state outlines come from the generator's own boundary data (in code_digest, so DATA).
    plan.files += [Output(uri, None, lambda text=text: text) for uri, text in maps.outline_files().items()]
    return plan


def state_outputs(cat: Catalogue, plan: Plan, lang: Language | None = None) -> list[Output]:
    """Each state's page, in the site's own language or in `lang` (under its folder)."""
    shell, folder = shells.name("state", lang), lang.folder if lang is not None else ""
    return [
        Output(
            f"{folder}states/{state.lower()}/index.html",
            group_key(programs),
            lambda state=state: pages.state_page(cat, state, plan.shells[shell], lang),
            cost=COST_SMALL + COST_PER_PROGRAM * len(programs),
            uses=(DATA, f"shell:{shell}", *_words_input(lang)),
        )
        for state, programs in cat.by_state.items()
    ]


def _words_input(lang: Language | None) -> tuple[str, ...]:
    """The shared input that names a translated language's words (add_language puts it in the plan)."""
    return (f"words:{lang.code}",) if lang is not None and lang.translated else ()


def search_outputs(search: indexes.SearchData, records: dict[str, bytes]) -> list[Output]:
    """The finder's files: records and text index of each leaf, ZIP tables, the manifest."""
    out = []
    for records_uri, index_uri, ids in search.groups():
        group = tuple(map(records.__getitem__, ids))
        out.append(Output(records_uri, group, lambda ids=ids: search.records_file(ids), COST_PER_PROGRAM * len(ids)))
        out.append(Output(index_uri, group, lambda ids=ids: search.index_file(ids), COST_INDEX_PER_PROGRAM * len(ids)))
    out += [
        Output(f"search/zip/{prefix}.json", prefix, lambda prefix=prefix: search.zip_file(prefix), uses=(ZIPS,))
        for prefix in search.prefixes
    ]
    manifest = search.manifest()  # small, and made of everything: its own text is its key
    out.append(Output("search/manifest.json", digest(manifest), lambda: manifest, uses=()))
    return out


def name_outputs(index: names.NameIndex) -> list[Output]:
    """The header search's name index: a manifest and one small file per word prefix (names.py)."""
    out = [
        Output(path, digest(index.shown(key)), lambda key=key: index.shard_file(key), COST_PER_PROGRAM * len(ids))
        for key, path, ids in index.files()
    ]
    manifest = index.manifest()
    out.append(Output("search/n/index.json", digest(manifest), lambda: manifest, uses=()))
    return out


def _taxonomy_maker(cat: Catalogue) -> Callable[[], str]:
    return lambda: export.hsds_json(export.hsds_taxonomy_terms(cat.ds, cat.settings.site_url))


def _card_maker(cat: Catalogue, search: indexes.SearchData, programs: list[dict]) -> Callable[[], str]:
    """One card file, for the list pages of every language (the vocabulary positions are the manifest's)."""
    settings = cat.settings
    return lambda: cards.card_file(
        programs, search.positions, today=settings.today, stale_after_months=settings.stale_after_months
    )


def listing_outputs(cat: Catalogue, plan: Plan) -> dict[str, Output]:
    """The program listing of each condition and therapy page, by the page's source path."""
    return {
        src: Output(f"{src}#listing", group_key(programs), _listing_maker(cat, plan, programs))
        for src, programs in listed_programs(cat).items()
    }


def listed_programs(cat: Catalogue) -> dict[str, list[dict]]:
    listed = {f"conditions/{cid}.md": cat.listed("conditions", cid) for cid in cat.ds.conditions}
    listed.update({f"therapies/{tid}.md": cat.listed("therapies", tid) for tid in cat.ds.therapies})
    return listed


def _listing_maker(cat: Catalogue, plan: Plan, programs: list[dict], lang: Language | None = None) -> Callable[[], str]:
    settings = cat.settings
    return lambda: listings.listing_html(
        programs,
        lang,
        today=settings.today,
        stale_after_months=settings.stale_after_months,
        lines=plan.lines.user(lang),
    )


def program_pages(cat: Catalogue, plan: Plan, records: dict[str, bytes], lang: Language | None = None) -> list[Output]:
    """Each program's page, in the site's own language or in `lang` (under its folder)."""
    shell, folder = shells.name("program", lang), lang.folder if lang is not None else ""
    if not plan.neighbours:  # the same in every language: made once
        plan.neighbours = neighbour_keys(cat, records)
    neighbours = plan.neighbours
    out = []
    for p in cat.ds.programs:
        pid = p["id"]
        out.append(
            Output(
                f"{folder}programs/{pid}/index.html",
                ((p["_key"], neighbours[pid]), p["_line"]),
                lambda p=p: pages.program_page(cat, p, plan.shells[shell], lang),
                COST_PAGE,
                uses=(DATA, f"shell:{shell}", *_words_input(lang)),
                update=relinker(cat, p),
            )
        )
    return out


def neighbour_keys(cat: Catalogue, records: dict[str, bytes]) -> dict[str, tuple]:
    """What a program page shows of its nearby programs, by its program's id: who, how far, what they show."""
    out = {}
    for p in cat.ds.programs:
        near = cat.nearby.get(p["id"], ())
        out[p["id"]] = (tuple(near), tuple([records[o] for o, _ in near]))
    return out


def program_outputs(cat: Catalogue, plan: Plan, records: dict[str, bytes]) -> list[Output]:
    """A redirect page at each of a program's former ids. (Its contact card is made in the browser, from its page.)"""
    out = []
    for p in cat.ds.programs:
        pid = p["id"]
        out += [
            Output(f"programs/{old}/index.html", records[pid], lambda p=p: pages.redirect_page(cat, p))
            for old in p.get("former_ids", [])
        ]
    return out


def relinker(cat: Catalogue, p: dict) -> Callable[[str, Hashable, Hashable], str | None]:
    """The cheap remake of a program page whose record only moved within its file: its maintainer links are
    changed to the new line (pages.relinked_program_page). Anything else changed: None, so it is rendered."""

    def update(previous: str, previous_key: Hashable, key: Hashable) -> str | None:
        (old_content, old_line), old_shared = previous_key
        (content, _), shared = key
        if old_content != content or old_shared != shared:
            return None
        return pages.relinked_program_page(cat, p, previous, old_line)

    return update


def export_outputs(cat: Catalogue) -> list[Joined]:
    """The open-data exports, each family in slices of programs (export.Family), each file joining its slices."""
    ds = cat.ds
    out = []
    for family in export.FAMILIES.values():
        weight = COST_HSDS_PER_PROGRAM if family.name == "hsds" else COST_PER_PROGRAM
        parts = [
            (
                state,
                Output(
                    f"{family.name}#{n}",
                    group_key(chunk),
                    _part_maker(family, chunk, cat),
                    weight * len(chunk),
                ),
            )
            for n, (state, chunk) in enumerate(family.slices(ds))
        ]
        for f in family.files(ds):
            mine = [part for state, part in parts if f.state in (None, state)]
            out.append(Joined(f.path, f.head, f.sep, f.tail, mine, f.text, f.gzip, family=family.name, member=f.member))
    return out


def _part_maker(family: export.Family, chunk: list[dict], cat: Catalogue) -> Callable[[], dict[str, str]]:
    return lambda: family.make(chunk, cat.ds, cat.settings.site_url)


def tabular_outputs(cat: Catalogue) -> list[Output]:
    """The HSDS tabular package's descriptor and the tables many services share (organizations: every program;
    taxonomies: the vocabularies only)."""
    everyone = group_key(cat.ds.programs)
    out = [Output(f"{tabular.FOLDER}/datapackage.json", None, tabular.descriptor)]
    for resource in tabular.SHARED:
        key = everyone if resource == "organization" else None
        out.append(Output(tabular.path(resource), key, _shared_table_maker(cat, resource), COST_PER_PROGRAM * 2))
    return out


def _shared_table_maker(cat: Catalogue, resource: str) -> Callable[[], bytes]:
    return lambda: gzip_bytes(export.hsds_shared_tables(cat.ds, cat.settings.site_url)[resource])


GZIP_LEVEL = 6


def gzip_bytes(text: str) -> bytes:
    """text as one gzip member with no time stamp (equal text, equal bytes), b"" for no text."""
    return gzip.compress(text.encode("utf-8"), compresslevel=GZIP_LEVEL, mtime=0) if text else b""


def engine_pages(cat: Catalogue, lang: Language | None = None) -> dict[str, str]:
    """The generated Markdown pages: the engine renders them with the hand-written ones. In another language
    than the site's own, the same pages but the data reference, which is for maintainers."""
    ds = cat.ds
    out = {
        "states/index.md": pages.states_index(cat, lang),
        "conditions/index.md": pages.vocab_index(cat, "conditions", lang),
        "therapies/index.md": pages.vocab_index(cat, "therapies", lang),
    }
    out.update({f"conditions/{cid}.md": pages.condition_markdown(cat, c, lang) for cid, c in ds.conditions.items()})
    out.update({f"therapies/{tid}.md": pages.therapy_markdown(cat, t, lang) for tid, t in ds.therapies.items()})
    if lang is None:
        out["reference/data.md"] = reference.reference_markdown()
    return out


def add_language(plan: Plan, cat: Catalogue, lang: Language, records: dict[str, bytes]) -> None:
    """Another language's generated pages, at the same paths under its folder (es/conditions/depression.md,
    es/programs/<id>/), and their listings, whose keys name that language's words as a shared input. The data
    work behind them (the catalogue, nearby programs, search files) is the site's own, made once for every
    language."""
    words = f"words:{lang.code}"
    plan.shared[words] = digest(lang.digest_input())
    plan.files += program_pages(cat, plan, records, lang)
    plan.files += state_outputs(cat, plan, lang)
    plan.sitemap += sitemap.entries(cat, lang.folder)
    plan.pages.update({lang.folder + src: text for src, text in engine_pages(cat, lang).items()})
    for src, programs in listed_programs(cat).items():
        own = plan.listings[src]  # the same programs: the same key of their records
        plan.listings[lang.folder + src] = Output(
            f"{lang.folder}{own.path}", own.key, _listing_maker(cat, plan, programs, lang), uses=(DATA, words)
        )


def add_script_files(plan: Plan, cat: Catalogue, lang: Language, records: dict[str, bytes]) -> None:
    """What the page scripts of another language read: its finder form, its words file (languages.words_file),
    its word indexes (es/search/x/: its names and stemmer over the same programs). The
    place files (search/p/, search/zip/, the manifest) and the referral list's cards (search/c/) are shared.
    Cards and result links lead to the language's program and state pages where the site has them, else to the
    site's own."""
    words = f"words:{lang.code}"
    search = plan.search
    plan.form_html[lang.code] = finder_form.form_html(cat.ds, lang)
    paths = set(plan.paths())
    own_pages = any(p.startswith(f"{lang.folder}programs/") for p in paths)
    own_states = any(p.startswith(f"{lang.folder}states/") and p != f"{lang.folder}states/index.html" for p in paths)
    folders = {
        "programs": (lang.folder if own_pages else "") + "programs/",
        "states": (lang.folder if own_states else "") + "states/",
    }
    data = {
        "labels": search.labels(lang),
        "states": {code: lang.words.vocab("US_STATES", code, name) for code, name in model.US_STATES.items()},
        "months": lang.words("page_sources.months"),
        "date_format": lang.words("page_sources.date_format"),
        # Words of the program pages the scripts' cards say too, so each has one source in the locale.
        "card_words": {
            "stale_note": lang.words("pages.listing.stale_note"),
            "extension": lang.words("program.extension"),
        },
        "pages": folders,
        "search": f"{lang.folder}search/",
        # The stemmer its word indexes were made with (indexes.STEMMERS; none: lunr's, as the English indexes).
        "stemmer": lang.code if lang.code in indexes.STEMMERS else "",
    }
    plan.files.append(
        Output(
            languages.words_file(lang),
            digest(data),
            lambda: languages.words_script(lang, data),
            uses=(DATA, words),
        )
    )
    for _, index_uri, ids in search.groups():
        plan.files.append(
            Output(
                lang.folder + index_uri,
                tuple(map(records.__getitem__, ids)),
                lambda ids=ids: search.index_file(ids, lang),
                COST_INDEX_PER_PROGRAM * len(ids),
                uses=(DATA, words),
            )
        )
