"""The Content-Security-Policy of every page: scripts from this site only, plus the theme's own inline scripts,
each allowed by its exact hash. An injected inline script, event handler or third-party script does not run.

The hashes come from a probe: the page's template rendered with placeholder content before any data enters it
(the theme shells are such renders; see plugin.py), never from the finished page, whose text the data shapes.
"""

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


def inline_script_hashes(probe_html: str) -> list[str]:
    """sha256 sources for each executable inline script of a probe render (JSON data blocks never execute)."""
    hashes = []
    for m in _INLINE_SCRIPT.finditer(probe_html):
        if _SRC.search(m.group("attrs")) or _DATA_TYPE.search(m.group("attrs")):
            continue
        digest = base64.b64encode(hashlib.sha256(m.group("body").encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def policy(hashes: list[str]) -> str:
    return POLICY.format(hashes="".join(" " + h for h in hashes))


def meta_tag(policy_text: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy_text}">'


def with_policy(html: str, policy_text: str) -> str:
    """The page with its policy as the first thing after <meta charset>, so it covers every later element.

    The theme's <meta charset> opens its <head>, before any text from the data, so the policy always goes in
    there, whatever the page says; only a page that already starts with this very tag is left as it is."""
    tag = meta_tag(policy_text)
    m = _CHARSET.search(html)
    if not m:
        at = html.find("<head>")
        if at < 0:
            raise ValueError("page has no <head> to carry its Content-Security-Policy")
        at += len("<head>")
    else:
        at = m.end()
    if html.startswith(tag, at):
        return html
    return html[:at] + tag + html[at:]


_POLICY_TAG = re.compile(r'<meta http-equiv="Content-Security-Policy" content="(?P<policy>[^"]*)">')


def allow_script(html: str, script_body: str) -> str:
    """The page with one more inline script allowed by its hash, in the first policy it carries (the one in
    its head, which covers the page). A page without a policy is returned as it is."""
    m = _POLICY_TAG.search(html)
    if not m:
        return html
    source = f"'sha256-{base64.b64encode(hashlib.sha256(script_body.encode('utf-8')).digest()).decode('ascii')}'"
    policy_text = m.group("policy").replace("script-src 'self'", f"script-src 'self' {source}", 1)
    return html[: m.start("policy")] + policy_text + html[m.end("policy") :]
