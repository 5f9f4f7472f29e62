"""The MkDocs plugin: wires MkDocs events to the generator's stages and does nothing else.

    on_pre_build:  load -> validate -> geocode -> nearby programs   (stop here, before the site folder is touched,
                   on any error)
    on_files:      list the generated files (program, state, condition, therapy pages, search data, exports)
    on_env:        render the theme once per page kind ("shell"), then write every program and state page (poured
                   into its shell), search file, list-card file and export on all cores, so 20,000 program pages
                   never go through Markdown, the nav or the search index.

Under `mkdocs serve` the plugin keeps a Memory (generator/incremental.py) between rebuilds and rewrites only what
an edit changed.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from pathlib import Path

import markupsafe
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from . import incremental, maps, pages, parallel, postprocess, timing
from .dataset import Dataset, load_dataset
from .problems import summary

log = logging.getLogger("mkdocs.plugins.iop_finder")
FINDER_MARK = "<!-- iop-finder-form -->"
CARD_SHARDS_MARK = "IOP_CARD_SHARDS"  # content/list/index.md: how many card files the list page picks from


class IOPFinderConfig(Config):
    data_dir = c.Type(str, default="data")
    today = c.Optional(c.Type(str))  # fixed "today" (YYYY-MM-DD) for reproducible builds and tests
    nearby_count = c.Type(int, default=5)
    nearby_radius_miles = c.Type(float, default=50.0)


class IOPFinderPlugin(BasePlugin[IOPFinderConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.dataset: Dataset | None = None
        self.site: pages.Site | None = None
        self.nav = None
        self.memory: incremental.Memory | None = None  # kept between `mkdocs serve` rebuilds
        self.outputs_moved = False

    def _root(self, config) -> Path:
        return Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()

    def on_startup(self, *, command, dirty) -> None:
        # Under `mkdocs serve` the first build still uses every core (the server's threads start after it); see
        # on_serve. Rebuilds are incremental instead.
        parallel.enabled = True
        if command == "serve":
            self.memory = incremental.Memory()

    def on_shutdown(self) -> None:
        if self.memory is not None:
            self.memory.close()

    def on_pre_build(self, *, config) -> None:
        self.outputs_moved = False
        root = self._root(config)
        today = dt.date.fromisoformat(self.config.today) if self.config.today else dt.date.today()
        data_dir = root / self.config.data_dir
        with timing.stage("load+validate"):
            ds = load_dataset(
                data_dir,
                root=root,
                today=today,
                all_positions=False,
                item_caches=self.memory.item_caches if self.memory else None,
            )
        for warning in ds.warnings:
            log.warning(str(warning))
        if ds.errors:
            lines = [str(p) for p in ds.errors] + [summary(ds.problems, stopped_build=True)]
            raise PluginError("IOP Finder data has problems:\n" + "\n".join(lines))
        self.dataset = ds
        with timing.stage("nearby+groups"):
            self.site = pages.Site(
                ds,
                config,
                today=today,
                nearby_count=self.config.nearby_count,
                nearby_radius=self.config.nearby_radius_miles,
                memory=self.memory,
            )
        if self.memory is not None:
            self.memory.stash_outputs(Path(config.site_dir))  # MkDocs empties the site folder next
            self.outputs_moved = True
        if self.memory is None:
            # A one-off build: the dataset lives until the end, so keep the collector from rescanning it (and
            # forked workers from copying pages the collector would touch). Not under `serve`, which rebuilds.
            gc.freeze()

    def on_files(self, files, *, config):
        if self.memory is not None:
            self.memory.restore_outputs(Path(config.site_dir))
        return self.site.add_files(files)

    def on_nav(self, nav, *, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        env.globals["iop"] = self.site.template_globals()
        with timing.stage("pages, search files and exports"):
            self.site.render_shells(env, files, self.nav)
            self.site.write_outputs()
        timing.mark("theme files and Markdown pages")
        return env

    def on_page_markdown(self, markdown, *, page, config, files):
        self.site.check_page_meta(page)
        if FINDER_MARK in markdown:
            markdown = markdown.replace(FINDER_MARK, self.site.finder_form())
        if CARD_SHARDS_MARK in markdown:
            markdown = markdown.replace(CARD_SHARDS_MARK, str(self.site.card_shards))
        return markdown

    def on_page_content(self, html, *, page, config, files):
        html = self.site.listing_html(page.file.src_uri, html)
        return maps.with_us_map(html, self.site.by_state, page.url)

    def on_page_context(self, context, *, page, config, nav):
        # The theme prints the description into an attribute unescaped; a quote in it would break the tag.
        if page.meta.get("description"):
            page.meta["description"] = markupsafe.escape(page.meta["description"])
        return context

    def on_post_page(self, output, *, page, config):
        return postprocess.finish(output)

    def on_post_template(self, output_content, *, template_name, config):
        return postprocess.finish(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config) -> None:
        timing.close_mark()
        self.site.extend_sitemap(config.site_dir)
        timing.report()

    def on_build_error(self, *, error) -> None:
        # A data error stops the build in on_pre_build, before anything moves: the last site stays as it was.
        if self.memory is not None and self.outputs_moved:
            self.memory.forget()

    def on_serve(self, server, *, config, builder):
        # From now on the server's watcher threads run beside every rebuild: forking workers then is not worth
        # the risk, and incremental rebuilds have little left to spread over cores anyway.
        parallel.enabled = False
        # Rebuild when program data or vocabularies change, not only Markdown.
        server.watch(str(self._root(config) / self.config.data_dir))
        return server
