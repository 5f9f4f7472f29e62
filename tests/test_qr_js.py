"""The browser's QR codes (overrides/assets/js/qr.js, for the printed referral list) are the build's
(generator/qr.py): same version, same modules, at every length up to a long list's link; and they scan."""

from __future__ import annotations

import json
import random
import shutil
import string
import subprocess

from conftest import ROOT
from quality.tools import missing_tool

from generator import qr

QR_JS = ROOT / "overrides" / "assets" / "js" / "qr.js"
RUNNER = """
const vm = require("vm"), fs = require("fs");
const sandbox = { window: {}, TextEncoder };
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
const Q = sandbox.window.IOPQR, calls = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(calls.map(([name, args]) => Q[name](...args))));
"""
URL_CHARS = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%"


def run_js(calls: list[tuple[str, list]]) -> list:
    node = shutil.which("node")
    if node is None:
        missing_tool("Node.js not found (apt-get install nodejs)")
    result = subprocess.run(
        [node, "-e", RUNNER, str(QR_JS)], input=json.dumps(calls), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def texts() -> list[str]:
    rng = random.Random(15)
    out = ["https://iop-finder.example.org/list/#ids=harbor-light-richmond,riverbend-teen-richmond&from=23220"]
    # Every version's edge: the longest text that fits each of versions 1 to 40 at level M, and one byte more.
    for version in range(1, 41):
        capacity = (qr.consts.SYMBOL_CAPACITY[version][qr.ERROR] - 4 - (8 if version < 10 else 16)) // 8
        for n in (capacity, capacity + 1):
            if n <= 2331:
                out.append("".join(rng.choice(URL_CHARS) for _ in range(n)))
    return out


def test_the_tables_are_the_standards():
    """Data capacity of every version at level M, from qr.js's block tables, equals segno's."""
    got = run_js([("dataCodewords", [v]) for v in range(1, 41)])
    assert [8 * n for n in got] == [qr.consts.SYMBOL_CAPACITY[v][qr.ERROR] for v in range(1, 41)]


def test_every_version_gives_the_same_modules_as_the_build():
    cases = texts()
    got = run_js([("matrix", [t]) for t in cases])
    for text, rows in zip(cases, got):
        want = [list(r) for r in qr.matrix(text)]
        assert len(rows) == len(want), (len(text), len(rows), len(want))
        assert rows == want, f"{len(text)} bytes: modules differ"


def test_browser_codes_scan_back_to_their_text():
    import zxingcpp
    from test_referral import _qr_image

    cases = [t for t in texts() if len(t) <= 1200][::3]
    for text, rows in zip(cases, run_js([("matrix", [t]) for t in cases])):
        decoded = zxingcpp.read_barcodes(_qr_image([bytes(r) for r in rows]))
        assert [d.text for d in decoded] == [text], len(text)


def test_the_comparison_bites():
    """A code for other text is not the build's code for this one."""
    a, b = run_js([("matrix", ["https://example.org/a"]), ("matrix", ["https://example.org/b"])])
    assert a != b and a == [list(r) for r in qr.matrix("https://example.org/a")]
