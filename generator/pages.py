"""Programs and vocabularies -> generated MkDocs files.

Two paths, chosen by count:
- Program and state pages (thousands) are `RenderedFile`s: HTML poured into a theme "shell" rendered once, so each
  page costs one small Jinja render and a write. They are in neither the nav nor Material's search index.
- Condition, therapy and index pages (dozens) are generated Markdown, so abbreviations, admonitions and link
  checking work as on hand-written pages. Condition and therapy pages are kept out of the search index too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import jinja2
import markupsafe
from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import (
    export,
    geo,
    incremental,
    indexes,
    links,
    maps,
    model,
    parallel,
    postprocess,
    reference,
    referral,
    safe_markdown,
    timing,
    views,
)
from .dataset import Dataset

log = logging.getLogger("mkdocs.plugins.iop_finder")

TEMPLATES = Path(__file__).parent / "templates"
SHELL_ID = "iopshellpage"
MARK_TITLE = "IOPSHELLTITLE"
MARK_DESC = "IOPSHELLDESCRIPTION"
MARK_BODY = "<h1>IOPSHELLHEADING</h1>IOPSHELLBODY"
MARK_HEAD = "<!--IOPSHELLHEAD-->"
BASE = "../../"  # every lean page lives two folders down: programs/<id>/, states/<st>/
LISTING_MARK = "<!-- iop-program-listing -->"
DATA_MARK = "<!-- iop-data-{} -->"  # where a Markdown-by-design data field's safe HTML goes (see _data_blocks)
LEAN_BATCH = 200  # lean files per parallel task
SEARCH_BATCH = 16  # search leaves per parallel task
CARD_BATCH = 64  # card files per parallel task


class OutputFile(File):
    """A generated file that the plugin writes itself (`Site.write_outputs`, on every core, before MkDocs copies
    static files); MkDocs only lists it, so big outputs never sit in memory as strings."""

    written: bool = False

    def copy_file(self, dirty: bool = False) -> None:
        if not self.written:
            raise RuntimeError(f"IOP Finder did not write {self.dest_uri}")

    def is_modified(self) -> bool:
        return True

    @property
    def content_bytes(self) -> bytes:
        return Path(self.abs_dest_path).read_bytes()

    @property
    def content_string(self) -> str:
        return self.content_bytes.decode("utf-8")


class RenderedFile(OutputFile):
    """A generated page whose HTML is made when it is written, so thousands never sit in memory together."""

    render: Callable[[], str]

    def write(self) -> None:
        path = Path(self.abs_dest_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(), encoding="utf-8")

    def copy_file(self, dirty: bool = False) -> None:
        if not self.written:
            self.write()

    @property
    def content_bytes(self) -> bytes:
        return self.render().encode("utf-8")

    @property
    def content_string(self) -> str:
        return self.render()


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class Site:
    def __init__(
        self,
        ds: Dataset,
        config,
        *,
        today: dt.date,
        nearby_count: int = 5,
        nearby_radius: float = 50.0,
        memory: incremental.Memory | None = None,
    ):
        self.ds = ds
        self.memory = memory
        self.config = config
        self.today = today
        self.html = _env(autoescape=True)
        self.md = _env(autoescape=False)
        self.md.filters["h"] = lambda s: html.escape(str(s), quote=True)
        self.md.filters["md"] = safe_markdown.literal  # data text in generated Markdown: shown, never parsed
        self.data_html: dict[str, dict[str, str]] = {}  # src_uri -> marker -> HTML of data fields
        self.abbreviations: dict[str, str] | None = None
        self.shells: dict[str, str] = {}
        self.lean: list[RenderedFile] = []
        self.outputs: list[OutputFile] = []
        self.search: indexes.SearchPlan | None = None
        self.card_shards = 1
        self.cards: list[tuple[str, list[dict]]] = []
        self.listings: dict[str, list[dict]] = {}
        self.keys: _Keys | None = None  # under serve, made by write_outputs
        self.site_url = (config.site_url or "/").rstrip("/") + "/"
        self.repo_url = config.repo_url
        self.by_id = {p["id"]: p for p in ds.programs}
        points = {p["id"]: p["_point"] for p in ds.programs}
        settings = (nearby_count, nearby_radius)
        if memory is not None and memory.nearby is not None and memory.nearby[0] == (points, settings):
            self.nearby = memory.nearby[1]
        else:
            self.nearby = geo.nearest_programs(points, k=nearby_count, radius_miles=nearby_radius)
            if memory is not None:
                memory.nearby = ((points, settings), self.nearby)
        self.by_state: dict[str, list[dict]] = defaultdict(list)
        for p in ds.programs:
            self.by_state[p["address"]["state"]].append(p)
        self.by_condition: dict[str, list[dict]] = defaultdict(list)
        self.by_therapy: dict[str, list[dict]] = defaultdict(list)
        for p in sorted(ds.programs, key=_program_order):
            for c in p["conditions"]:
                self.by_condition[c].append(p)
            for t in p["therapies"]:
                self.by_therapy[t].append(p)

    # --- MkDocs files ---------------------------------------------------------------------------------------

    def add_files(self, files: Files) -> Files:
        cfg = self.config
        for p in self.ds.programs:
            self._lean(files, f"programs/{p['id']}/index.html", lambda p=p: self.program_page(p), ("page", p["id"]))
            url = self.page_url(p)
            self._lean(
                files,
                f"programs/{p['id']}/{p['id']}.vcf",
                lambda p=p, url=url: referral.vcard(p, url),
                ("vcf", p["id"]),
            )
            for old in p.get("former_ids", []):
                files.append(File.generated(cfg, f"programs/{old}/index.html", content=self.redirect_page(p)))
        for state in self.by_state:
            self._lean(
                files, f"states/{state.lower()}/index.html", lambda s=state: self.state_page(s), ("state", state)
            )
        files.append(File.generated(cfg, "states/index.md", content=self.states_index()))
        files.append(File.generated(cfg, "conditions/index.md", content=self.vocab_index("conditions")))
        files.append(File.generated(cfg, "therapies/index.md", content=self.vocab_index("therapies")))
        for cid, cond in self.ds.conditions.items():
            files.append(File.generated(cfg, f"conditions/{cid}.md", content=self.condition_markdown(cond)))
        for tid, therapy in self.ds.therapies.items():
            files.append(File.generated(cfg, f"therapies/{tid}.md", content=self.therapy_markdown(therapy)))
        files.append(File.generated(cfg, "reference/data.md", content=reference.reference_markdown()))
        for uri, text in maps.outline_files().items():
            files.append(File.generated(cfg, uri, content=text))
        with timing.stage("search plan"):
            self.search = indexes.SearchPlan(self.ds)
        self.card_shards = indexes.card_shard_count(len(self.ds.programs))
        cards: dict[int, list[dict]] = defaultdict(list)
        for p in sorted(self.ds.programs, key=lambda p: p["id"]):
            cards[indexes.card_shard(p["id"], self.card_shards)].append(p)
        self.cards = [(f"search/c/{shard}.json", cards.get(shard, [])) for shard in range(self.card_shards)]
        for uri in self.search.uris() + [uri for uri, _ in self.cards] + list(export.SPLIT_EXPORTS):
            f = OutputFile.generated(cfg, uri, content=b"")
            files.append(f)
            self.outputs.append(f)
        files.append(
            File.generated(
                cfg,
                "data/hsds/taxonomy_terms.json",
                content=export.hsds_json(export.hsds_taxonomy_terms(self.ds, self.site_url)),
            )
        )
        return files

    def _lean(self, files: Files, uri: str, render: Callable[[], str], key: tuple) -> None:
        f = RenderedFile.generated(self.config, uri, content=b"")
        f.render = render
        f.key = key
        files.append(f)
        self.lean.append(f)

    def write_outputs(self) -> int:
        """Write every per-program file (page, vCard), state page, search file, list card file and export.

        One pool of workers does it all, biggest jobs first: the exports in slices (joined here afterwards), the
        search leaves and card files in batches, then the lean pages in batches. Under `mkdocs serve` (with a
        Memory) only files whose inputs changed are written. Returns the number of files written.
        """
        site_dir = Path(self.config.site_dir)
        memory = self.memory
        keys = self.keys = _Keys(self) if memory is not None else None
        new_keys: dict[str, object] = {}
        previous = memory.keys if memory is not None else {}

        root = str(site_dir) + os.sep

        def stale(uri: str, key: object) -> bool:
            new_keys[uri] = key
            return previous.get(uri) != key or not os.path.isfile(root + uri)

        scratch = memory.scratch if memory is not None else Path(tempfile.mkdtemp(prefix="iop-finder-"))
        written = 0
        try:
            tasks: list[Callable[[], object]] = []
            exports = []
            for n, (uri, spec) in enumerate(export.SPLIT_EXPORTS.items()):
                parts, fresh = [], False
                for programs, make in spec.parts(self.ds, self.site_url):
                    if keys is not None:
                        name = hashlib.sha1(repr((uri, keys.group(p["id"] for p in programs))).encode()).hexdigest()
                    else:
                        name = f"{len(parts)}"
                    part = scratch / f"{n}-{name}.part"
                    if keys is None or not part.is_file():
                        tasks.append(lambda make=make, part=part: part.write_text(make(), encoding="utf-8"))
                        fresh = True
                    parts.append(part)
                if keys is None or stale(uri, tuple(p.name for p in parts)) or fresh:
                    exports.append((uri, spec, parts))
            groups = []
            for group in self.search.groups:
                key = keys.group(group[2]) if keys is not None else None
                # (both files' keys are recorded, so no short-circuit)
                if keys is None or stale(group[0], key) | stale(group[1], key):
                    groups.append(group)
            for i in range(0, len(groups), SEARCH_BATCH):
                tasks.append(lambda batch=groups[i : i + SEARCH_BATCH]: self._write_search_groups(site_dir, batch))
            cards = [c for c in self.cards if keys is None or stale(c[0], keys.group(p["id"] for p in c[1]))]
            for i in range(0, len(cards), CARD_BATCH):
                tasks.append(lambda batch=cards[i : i + CARD_BATCH]: self._write_cards(site_dir, batch))
            lean, moved = [], []
            for f in self.lean:
                if keys is None:
                    lean.append(f)
                    continue
                key, before = keys.lean(f.key), previous.get(f.dest_uri)
                if not stale(f.dest_uri, key):
                    continue
                if f.key[0] == "page" and before is not None and before[:-1] == key[:-1]:
                    moved.append((f, before[-1]))  # only its line in the data file changed
                else:
                    lean.append(f)
            for i in range(0, len(moved), LEAN_BATCH):
                tasks.append(
                    lambda batch=moved[i : i + LEAN_BATCH]: [self._move_page(site_dir, f, line) for f, line in batch]
                )
            for i in range(0, len(lean), LEAN_BATCH):
                tasks.append(lambda batch=lean[i : i + LEAN_BATCH]: [f.write() for f in batch])
            parallel.run_tasks(tasks)
            written += 2 * len(groups) + len(cards) + len(lean) + len(moved)
            for uri, text in self.search.small_files().items():
                if keys is None or stale(uri, text):
                    _write_text(site_dir / uri, text)
                    written += 1
            for uri, spec, parts in exports:
                dest = site_dir / uri
                dest.parent.mkdir(parents=True, exist_ok=True)
                with dest.open("w", encoding="utf-8") as out:
                    for piece in spec.join([part.read_text(encoding="utf-8") for part in parts]):
                        out.write(piece)
                written += 1
            if memory is not None:
                used = {p.name for _, _, ps in exports for p in ps} | {
                    name for uri in export.SPLIT_EXPORTS for name in (new_keys.get(uri) or ())
                }
                for part in scratch.glob("*.part"):
                    if part.name not in used:
                        part.unlink()
                for uri in set(previous) - set(new_keys):  # programs removed or renamed since the last build
                    (site_dir / uri).unlink(missing_ok=True)
                    try:
                        (site_dir / uri).parent.rmdir()
                    except OSError:
                        pass
                memory.keys = new_keys
                memory.written = written
                memory.moved_pages = len(moved)
        finally:
            if memory is None:
                shutil.rmtree(scratch, ignore_errors=True)
        for f in self.lean + self.outputs:
            f.written = True
        return written

    def _move_page(self, site_dir: Path, f: RenderedFile, old_line: int) -> None:
        """A program page whose record only moved in its file: change the line in its two maintainer links
        instead of rendering it again (30 s saved at 20,000 programs when a line is added near the top)."""
        p = self.by_id[f.key[1]]
        path = site_dir / f.dest_uri
        text = path.read_text(encoding="utf-8")
        if self.repo_url:
            url = self.page_url(p)
            moved = {**p, "_line": old_line}
            for before, after in (
                (links.edit_url(moved, self.repo_url), links.edit_url(p, self.repo_url)),
                (links.report_url(moved, self.repo_url, url), links.report_url(p, self.repo_url, url)),
            ):
                before, after = str(markupsafe.escape(before)), str(markupsafe.escape(after))
                if before not in text:
                    f.write()
                    return
                text = text.replace(before, after)
        path.write_text(text, encoding="utf-8")

    def _write_cards(self, site_dir: Path, shards: list[tuple[str, list[dict]]]) -> None:
        """The list page's program cards: {"v": 1, "cards": {id: card}} per shard (see indexes.card_shard)."""
        for uri, programs in shards:
            data = {p["id"]: referral.card_data(p, self.page_url(p)) for p in programs}
            _write_text(site_dir / uri, indexes.dumps({"v": indexes.FORMAT_VERSION, "cards": data}))

    def _write_search_groups(self, site_dir: Path, groups: list) -> None:
        for group in groups:
            for uri, text in self.search.group_files(group).items():
                _write_text(site_dir / uri, text)

    # --- Shells -------------------------------------------------------------------------------------------------

    def render_shells(self, env: jinja2.Environment, files: Files, nav) -> None:
        """Render the theme once for each lean page kind, with markers where each page's own parts go."""
        for kind in ("program", "state"):
            f = File.generated(self.config, f"{kind}s/{SHELL_ID}.md", content="")
            page = Page(MARK_TITLE, f, self.config)
            page.content = MARK_BODY
            page.meta = {"description": MARK_DESC, "iop_lean": True}
            context = get_context(nav, files, self.config, page)
            # The policy is fixed per shell: per-page parts add only JSON-LD data blocks, which never execute.
            self.shells[kind] = postprocess.finish(env.get_template("generated.html").render(context))
            for marker in (MARK_BODY, MARK_HEAD):
                if self.shells[kind].count(marker) != 1:
                    raise RuntimeError(f"theme shell for {kind} pages lost its marker {marker}")

    def _pour(self, kind: str, *, url: str, title: str, description: str, body: str, head: str = "") -> str:
        shell = self.shells[kind]
        shell = shell.replace(MARK_BODY, body).replace(MARK_HEAD, head)
        shell = shell.replace(MARK_TITLE, html.escape(title, quote=True))
        shell = shell.replace(MARK_DESC, html.escape(description, quote=True))
        return shell.replace(f"{kind}s/{SHELL_ID}/", url)

    # --- Lean pages -----------------------------------------------------------------------------------------

    def page_url(self, p: dict) -> str:
        return self.site_url + f"programs/{p['id']}/"

    def program_page(self, p: dict) -> str:
        view = views.program_view(
            p, conditions=self.ds.conditions, therapies=self.ds.therapies, today=self.today, base=BASE
        )
        nearby = [
            dict(views.program_line(self.by_id[other], BASE), miles=views.miles_text(miles))
            for other, miles in self.nearby.get(p["id"], [])
        ]
        url = self.page_url(p)
        extra = {
            "page_url": url,
            "qr": referral.qr_svg(url),
            "copy_text": referral.copy_text(p),
            "vcf": f"{p['id']}.vcf",
            "edit_url": links.edit_url(p, self.repo_url) if self.repo_url else None,
            "report_url": links.report_url(p, self.repo_url, url) if self.repo_url else None,
        }
        body = self.html.get_template("program.html").render(p=view, nearby=nearby, base=BASE, **extra)
        head = (
            '<script type="application/ld+json">'
            + referral.json_ld(p, url, self.ds.conditions, self.ds.therapies)
            + "</script>"
        )
        return self._pour(
            "program",
            url=f"programs/{p['id']}/",
            title=p["name"],
            description=_clip(p["summary"]),
            body=body,
            head=head,
        )

    def state_page(self, state: str) -> str:
        by_city: dict[str, list[dict]] = defaultdict(list)
        for p in sorted(self.by_state[state], key=_program_order):
            by_city[p["address"]["city"]].append(views.program_line(p, BASE))
        cities = [{"name": city, "anchor": _anchor(city), "programs": by_city[city]} for city in sorted(by_city)]
        name = model.US_STATES[state]
        state_map = maps.state_map_html(state, sorted(self.by_state[state], key=_program_order), BASE, _anchor)
        body = self.html.get_template("state.html").render(
            state=name,
            code=state,
            cities=cities,
            count=len(self.by_state[state]),
            base=BASE,
            map=markupsafe.Markup(state_map),
        )
        return self._pour(
            "state",
            url=f"states/{state.lower()}/",
            title=f"Intensive outpatient programs in {name}",
            description=f"{len(self.by_state[state])} intensive outpatient programs in {name}, listed by city.",
            body=body,
        )

    def redirect_page(self, p: dict) -> str:
        target = f"{BASE}programs/{p['id']}/"
        canonical = (self.config.site_url or "/").rstrip("/") + f"/programs/{p['id']}/"
        return self.html.get_template("redirect.html").render(target=target, canonical=canonical, name=p["name"])

    # --- Markdown pages -------------------------------------------------------------------------------------

    def states_index(self) -> str:
        states = [
            {"code": s, "name": model.US_STATES[s], "count": len(ps)}
            for s, ps in sorted(self.by_state.items(), key=lambda kv: model.US_STATES[kv[0]])
        ]
        return self.md.get_template("states_index.md").render(states=states, total=len(self.ds.programs))

    def vocab_index(self, collection: str) -> str:
        entries = getattr(self.ds, collection)
        counts = self.by_condition if collection == "conditions" else self.by_therapy
        groups: dict[str, list[dict]] = defaultdict(list)
        for e in sorted(entries.values(), key=lambda e: e["name"].lower()):
            group = model.CONDITION_GROUPS[e["group"]] if collection == "conditions" else ""
            groups[group].append({**e, "count": len(counts.get(e["id"], []))})
        return self.md.get_template(f"{collection}_index.md").render(groups=groups)

    def condition_markdown(self, cond: dict) -> str:
        therapies = [self.ds.therapies[t] for t in cond["therapies"]]
        return self.md.get_template("condition.md").render(
            c=cond,
            blocks=self._data_blocks(f"conditions/{cond['id']}.md", cond, ("description", "how_iop_helps")),
            therapies=therapies,
            programs=self._listing(f"conditions/{cond['id']}.md", self.by_condition.get(cond["id"], [])),
            finder=f"../find/index.md?condition={cond['id']}",
        )

    def therapy_markdown(self, therapy: dict) -> str:
        conditions = [c for c in self.ds.conditions.values() if therapy["id"] in c["therapies"]]
        return self.md.get_template("therapy.md").render(
            t=therapy,
            blocks=self._data_blocks(f"therapies/{therapy['id']}.md", therapy, ("description", "session", "helps")),
            conditions=conditions,
            programs=self._listing(f"therapies/{therapy['id']}.md", self.by_therapy.get(therapy["id"], [])),
            finder=f"../find/index.md?therapy={therapy['id']}",
        )

    def _listing(self, src_uri: str, programs: list[dict]) -> str:
        """A marker for the programs of one condition or therapy, grouped by state.

        The HTML (thousands of links at scale) is put in after Markdown has run (`listing_html`), so the Markdown
        parser never reads it: Python-Markdown's HTML block handling is the slowest part of a large build.
        """
        self.listings[src_uri] = programs
        return LISTING_MARK

    def _data_blocks(self, src_uri: str, record: dict, fields: tuple[str, ...]) -> dict[str, str]:
        """Markers for a record's Markdown-by-design fields. Their HTML, made by the safe renderer, goes in after
        MkDocs' Markdown has run (`listing_html`), so data never meets snippets, raw HTML or attr_list."""
        if self.abbreviations is None:
            self.abbreviations = safe_markdown.site_abbreviations(self.config)
        marks = {name: DATA_MARK.format(name) for name in fields}
        self.data_html[src_uri] = {
            marks[name]: safe_markdown.render(record[name], self.abbreviations) for name in fields
        }
        return marks

    def listing_html(self, src_uri: str, html_text: str) -> str:
        for marker, block in self.data_html.get(src_uri, {}).items():
            if html_text.count(marker) != 1:
                raise RuntimeError(f"{src_uri}: the page lost its marker {marker}")
            html_text = html_text.replace(marker, block)
        programs = self.listings.get(src_uri)
        if programs is None or LISTING_MARK not in html_text:
            return html_text
        key = None
        if self.memory is not None and self.keys is not None:  # serve: reuse the listing if no program changed
            key = (self.keys.context, tuple(self.keys.records[p["id"]] for p in programs))
            cached = self.memory.listings.get(src_uri)
            if cached is not None and cached[0] == key:
                return html_text.replace(LISTING_MARK, cached[1], 1)
        by_state: dict[str, list[dict]] = defaultdict(list)
        for p in programs:
            by_state[p["address"]["state"]].append(views.program_line(p, BASE))
        states = [
            {"name": model.US_STATES[s], "url": f"{BASE}states/{s.lower()}/", "programs": ps}
            for s, ps in sorted(by_state.items(), key=lambda kv: model.US_STATES[kv[0]])
        ]
        listing = self.html.get_template("listing.html").render(states=states, count=len(programs), limit=60)
        if key is not None:
            self.memory.listings[src_uri] = (key, listing)
        return html_text.replace(LISTING_MARK, listing, 1)

    def extend_sitemap(self, site_dir: str) -> int:
        """Add program and state pages (not MkDocs pages, so MkDocs leaves them out) to sitemap.xml(.gz)."""
        path = Path(site_dir) / "sitemap.xml"
        if not path.is_file():
            return 0
        entries = [
            (self.page_url(p), p["last_verified"].isoformat()) for p in sorted(self.ds.programs, key=lambda p: p["id"])
        ]
        entries += [(f"{self.site_url}states/{s.lower()}/", None) for s in sorted(self.by_state)]
        lines = []
        for loc, lastmod in entries:
            lines.append(
                f"    <url>\n         <loc>{html.escape(loc)}</loc>\n"
                + (f"         <lastmod>{lastmod}</lastmod>\n" if lastmod else "")
                + "    </url>"
            )
        text = path.read_text(encoding="utf-8").replace("</urlset>", "\n".join(lines) + "\n</urlset>", 1)
        path.write_text(text, encoding="utf-8")
        import gzip

        with gzip.GzipFile(Path(site_dir) / "sitemap.xml.gz", "wb", mtime=0) as gz:
            gz.write(text.encode("utf-8"))
        return len(entries)

    # --- Theme support ----------------------------------------------------------------------------------------

    def template_globals(self) -> dict:
        return {"sources": self.ds.sources, "program_count": len(self.ds.programs)}

    def finder_form(self) -> str:
        """The finder's form, with one checkbox per vocabulary value; filled in on content/find/index.md."""
        ds = self.ds
        groups = [
            ("focus", "Treats", "any", [(k, v) for k, v in model.FOCUS.items()]),
            ("condition", "Conditions", "all", [(cid, c["name"]) for cid, c in ds.conditions.items()]),
            ("therapy", "Therapies", "all", [(tid, t["name"]) for tid, t in ds.therapies.items()]),
            ("med", "Medications for addiction", "all", list(model.MEDICATIONS.items())),
            ("pay", "Payment", "any", list(model.PAYMENT.items())),
            ("pop", "Who it serves", "all", list(model.POPULATIONS.items())),
            ("lang", "Language", "any", [(c, model.LANGUAGES[c]) for c in indexes.vocab_lists(ds)["lg"]]),
            ("time", "When sessions happen", "any", list(model.SESSIONS.items())),
            ("level", "Levels of care", "all", [(k, v) for k, v in model.LEVELS_OF_CARE.items() if k != "iop"]),
        ]
        return self.html.get_template("finder_form.html").render(groups=groups, radii=(5, 10, 25, 50, 100))

    def check_page_meta(self, page) -> None:
        for sid in page.meta.get("sources", []) or []:
            if sid not in self.ds.sources:
                log.warning(
                    f'{page.file.src_uri}: sources: unknown source id "{sid}" '
                    "(add it to data/sources.yaml or fix the id)"
                )


_PLACE_KEYS = frozenset({"_line", "_column", "_index", "_positions"})


class _Keys:
    """What each generated file is made from, as comparable keys (for `mkdocs serve`'s incremental rebuilds)."""

    def __init__(self, site: Site):
        self.site = site
        ds = site.ds
        # A record's place in its file matters only to its own page (the "Edit this program" link names the
        # line), so an edit that adds a line rewrites the pages below it but not their search files or cards.
        self.records = {
            p["id"]: hashlib.blake2b(
                repr([(k, v) for k, v in p.items() if k not in _PLACE_KEYS]).encode("utf-8"), digest_size=16
            ).digest()
            for p in ds.programs
        }
        self.context = hashlib.blake2b(
            repr(
                (ds.conditions, ds.therapies, site.today, site.site_url, site.repo_url, indexes.vocab_lists(ds))
            ).encode("utf-8")
        ).digest()
        self.shells = {kind: hashlib.blake2b(shell.encode("utf-8")).digest() for kind, shell in site.shells.items()}

    def group(self, ids) -> tuple:
        return (self.context, tuple(self.records[i] for i in ids))

    def lean(self, key: tuple) -> tuple:
        kind, ident = key
        if kind == "page":
            nearby = tuple((o, round(m, 6), self.records[o]) for o, m in self.site.nearby.get(ident, []))
            return (
                kind,
                self.shells["program"],
                self.context,
                self.records[ident],
                nearby,
                self.site.by_id[ident]["_line"],
            )  # the line last: see Site._move_page
        if kind == "vcf":
            return (kind, self.context, self.records[ident])
        return (
            kind,
            self.shells["state"],
            self.context,
            tuple(self.records[p["id"]] for p in self.site.by_state[ident]),
        )


def _program_order(p: dict) -> tuple:
    return (p["address"]["state"], p["address"]["city"].lower(), p["name"].lower(), p["id"])


def _anchor(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
