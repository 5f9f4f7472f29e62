"""A Content-Security-Policy meta tag for every page: scripts only from this site, plus the theme's few inline
scripts allowed by their exact hash. An injected inline script or a third-party script tag would not run."""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_DATA_TYPE = re.compile(r"""\stype\s*=\s*["']?application/(?:ld\+)?json""", re.I)
_CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?>", re.I)

POLICY = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def inline_script_hashes(html: str) -> list[str]:
    """sha256 sources for each executable inline script (JSON data blocks are never executed)."""
    hashes = []
    for m in _INLINE_SCRIPT.finditer(html):
        if _SRC.search(m.group("attrs")) or _DATA_TYPE.search(m.group("attrs")):
            continue
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy_for(html: str) -> str:
    hashes = inline_script_hashes(html)
    return POLICY.format(hashes="".join(" " + h for h in hashes))


def with_csp(html: str) -> str:
    """The page with its policy as the first thing after <meta charset>, so it covers every later element."""
    if 'http-equiv="Content-Security-Policy"' in html:
        return html
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html)}">'
    m = _CHARSET.search(html)
    if not m:
        return html.replace("<head>", "<head>" + tag, 1)
    return html[: m.end()] + tag + html[m.end() :]
