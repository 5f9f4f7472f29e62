"""The engine adapter: IOP Finder's generator as an MkDocs plugin, and the only module that imports `mkdocs`.

The build as MkDocs runs it, one event at a time:

    on_config       the site's languages (mkdocs.yml) and their words, checked against what the templates ask for
    on_pre_build    load -> validate -> catalogue (groupings, nearby programs); on bad data stop here, before
                    anything is written; then point the engine at a scratch folder beside the site folder
    on_files        make_plan(catalogue, languages); tell MkDocs about the plan's files and Markdown pages
    on_nav          each other language's navigation, from the site's own
    on_page_*       fill the generator's marks in Markdown; put each condition and therapy page's listing in;
                    render each page in its language (Languages below)
    on_env          render the theme shells; execute the plan (only what is stale, on every core)
    on_post_page    fix the theme's markup; add the Content-Security-Policy its template's probe render allows
    on_post_build   each other language's 404 page and search index; add program and state pages to the
                    sitemap; swap the finished site in (publish.py)

Everything below these events is plain functions over plain data (catalogue.py, plan.py, executor.py, pages.py
...), so another engine needs another adapter, not another generator. ProperDocs loads this same module.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.metadata
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TypeVar
from urllib.parse import urlsplit

import markupsafe
from mkdocs.commands.build import get_context
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url, is_error_template

from . import (
    bundles,
    csp,
    executor,
    finder_form,
    keystore,
    languages,
    links,
    listings,
    maps,
    pages,
    parallel,
    postprocess,
    safe_markdown,
    serving,
    shells,
    sitemap,
    timing,
    views,
)
from .catalogue import Catalogue, Settings, make_catalogue
from .dataset import load_dataset
from .plan import Plan, code_digest, make_plan
from .problems import summary
from .publish import Changes, InPlace, Scratch

log = logging.getLogger("mkdocs.plugins.iop_finder")
PROBE_TITLE = "IOP Finder probe page"
T = TypeVar("T")
IDLE_COLLECT_S = 1.0  # under `serve`: the collector runs this long after a rebuild ends, once the page has reloaded


class IOPFinderConfig(Config):
    data_dir = c.Type(str, default="data")
    # Keep a build cache beside the site folder (.site.iop-cache/) so the next build makes only what changed.
    # IOP_FINDER_CACHE=0 turns it off for one run.
    cache = c.Type(bool, default=True)
    today = c.Optional(c.Type(str))  # fixed "today" (YYYY-MM-DD) for reproducible builds and tests
    nearby_count = c.Type(int, default=5)
    nearby_radius_miles = c.Type(float, default=50.0)
    # The site's languages, code: its own name. The first is the site's own, at the root; each other one lives
    # under /<code>/ with its words in locales/<code>.yaml (languages.py).
    languages = c.Type(dict, default={"en": "English"})
    corrections_email = c.Optional(c.Type(str))  # where anyone can email a correction ("Report a problem")
    stale_after_months = c.Type(int, default=views.STALE_AFTER_MONTHS)  # older listings "may be out of date"


class OutputFile(File):
    """A file the executor writes itself, before MkDocs copies static files. MkDocs only finds it (so links to
    it resolve, see SiteFiles), and never holds its content in memory."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return True

    @property
    def content_bytes(self) -> bytes:
        return Path(self.abs_dest_path).read_bytes()

    @property
    def content_string(self) -> str:
        return self.content_bytes.decode("utf-8")


class SiteFiles(Files):
    """The engine's files (pages, theme and static files: a few hundred), which MkDocs walks, and the plan's
    outputs (49,000 at 20,000 programs), which it only looks up: a page's link to a download or a program page
    finds its file by path, made when first asked for. MkDocs walks its files several times a build (exclusions,
    the navigation of each language, the page list of every page's context, static copies), and walking the
    outputs too cost about half a second of every build and rebuild, for files it has nothing to do with."""

    def __init__(self, files: Files, outputs: list[str], config) -> None:
        super().__init__(files)
        self._outputs, self._config = set(outputs), config
        self._made: dict[str, OutputFile] = {}

    def get_file_from_path(self, path: str) -> File | None:
        found = super().get_file_from_path(path)
        if found is not None:
            return found
        path = PurePath(path).as_posix()  # as Files itself normalises it
        if path not in self._outputs:
            return None
        made = self._made.get(path)
        if made is None:
            made = self._made[path] = OutputFile.generated(self._config, path, content=b"")
            set_exclusions([made], self._config)  # the same rules as for the engine's own files
        return made


class IOPFinderPlugin(BasePlugin[IOPFinderConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.store: keystore.NoStore = keystore.NoStore()
        self.one_off = True
        self.cat: Catalogue | None = None
        self.plan: Plan | None = None
        self.result: executor.Result | None = None
        self.scratch: Scratch | Changes | InPlace | None = None
        self.served: bytes | None = None  # under `serve`: the fingerprint of the build the served folder holds
        self._engine_now: set[str] = set()  # the engine's files in this build (theme, Markdown pages)
        self._building: bytes | None = None
        self._rebuilding = False  # under `serve`: a rebuild is under way (the collector waits for its end)
        self.in_place = False  # whether the last build wrote into the served folder itself
        self.site_dir: Path | None = None  # the published site (config.site_dir points at the scratch folder)
        self.mkdocs_config = None
        self.nav = None
        self.theme: Theme | None = None
        self.languages: Languages | None = None
        self.failed: list[str] | None = None  # under `serve`: why the last rebuild failed (shown in the browser)
        self.bundled: dict[str, list[str]] = {}  # a joined file (bundles.py): the parts mkdocs.yml lists for it
        self.renders = Renders()  # each Markdown page's render, kept while its inputs are unchanged
        self.finished = Kept()  # under `serve`: each page as on_post_page finished it, by everything it is made of
        self.search_entries = SearchEntries()  # each page's entries in Material's search index, kept likewise
        self.whole = WholePages()  # each page as it was written, kept by everything it is made of
        self.shells_made = [0, 0]

    # --- The pipeline -------------------------------------------------------------------------------------------

    def on_startup(self, *, command, dirty) -> None:
        # `serve` keeps what it built between rebuilds; its first build still uses every core (see on_serve).
        parallel.enabled = True
        self.one_off = command != "serve"
        self.store = keystore.NoStore() if self.one_off else keystore.MemoryStore()

    def on_config(self, config):
        # The heap comes to hold the whole site's data (800 MB at 20,000 programs), and each full collection scans
        # all of it: while the data is read they cost a second, during a rebuild seconds. A build freezes the data
        # once it is read and collects from then on (on_pre_build); the server collects once it is idle.
        self._rebuilding = True
        gc.disable()
        if self.languages is not None:  # `serve` reads the configuration again for each rebuild
            self.languages.close()
        try:
            langs = languages.load(self.config.languages, self._root(config))
        except languages.LanguageError as e:
            raise PluginError(str(e)) from None
        unlisted = languages.unlisted_locales(langs, self._root(config))
        if unlisted:
            raise PluginError("\n".join(unlisted))
        self.languages = Languages(langs, config)
        missing = self.languages.missing_words(config)
        if missing:
            raise PluginError("IOP Finder's languages lack words:\n" + "\n".join(missing))
        self._bundle(config)
        return config

    def _bundle(self, config) -> None:
        """Pages link one stylesheet and one script where mkdocs.yml lists several (bundles.py); on_files adds
        the joined files. Scripts with their own attributes (defer, a type) keep their own tags. A configuration
        already changed (`serve` can hand the same one back) keeps the parts found the first time."""
        plain = [s for s in config.extra_javascript if isinstance(s, str) or not (s.type or s.defer or s.async_)]
        own = [s for s in config.extra_javascript if s not in plain]
        for name, listed in ((bundles.STYLES, list(config.extra_css)), (bundles.SCRIPTS, plain)):
            paths = [str(p) for p in listed]
            if name not in paths:
                self.bundled.pop(name, None)
                if len(paths) > 1:
                    self.bundled[name] = paths
        if bundles.STYLES in self.bundled:
            config.extra_css = [bundles.STYLES]
        if bundles.SCRIPTS in self.bundled:
            config.extra_javascript = [bundles.SCRIPTS, *own]

    def on_pre_build(self, *, config) -> None:
        self.failed = None
        if self.one_off and self.store_wanted():
            self.store = keystore.DiskStore(cache_folder(Path(config.site_dir)), self._fingerprint(config))
            if self.store.note:
                log.info(self.store.note)
        self.store.start()
        settings = self._settings(config)
        with timing.stage("load+validate"):
            ds = load_dataset(
                self._root(config) / self.config.data_dir,
                root=self._root(config),
                today=settings.today,
                all_positions=False,
                item_caches=self.store.item_caches,
            )
        for warning in ds.warnings:
            log.warning(str(warning))
        if ds.errors:
            lines = [str(p) for p in ds.errors] + [summary(ds.problems, stopped_build=True)]
            self.failed = lines
            raise PluginError("IOP Finder data has problems:\n" + "\n".join(lines))
        with timing.stage("catalogue"):
            self.cat = make_catalogue(ds, settings, reuse=self.store.reuse)
        self.abbreviations = self.languages.abbreviations(config)
        self.site_dir, self.mkdocs_config = Path(config.site_dir), config
        self.scratch = self._build_folder(config)
        self.store.place(self.site_dir, self.scratch.path)
        config.site_dir = str(self.scratch.path)
        if self.one_off:
            # The dataset lives until the end: keep the collector from rescanning it (and forked workers from
            # copying pages the collector would touch). Not under `serve`, which rebuilds.
            gc.freeze()
            self._collect()

    def on_files(self, files, *, config):
        if isinstance(self.scratch, InPlace):
            self.scratch.restore()  # the engine has emptied the folder of everything but hidden entries
        with timing.stage("plan"):
            self.plan = make_plan(self.cat, self.languages.langs, self.plan.lines if self.plan else None)
        files = SiteFiles(files, self.plan.paths(), config)
        for src_uri, markdown in self.plan.pages.items():
            files.append(File.generated(config, src_uri, content=markdown))
        for name, parts in self.bundled.items():
            texts = [(path, self._part(files, path)) for path in parts]
            files.append(File.generated(config, name, content=bundles.joined(texts, script=name.endswith(".js"))))
        self.languages.note_unpublished(files)
        self._engine_now = {f.dest_uri for f in files}
        return files

    def on_nav(self, nav, *, config, files):
        self.nav = nav
        if not self.one_off:
            self.renders.start(self._building)
            self.finished.start()
        elif isinstance(self.store, keystore.DiskStore):
            # A one-off build keeps renders in its build cache, which only a build of this fingerprint trusts.
            self.renders.start(b"", self.store)
        self.languages.make_navs(nav, files, config, self.plan.paths())
        self.search_entries.keep(config, self.store)
        return nav

    def on_pre_page(self, page, *, config, files):
        if not self.one_off or self.renders.store is not None:
            self.renders.wrap(page)
        return page

    def on_page_markdown(self, markdown, *, page, config, files):
        for warning in pages.unknown_sources(page.file.src_uri, page.meta, self.cat.ds.sources):
            log.warning(warning)
        self.languages.use(config, self.languages.of(page))  # the page's abbreviations, appended to its Markdown
        return self.plan.fill_markdown(markdown, self.languages.of(page))

    def on_page_content(self, html, *, page, config, files):
        src_uri, lang = page.file.src_uri, self.languages.of(page)
        path = self.languages.langs.site_path(src_uri)
        blocks = pages.data_blocks(self.cat, path, self.abbreviations[lang.code], lang)
        html = pages.insert_data_blocks(html, blocks, src_uri)
        listing = self.plan.listings.get(src_uri)
        if listing is not None:
            html = listings.insert(html, executor.fragment(self.plan, listing, self.store))
        return maps.with_us_map(html, self.cat.by_state, self.languages.langs.site_path(page.url), lang.words)

    def on_page_context(self, context, *, page, config, nav):
        # The theme prints the description into an attribute unescaped; a quote in it would break the tag.
        if page.meta.get("description"):
            page.meta["description"] = markupsafe.escape(page.meta["description"])
        lang = self.languages.of(page)
        self.languages.use(config, lang)  # until the next page: the theme renders this one in its language
        context = self.languages.localize(context, lang, page.url)
        policy, label = self.theme.page_policy(page, lang), self.languages.search_label(lang)
        return self.whole.look_up(page, context, lang.code, policy, label)

    def on_env(self, env, *, config, files):
        self.languages.use(config, self.languages.langs.default)
        shared = {"sources": self.cat.ds.sources, "program_count": len(self.cat.ds.programs)}
        env.globals["iop"] = self.languages.start(shared)
        self.theme = Theme(env, self.nav, files, config, self.languages)
        site = self._site_key(config)  # before the shells join the plan's shared inputs: they are made of it
        self.shells_made = [0, 0]  # shells this build made, of its shells (for tests and timings)
        with timing.stage("pages, search files and exports"):
            self.plan.set_shells(
                {
                    shells.name(kind, lang): self._shell(kind, lang, site)
                    for lang in self.languages.langs.all
                    for kind in shells.KINDS
                }
            )
            carry = not isinstance(self.scratch, Changes)
            intact = isinstance(self.scratch, InPlace) and self.scratch.intact
            self.result = executor.execute(self.plan, self.store, self.scratch.path, self.site_dir, carry, intact)
        self.whole.start(env, self.store, site)
        timing.mark("theme files and Markdown pages")
        return env

    def on_post_page(self, output, *, page, config):
        if self.whole.was_kept(page):
            return output  # the page as the last build wrote it, finished then
        lang = self.languages.of(page)
        policy, label = self.theme.page_policy(page, lang), self.languages.search_label(lang)
        return self.whole.keep(page, self._finish(output, page, lang, policy, label))

    def _finish(self, output: str, page, lang: languages.Language, policy: str, label: str) -> str:
        def finish() -> str:
            return postprocess.finish(self.languages.fall_back(output, page.url, lang), policy, label)

        # Most pages come out of the theme as they did last time: finishing them again (thousands of links checked
        # in each listing, each word looked up in the page's language) would give the same bytes. Under `serve`
        # they are kept in memory; a one-off build keeps them in its build cache, by a digest of the same.
        inputs = (output, page.url, lang.code, policy, label, self.languages.published_key)
        if not self.one_off:
            return self.finished.get(inputs, finish)
        if isinstance(self.store, keystore.DiskStore):
            return self.store.reuse(FINISHED_VALUE + page.url, keystore.fingerprint(*inputs), finish)
        return finish()

    def on_post_template(self, output_content, *, template_name, config):
        if not template_name.endswith(".html"):
            return output_content
        return postprocess.finish(output_content, self.theme.template_policy(template_name))

    @event_priority(-100)  # last: other plugins (search) still write into the scratch folder in theirs
    def on_post_build(self, *, config) -> None:
        timing.close_mark()
        self.languages.use(config, self.languages.langs.default)
        for lang in self.languages.langs.others:
            self.theme.write_not_found(lang, Path(config.site_dir))
            self.languages.split_search(Path(config.site_dir), lang)
        sitemap.extend(Path(config.site_dir), self.plan.sitemap, (config.site_url or "/").rstrip("/") + "/")
        with timing.stage("publish"):
            config.site_dir = str(self.site_dir)  # commands that read it after a build (gh-deploy) find the site
            before = self.store.previous().keys() | self.store.previous_others()
            gone = before - self.result.keys.keys() - self._engine_now  # made by the last build, not by this one
            if isinstance(self.scratch, Changes) and self.scratch.conflicts():
                executor.carry_over(self.result.kept_paths, self.site_dir, self.scratch.path)
                self.scratch.whole = True
            self.store.stage(self.result.keys, self._engine_now)
            self.scratch.publish(gone)
            self.served = self._building
            self.scratch = None
            self.store.commit()
        self.failed = None
        rendered = (
            f", Markdown pages rendered {self.renders.made} of {self.renders.pages}" if self.renders.pages else ""
        )
        searched = self.search_entries
        if searched.pages:
            rendered += f", search entries made for {searched.made} of {searched.pages}"
        if self.whole.pages:
            rendered += f", pages made by the theme {self.whole.pages - self.whole.hits} of {self.whole.pages}"
        rendered += ", shells made {} of {}".format(*self.shells_made)
        timing.report(f"files made {self.result.written:,}, kept {self.result.kept:,}{rendered}")
        self._collect()

    @event_priority(-100)
    def on_build_error(self, *, error) -> None:
        # Nothing was published: the site folder is as the last good build left it (unless the failure came while
        # the site folder itself was being changed: then the next build trusts no record and makes every file).
        message = disk_error(error, self.scratch, self.site_dir)
        if self.failed is None:
            self.failed = [message or str(error) or type(error).__name__]
        if self.scratch is not None:
            self.mkdocs_config.site_dir = str(self.site_dir)
            self.scratch.discard()
            if self.scratch.changes_site:  # some files may be rewritten already, others not
                self.store.forget()
                self.served = None
            self.scratch = None
        self.store.abandon()
        self._collect()
        if message:  # one line instead of a traceback
            log.error(message)
            raise Abort("Aborted with a BuildError!")

    def on_shutdown(self) -> None:
        self.store.close()
        if self.languages is not None:
            self.languages.close()

    def on_serve(self, server, *, config, builder):
        # From now on the server's watcher threads run beside every rebuild: forking workers then is not worth
        # the risk, and rebuilds have little left to spread over cores anyway.
        parallel.enabled = False
        # A server stopped by SIGTERM (a process manager, a test) shuts down as after Ctrl-C: MkDocs then deletes
        # its temporary site folder and this plugin its parts folder, instead of leaving both behind.
        signal.signal(signal.SIGTERM, _interrupt)
        # Rebuild when program data or vocabularies change, not only Markdown.
        server.watch(str(self._root(config) / self.config.data_dir))
        self._serve_with_livereload(server)
        return server

    def _serve_with_livereload(self, server) -> None:
        """Let MkDocs' live-reload script run under the pages' policy, and show a failed rebuild's problems in
        the browser instead of keeping requests waiting (serving.py). These are MkDocs 1.6's own server methods;
        a server without them keeps its behaviour."""
        inject, serve_request, rebuild = (
            getattr(server, name, None) for name in ("_inject_js_into_html", "_serve_request", "builder")
        )
        if not (inject and serve_request and rebuild):
            log.warning("IOP Finder: this server cannot reload pages under the site's policy")
            return

        def allowed(content, epoch):
            return serving.allow_livereload(inject(content, epoch))

        def problems_or_site(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if self.failed and not path.startswith("/livereload/") and path.endswith(("/", ".html")):
                page = allowed(serving.problems_page(self.failed), server._visible_epoch)
                start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")])
                return [page]
            return serve_request(environ, start_response)

        def build_or_show_problems(*args, **kwargs):
            try:
                rebuild(*args, **kwargs)
            except Exception:
                if not self.failed:
                    raise
                # Let the server publish this "build", so waiting browsers reload and see the problems.
                log.error("IOP Finder: the rebuild failed; every page shows why until it is fixed")

        server._inject_js_into_html = allowed
        server._serve_request = problems_or_site
        server.builder = build_or_show_problems

    # --- MkDocs specifics ---------------------------------------------------------------------------------------

    @staticmethod
    def _part(files: Files, path: str) -> str:
        file = files.get_file_from_path(path)
        if file is None:
            raise PluginError(
                f"mkdocs.yml: {path}: no such file in the theme or the docs (check extra_css and extra_javascript)"
            )
        return file.content_string

    def _collect(self) -> None:
        """The collector on again: in a build once its data is read (or it failed); under `serve` once a rebuild
        (good or failed) is over, a moment later, while the server is idle, rather than in the request that shows
        the reloaded page."""
        self._rebuilding = False
        if self.one_off:  # a build: at once
            gc.enable()
            return
        timer = threading.Timer(IDLE_COLLECT_S, self._collect_when_idle)
        timer.daemon = True
        timer.start()

    def _collect_when_idle(self) -> None:
        if self._rebuilding:  # another rebuild began: it collects when it ends
            return
        gc.collect()
        if not self._rebuilding:
            gc.enable()

    def _build_folder(self, config) -> Scratch | Changes | InPlace:
        """A scratch folder swapped in at the end, or, when the build cache's record of the site is trusted, one
        that holds only the changes (publish.Changes); under `serve`, once the served folder holds a build made
        by the same code and configuration, that folder itself (publish.InPlace)."""
        if self.one_off:
            self.in_place = False
            known = bool(self.store.previous()) and self.site_dir.is_dir()
            return Changes(self.site_dir) if known else Scratch(self.site_dir)
        self._building = self._fingerprint(config)
        self.in_place = self._building == self.served and bool(self.store.previous())
        return InPlace(self.site_dir) if self.in_place else Scratch(self.site_dir)

    def store_wanted(self) -> bool:
        return self.config.cache and os.environ.get("IOP_FINDER_CACHE", "1") != "0"

    def _fingerprint(self, config) -> bytes:
        """What a build cache's contents depend on besides the data: the generator's code and templates, the
        theme (its overrides and the versions of the theme and engine), mkdocs.yml and the libraries that shape
        the output. A cache made under any other is not trusted."""
        config_file = Path(config.config_file_path) if config.config_file_path else None
        custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        versions = tuple(_version(name) for name in CACHE_LIBRARIES)
        return keystore.fingerprint(
            code_digest(),
            keystore.folder_digest(custom) if custom else (),
            config_file.read_bytes() if config_file and config_file.is_file() else b"",
            sys.version,
            versions,
        )

    def _shell(self, kind: str, lang: languages.Language, site: bytes) -> str:
        """A theme shell, kept in the build's store while the site around it is unchanged (like a whole page)."""
        name, key = SHELL_VALUE + shells.name(kind, lang), keystore.fingerprint(site, kind, lang.code)
        shell = self.store.peek(name, key)
        self.shells_made[1] += 1
        if not isinstance(shell, str):
            shell = self.theme.shell(kind, lang)
            self.store.keep(name, key, shell)
            self.shells_made[0] += 1
        return shell

    def _site_key(self, config) -> bytes:
        """What every page of this build is made of besides itself: the theme, configuration and code (as a
        build cache's fingerprint), every language's navigation with the titles and addresses of its pages, the
        pages the site publishes, and what the templates read of the data (the plan's shared inputs, the
        sources, the number of programs)."""
        navs = [_nav_data(self.nav.items)] + [_nav_data(nav.items) for _, nav in sorted(self.languages.navs.items())]
        return keystore.fingerprint(
            self._fingerprint(config),
            navs,
            self.languages.published_key,
            sorted(self.languages.unpublished),
            sorted(self.plan.shared.items()),
            self.languages.shared,
        )

    def _root(self, config) -> Path:
        return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()

    def _settings(self, config) -> Settings:
        problem = links.setting_problem(self.config.corrections_email, self.config.stale_after_months)
        if problem:
            raise PluginError(f"{Path(config.config_file_path or 'mkdocs.yml').name}: plugins.iop-finder.{problem}")
        return Settings.make(
            config.site_url,
            repo_url=config.repo_url,
            today=dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today(),
            nearby_count=self.config.nearby_count,
            nearby_radius_miles=self.config.nearby_radius_miles,
            corrections_email=self.config.corrections_email,
            stale_after_months=self.config.stale_after_months,
        )


class Kept:
    """Values by their key, kept from one build to the next: those the last build used, the others dropped."""

    def __init__(self) -> None:
        self.kept: dict = {}
        self.used: dict = {}
        self.hits = 0  # values of the last build found kept (for tests)

    def start(self) -> None:
        # A build that failed before it used any keeps the older ones.
        self.kept, self.used, self.hits = self.used or self.kept, {}, 0

    def get(self, key, make: Callable[[], T], valid: Callable[[T], bool] = lambda value: True) -> T:
        value = self.used.get(key)
        if value is None:
            value = self.kept.get(key)
            if value is None or not valid(value):
                value = make()
            else:
                self.hits += 1
            self.used[key] = value
        return value


class Renders:
    """Each Markdown page's render (Python-Markdown's HTML, its table of contents, title and anchors, and what
    it logged), kept while everything it is made from is unchanged, so a build after a data edit does not parse
    the 117 pages again (2-3 s at 20,000 programs): in memory under `serve`, in the build cache (as one reusable
    value per page) for a one-off build.

    A render is made from the page's final Markdown, its place, the Markdown settings of its language, the files
    those settings append, and the build's fingerprint (code, theme, mkdocs.yml, versions), which make its key;
    and from the files its links lead to. Those are not in the key: a render notes each file it looked up
    (`_Lookups`) and is kept only while every one of them is found as it was, so a data edit that adds or drops a
    search file does not render all 117 pages again, while a page linking to a program that is gone is. A page that
    includes other files itself (a snippet mark) is always rendered."""

    LOGGERS = ("mkdocs", "MARKDOWN")  # what a render may log: link warnings come from mkdocs.structure.pages

    def __init__(self) -> None:
        self.kept = Kept()  # by key: (what render set on the page, what it logged)
        self.store: keystore.DiskStore | None = None  # a one-off build's cache, where its renders are kept
        self.pages = 0  # Markdown pages of the last build (for tests and timings)
        self.made = 0  # of those, the pages it rendered itself
        self._base: bytes = b""

    @property
    def hits(self) -> int:
        """Pages of the last build whose render was kept (for tests)."""
        return self.kept.hits

    def start(self, fingerprint: bytes | None, store: keystore.DiskStore | None = None) -> None:
        """A new build: renders of the last one are kept only if this one uses them again."""
        self._base = keystore.fingerprint(fingerprint or b"")
        self.kept.start()
        self.store, self.pages, self.made = store, 0, 0

    def wrap(self, page: Page) -> None:
        original = page.render
        self.pages += 1

        def render(config, files) -> None:
            key = self._key(page, config)
            if key is None:
                self.made += 1
                return original(config, files)
            rendered = []  # set when this build renders the page itself: nothing then to replay

            def make():
                rendered.append(True)
                self.made += 1
                return self._render(page, original, config, files)

            def valid(kept) -> bool:
                return _Lookups.same(kept[2], files)

            if self.store is None:
                kept = self.kept.get(key, make, valid)
            else:
                kept = self.store.reuse(RENDER_VALUE + page.file.src_uri, key, make, valid)
            if not rendered:
                self._replay(page, kept, files)

        page.render = render

    def _key(self, page: Page, config) -> bytes | None:
        markdown = page.markdown or ""
        if "--8<--" in markdown or ";8<;" in markdown:
            return None
        snippets = (config.mdx_configs or {}).get("pymdownx.snippets") or {}
        appended = [(name, _bytes(name)) for name in snippets.get("auto_append", [])]
        settings = repr((config.markdown_extensions, config.mdx_configs))
        return keystore.fingerprint(
            self._base, page.file.src_uri, page.file.dest_uri, page.url, markdown, settings, appended
        )

    def _render(self, page: Page, original, config, files) -> tuple[dict, list[tuple[str, int, str]], dict]:
        before = dict(vars(page))
        records: list[logging.LogRecord] = []
        catch = _Catch(records)
        loggers = [logging.getLogger(name) for name in self.LOGGERS]
        lookups = _Lookups(files)
        for logger in loggers:
            logger.addHandler(catch)
        try:
            original(config, lookups)
        finally:
            for logger in loggers:
                logger.removeHandler(catch)
        made = {k: v for k, v in vars(page).items() if k not in before or before[k] is not v}
        # As plain data, which a build cache holds (its reader refuses every class but a few of its own).
        if isinstance(made.get("toc"), TableOfContents):
            made["toc"] = _toc_data(made["toc"])
        logged = [(record.name, record.levelno, record.getMessage()) for record in records]
        # Links to anchors name the files of this build: kept by path, found again in the next build's files.
        if made.get("links_to_anchors"):
            made["links_to_anchors"] = {f.src_uri: links for f, links in made["links_to_anchors"].items()}
        return made, logged, lookups.found

    @staticmethod
    def _replay(page: Page, kept: tuple[dict, list[tuple[str, int, str]], dict], files: Files) -> None:
        """The kept render on this build's page, and what rendering it logged (a warning under --strict still
        stops the build)."""
        made, logged, _ = kept
        for name, value in made.items():
            if name == "links_to_anchors" and value:
                value = {files.get_file_from_path(src): links for src, links in value.items()}
            elif name == "toc":
                value = _toc(value)
            setattr(page, name, value)
        for logger, level, message in logged:
            record = {"name": logger, "levelno": level, "levelname": logging.getLevelName(level), "msg": message}
            logging.getLogger(logger).handle(logging.makeLogRecord(record))


class _Lookups:
    """The build's files as a render sees them, noting every file it looks up and what it found: the address and
    inclusion of a file, or None for a link to nothing. Python-Markdown's link processor (MkDocs'
    `_RelativePathTreeprocessor`) reaches the files only through `get_file_from_path`."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.found: dict[str, tuple[str, str, str] | None] = {}

    @staticmethod
    def _seen(file: File | None) -> tuple[str, str, str] | None:
        return None if file is None else (file.dest_uri, file.url, str(file.inclusion))

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        self.found[path] = self._seen(file)
        return file

    def __getattr__(self, name: str):
        return getattr(self._files, name)

    @classmethod
    def same(cls, found: dict, files: Files) -> bool:
        """Whether every file a render looked up is found in `files` as it was then."""
        return all(cls._seen(files.get_file_from_path(path)) == seen for path, seen in found.items())


class SearchEntries:
    """Material's search entries of each page (its HTML cut into sections, one entry each), kept in the build's
    store by everything they are made of: cutting the 117 pages of each language again on every build and
    rebuild cost about half a second, for the same entries. Material's search plugin makes its index anew in
    each build's on_config, so `keep` wraps the index of the build under way."""

    def __init__(self) -> None:
        self.pages = 0  # pages of the last build given to the search index (for tests and timings)
        self.made = 0  # of those, the pages whose entries it made itself

    def keep(self, config, store: keystore.NoStore) -> None:
        self.pages = self.made = 0
        for plugin in config.plugins.values():
            if type(plugin).__module__ == "material.plugins.search.plugin":
                index = getattr(plugin, "search_index", None)
                add = getattr(index, "add_entry_from_context", None)
                # Another Material than the one this knows, or wrapped already: its entries are made as before.
                if add is not None and isinstance(getattr(index, "entries", None), list) and not hasattr(add, "kept"):
                    index.add_entry_from_context = self._kept(index, add, store)

    def _kept(self, index, add: Callable, store: keystore.NoStore) -> Callable:
        settings = repr(sorted((str(k), repr(v)) for k, v in dict(index.config).items()))

        def kept_add(page) -> None:
            meta = page.meta or {}
            name, inputs = SEARCH_VALUE + page.url, keystore.fingerprint(
                page.url, page.title, meta.get("title"), meta.get("search"), meta.get("tags"),
                _toc_data(page.toc or []), page.content, settings,
            )  # fmt: skip
            self.pages += 1
            entries = store.peek(name, inputs)
            if isinstance(entries, list):
                index.entries.extend(dict(entry) for entry in entries)
                return
            start = len(index.entries)
            add(page)
            store.keep(name, inputs, index.entries[start:])
            self.made += 1

        kept_add.kept = True
        return kept_add


class WholePages:
    """Each page as the build wrote it, kept by everything the theme's templates and finishing make it from: the
    page itself (its content, title, table of contents, metadata, address, language, twins and policy) and the
    site around it (`start`'s key: plugin._site_key). A page whose inputs are unchanged is neither rendered by
    the templates nor finished again (about 0.6 s of a build after a one-program edit at 20,000 programs): its
    context carries the kept page, which the page templates give back as it is (`_KeptOrRendered`)."""

    def __init__(self) -> None:
        self.store: keystore.NoStore = keystore.NoStore()
        self.site = b""
        self.pages = 0  # pages of the last build (for tests and timings)
        self.hits = 0  # of those, the pages written as kept
        self._keys: dict[str, bytes] = {}  # by page address: the key of a page this build makes
        self._kept: set[str] = set()  # addresses of the pages this build writes as kept

    def start(self, env, store: keystore.NoStore, site: bytes) -> None:
        self.store, self.site, self.pages, self.hits = store, site, 0, 0
        self._keys, self._kept = {}, set()
        get_template = env.get_template

        def page_template(name, parent=None, globals=None):
            template = get_template(name, parent, globals)
            return template if parent is not None else _KeptOrRendered(template)  # MkDocs asks with a name alone

        env.get_template = page_template

    def look_up(self, page, context: dict, lang: str, policy: str, label: str) -> dict:
        self.pages += 1
        if page.file.inclusion.is_excluded():  # a draft under `serve`: MkDocs marks its content after this
            return context
        iop = context.get("iop") or {}
        key = keystore.fingerprint(
            self.site, page.url, page.file.src_uri, page.title, page.content, _toc_data(page.toc or []),
            page.meta, page.edit_url, page.canonical_url, lang, context.get("base_url"), iop.get("alternates"),
            iop.get("switch"), policy, label,
        )  # fmt: skip
        kept = self.store.peek(WHOLE_VALUE + page.url, key)
        if isinstance(kept, str):
            self.hits += 1
            self._kept.add(page.url)
            context[KEPT_PAGE] = kept
        else:
            self._keys[page.url] = key
        return context

    def was_kept(self, page) -> bool:
        return page.url in self._kept

    def keep(self, page, finished: str) -> str:
        key = self._keys.pop(page.url, None)
        if key is not None:
            self.store.keep(WHOLE_VALUE + page.url, key, finished)
        return finished


class _KeptOrRendered:
    """A page template that gives back the page kept for a context that carries one, and renders any other."""

    def __init__(self, template) -> None:
        self._template = template

    def render(self, *args, **kwargs) -> str:
        context = args[0] if args and isinstance(args[0], dict) else kwargs
        kept = context.get(KEPT_PAGE)
        return kept if isinstance(kept, str) else self._template.render(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._template, name)


def _nav_data(items) -> list:
    """A navigation as plain data: each item's kind, title, address, metadata and children."""
    return [
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", None),
            getattr(item, "meta", None),
            _nav_data(getattr(item, "children", None) or []),
        )
        for item in items
    ]


KEPT_PAGE = "iop_kept_page"  # in a page's context: the page kept for it
WHOLE_VALUE = "page:"  # a whole page's name in the build cache: this, then the page's address
SHELL_VALUE = "shell:"  # a theme shell's name in the build cache: this, then the shell's name
RENDER_VALUE = "render:"  # a render's name in the build cache: this, then the page's source path
SEARCH_VALUE = "search:"  # a page's search entries in the build cache: this, then the page's address
FINISHED_VALUE = "finished:"  # a finished page's name in the build cache: this, then the page's address


def _toc_data(items) -> list[dict]:
    """A table of contents as plain data: each entry's attributes, with its children the same way."""
    return [{**vars(link), "children": _toc_data(link.children)} for link in items]


def _toc(data: list[dict]) -> TableOfContents:
    """The table of contents `_toc_data` describes."""

    def link(entry: dict) -> AnchorLink:
        made = AnchorLink.__new__(AnchorLink)
        vars(made).update(entry)
        made.children = [link(child) for child in entry["children"]]
        return made

    return TableOfContents([link(entry) for entry in data])


class _Catch(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


class Theme:
    """The theme as MkDocs renders it, for one build: the shells of generated pages, and the probe renders the
    page policies come from. A probe is a template rendered for a placeholder page at the real page's address,
    in its language, before any data is in it, so its inline scripts are the theme's own."""

    def __init__(self, env, nav, files: Files, config, langs: Languages):
        self.env, self.nav, self.files, self.config, self.langs = env, nav, files, config, langs
        self.policies: dict[tuple[str, ...], str] = {}

    def shell(self, kind: str, lang: languages.Language) -> str:
        """The theme in `lang` for a placeholder page at the depth of `kind`'s pages (under the language's
        folder), finished with its own policy. Its alternates and language switch lead to the placeholder's twins,
        which pouring a page turns into the page's own (shells.pour)."""
        page = self._placeholder(lang.folder + shells.src_uri(kind), title=shells.MARK_TITLE, content=shells.MARK_BODY)
        page.meta = {"description": shells.MARK_DESC}
        self.langs.use(self.config, lang)
        try:
            html = shells.lean(self._render(shells.TEMPLATE, page, lang))
        finally:
            self.langs.use(self.config, self.langs.langs.default)
        policy = csp.policy(csp.inline_script_hashes(html))
        return shells.checked(kind, postprocess.finish(html, policy, self.langs.search_label(lang)))

    def page_policy(self, page, lang: languages.Language) -> str:
        """The policy of a page: from its template rendered at its address, in its language, with a placeholder
        for its content."""
        template = page.meta.get("template", "main.html")
        key = (template, get_relative_url(".", page.url), lang.code)
        if key not in self.policies:
            probe = self._placeholder(page.file.src_uri, title=PROBE_TITLE, content="<p>probe</p>")
            self.policies[key] = csp.policy(csp.inline_script_hashes(self._render(template, probe, lang)))
        return self.policies[key]

    def template_policy(self, name: str) -> str:
        """The policy of a theme page (404.html): its template holds no data, so it is its own probe."""
        base = _template_base(name, self.config)
        if (name, base) not in self.policies:
            context = get_context(self.nav, self.files, self.config, base_url=base)
            self.policies[(name, base)] = csp.policy(
                csp.inline_script_hashes(self.env.get_template(name).render(context))
            )
        return self.policies[(name, base)]

    def _placeholder(self, src_uri: str, *, title: str, content: str) -> Page:
        page = Page(title, File.generated(self.config, src_uri, content=""), self.config)
        page.content = content
        page.meta = {}
        return page

    def _render(self, template: str, page: Page, lang: languages.Language | None = None) -> str:
        context = get_context(self.nav, self.files, self.config, page)
        if lang is not None:
            context = self.langs.localize(context, lang, page.url)
        return self.env.get_template(template).render(context)

    def write_not_found(self, lang: languages.Language, site_dir: Path) -> None:
        """The theme's 404 page in another language, at <code>/404.html (hosts that look for the nearest 404
        page serve it for that language's folder). Like the site's own, it holds no data: it is its own probe."""
        name = "404.html"
        self.langs.use(self.config, lang)
        try:
            base = urlsplit(self.config.site_url or "/").path  # the site's root: its links work at any address
            context = self.langs.localize(get_context(self.nav, self.files, self.config, base_url=base), lang, None)
            html = self.env.get_template(name).render(context)
        finally:
            self.langs.use(self.config, self.langs.langs.default)
        html = postprocess.finish(html, csp.policy(csp.inline_script_hashes(html)), self.langs.search_label(lang))
        executor.write_text(site_dir, lang.folder + name, html)


class Languages:
    """The site's languages as the engine renders them. For a page of another language than the site's own it
    switches the engine's settings for the time the page is rendered (the theme's interface language, the site
    description, the abbreviations its Markdown appends), gives the templates the page's words, twins,
    hreflang alternates and language switch (`iop`), and that language's navigation and search base. After the
    build: each language's 404 page and search index (search/search_index.json under its folder)."""

    def __init__(self, langs: languages.Languages, config):
        self.langs = langs
        snippets = (config.mdx_configs or {}).get("pymdownx.snippets")
        self.own = {
            "language": config.theme["language"],
            "site_description": config.site_description,
            "copyright": config.copyright,
            "auto_append": list((snippets or {}).get("auto_append") or []),
        }
        self.site_url = (config.site_url or "/").rstrip("/") + "/"
        self.navs: dict[str, object] = {}
        self.published: set[str] = set()
        self.published_key = b""
        self.shared: dict = {}
        self.unpublished: set[str] = set()  # translated pages written but excluded: links to them fall back
        self._quiet = _QuietFallbackLinks(self.unpublished)
        logging.getLogger("mkdocs.structure.pages").addFilter(self._quiet)

    def close(self) -> None:
        logging.getLogger("mkdocs.structure.pages").removeFilter(self._quiet)

    def of(self, page) -> languages.Language:
        return self.langs.of(page.file.src_uri)

    # --- checks and settings, once a build

    def missing_words(self, config) -> list[str]:
        """Each word a language lacks that the templates or the generator ask for (`languages.word_uses`)."""
        generator = Path(__file__).parent
        paths = [*generator.glob("*.py"), *(generator / "templates").iterdir()]
        if config.theme.custom_dir:
            paths += [p for p in Path(config.theme.custom_dir).rglob("*.html")]
            paths += [p for p in Path(config.theme.custom_dir).glob("assets/js/*.js")]  # not vendor/
        uses = languages.word_uses(paths, self._root(config)) + finder_form.legend_uses()
        return [line for lang in self.langs.others for line in languages.missing_words(lang, uses)]

    def abbreviations(self, config) -> dict[str, dict[str, str]]:
        """Each language's abbreviations, for the data text of its condition and therapy pages."""
        out = {}
        for lang in self.langs.all:
            self.use(config, lang)
            out[lang.code] = safe_markdown.site_abbreviations(config)
        self.use(config, self.langs.default)
        return out

    def note_unpublished(self, files: Files) -> None:
        """The translated pages that mkdocs.yml keeps out of the build (exclude_docs) while their machinery is
        not translated yet: links to them lead to the site's own page, and say so once."""
        self.unpublished.clear()
        self.unpublished.update(
            f.src_uri
            for f in files.documentation_pages(inclusion=lambda i: i.is_excluded())
            if self.langs.of(f.src_uri).translated and files.get_file_from_path(self.langs.site_path(f.src_uri))
        )
        if self.unpublished:
            log.info(
                f"IOP Finder: not published yet, so their links lead to the {self.langs.default.name} pages: "
                + ", ".join(sorted(self.unpublished))
            )

    def make_navs(self, nav, files: Files, config, generated: list[str]) -> None:
        """Each other language's navigation (from the site's own in mkdocs.yml), and the set of pages the site
        publishes, which decides every page's twins."""
        pages = {_page_url(f.url) for f in files.documentation_pages()}
        pages |= {path[: -len("index.html")] for path in generated if path.endswith("/index.html")}
        # Each shell's placeholder stands for its kind's pages: it has a twin in each language that has them.
        folders = {path.rsplit("/", 2)[0] + "/" for path in generated if path.endswith("/index.html")}
        pages |= {
            f"{lang.folder}{kind}s/{shells.SHELL_ID}/"
            for lang in self.langs.all
            for kind in shells.KINDS
            if f"{lang.folder}{kind}s/" in folders
        }
        self.published = pages
        self.published_key = keystore.fingerprint(sorted(pages))  # for what is kept by what it links to
        for lang in self.langs.others:
            try:
                items, titles = languages.nav_in(config["nav"], lang, lambda src: _included(files, src))
            except languages.LanguageError as e:
                raise PluginError(str(e)) from None
            own = config["nav"]
            config["nav"] = items
            try:
                theirs = get_navigation(Files([f for f in files if self.langs.of(f.src_uri) is lang]), config)
            finally:
                config["nav"] = own
            for src, title in titles.items():
                files.get_file_from_path(src).page.title = title
            home = files.get_file_from_path(lang.folder + "index.md")
            theirs.homepage = home.page if home is not None else None
            self.navs[lang.code] = theirs

    # --- each page

    def use(self, config, lang: languages.Language) -> None:
        """Point the engine's settings at `lang` for what it renders next."""
        words = lang.words
        config.theme["language"] = lang.code if lang.translated else self.own["language"]
        config["site_description"] = words("site.description", self.own["site_description"])
        config["copyright"] = words("site.copyright", self.own["copyright"])
        snippets = (config.mdx_configs or {}).get("pymdownx.snippets")
        if snippets is not None and self.own["auto_append"]:
            snippets["auto_append"] = languages.appended(self.own["auto_append"], lang)

    def start(self, shared: dict) -> dict:
        """The templates' `iop` for what has no page of its own (theme shells, 404 pages): the site's own
        language, with a language switch to each other language's home page."""
        self.shared = shared
        return self.words_for(self.langs.default, None)

    def localize(self, context, lang: languages.Language, url: str | None):
        """A template context for a page at `url` (None: no page, like a 404) in `lang`."""
        context["iop"] = self.words_for(lang, url)
        if lang.translated:
            context["nav"] = self.navs[lang.code]
            # Material's search index and storage are scoped by the base URL: the language's folder.
            context["base_url"] = get_relative_url(lang.folder, url) if url is not None else context["base_url"]
        return context

    def words_for(self, lang: languages.Language, url: str | None) -> dict:
        twins = self.langs.twins(url, self.published) if url is not None else {}
        return {
            **self.shared,
            "lang": lang.code,
            "translated": lang.translated,
            "words": lang.words,
            "fill": lang.words.fill,
            "rich": languages.rich,
            "time": lang.time,
            "alternates": languages.alternates(twins, self.langs, self.site_url),
            "switch": languages.switch(lang, twins, self.langs),
            "href": lambda path: lang.folder + path if lang.folder + path in self.published else path,
            "words_script": languages.words_file(lang) if lang.translated else "",
            "source_lang": lambda sid: languages.source_lang(lang, sid, self.langs.default),
        }

    def fall_back(self, html: str, url: str, lang: languages.Language) -> str:
        return languages.fall_back(html, url, lang, self.published)

    def search_label(self, lang: languages.Language) -> str:
        return lang.words("theme.search_dialog", postprocess.SEARCH_LABEL)

    # --- after the build

    def split_search(self, site_dir: Path, lang: languages.Language) -> None:
        """Material's search index of the whole site, split: each language's pages search their own."""
        path = site_dir / "search" / "search_index.json"
        if not path.is_file():
            return
        own, theirs = languages.split_search(json.loads(path.read_text(encoding="utf-8")), lang)
        executor.write_text(site_dir, "search/search_index.json", json.dumps(own, separators=(",", ":")))
        executor.write_text(
            site_dir, f"{lang.folder}search/search_index.json", json.dumps(theirs, separators=(",", ":"))
        )

    @staticmethod
    def _root(config) -> Path:
        return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()


class _QuietFallbackLinks(logging.Filter):
    """MkDocs notes each link to a page kept out of the build; for translated pages not published yet the
    plugin sends those links to the site's own page and says so once (Languages.note_unpublished)."""

    def __init__(self, targets: set[str]):
        super().__init__()
        self.targets = targets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            record.levelno <= logging.INFO
            and "which is excluded from the built site" in message
            and any(f"'{t}'" in message for t in self.targets)
        )


def _page_url(url: str) -> str:
    """MkDocs' page URL as a path from the site root ("./" is the home page: "")."""
    return "" if url in ("./", ".") else url


def _included(files: Files, src_uri: str) -> bool:
    f = files.get_file_from_path(src_uri)
    return f is not None and f.is_documentation_page() and not f.inclusion.is_excluded()


CACHE_LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "pymdown-extensions",
    "markdown",
    "jinja2",
    "markupsafe",
    "pyyaml",
    "zipcodes",
    "lunr",
    "geographiclib",
)


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def cache_folder(site_dir: Path) -> Path:
    """Where a build keeps its cache: beside the site folder, so it survives the swap of the site folders."""
    site = Path(os.path.abspath(site_dir))
    return site.with_name(f".{site.name}.iop-cache")


def _template_base(name: str, config) -> str:
    """The base URL MkDocs gives a theme template (mkdocs.commands.build._build_template)."""
    return urlsplit(config.site_url or "/").path if is_error_template(name) else get_relative_url(".", name)


def disk_error(error: BaseException, scratch: Scratch | Changes | InPlace | None, site_dir: Path | None) -> str | None:
    """One line for a build that could not write the site, or None for other errors (MkDocs reports those).
    Paths are named as they will be in the site folder, not in the scratch folder the build was writing."""
    if isinstance(error, executor.WriteError):
        where, reason = f"{site_dir}/{error.path}" if site_dir else error.path, error.reason
    elif isinstance(error, OSError):
        where, reason = str(error.filename or "the site"), error.strerror or str(error)
        if scratch is not None and site_dir is not None and where.startswith(str(scratch.path)):
            where = str(site_dir) + where[len(str(scratch.path)) :]
    else:
        return None
    after = (
        "the next rebuild makes every file again"
        if scratch is not None and scratch.changes_site  # the site folder was being changed where it is
        else "the previous site is unchanged"
    )
    return (
        f"IOP Finder could not write {where}: {reason} (free some disk space or fix the folder's permissions, "
        f"then build again; {after})"
    )


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
