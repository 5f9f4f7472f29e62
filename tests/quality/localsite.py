"""A built site over local HTTP, and the system Chromium: shared by the tests and the benchmark (no pytest here)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import threading
from pathlib import Path


def chromium_path() -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); Playwright never downloads a browser here."""
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".map")


@contextlib.contextmanager
def serve(directory: Path, compress: bool = False):
    """Serve a folder as a static host would, on a free loopback port; yields the origin.

    With `compress`, text files go out gzip-encoded to clients that accept it, with a day of caching, as
    GitHub Pages, Netlify and most static hosts send them (Lighthouse judges the page as deployed)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            if not compress or "gzip" not in self.headers.get("Accept-Encoding", ""):
                return super().send_head()
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                if not self.path.split("?", 1)[0].endswith("/"):
                    return super().send_head()  # the redirect to the folder's URL
                path = path / "index.html"
            if path.suffix not in COMPRESSIBLE or not path.is_file():
                return super().send_head()
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=86400")
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return io.BytesIO(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
