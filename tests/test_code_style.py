"""Code style gates: ruff (lint and format) for Python, ESLint for the site's own scripts. Each gate is also shown
to bite on a small broken file, so a misconfigured linter cannot pass silently."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from quality.tools import missing_tool

ROOT = Path(__file__).resolve().parents[1]
ESLINT = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"


def _ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True)


def _eslint(*args: str) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not ESLINT.is_file():
        missing_tool("ESLint not found: run `npm ci` at the project root")
    return subprocess.run([node, str(ESLINT), "--no-warn-ignored", *args], cwd=ROOT, capture_output=True, text=True)


def test_python_passes_ruff_lint_and_format():
    lint = _ruff("check", "--output-format", "concise", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _ruff("format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_ruff_catches_an_unused_import(tmp_path):
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bad.py").write_text("import os\n", encoding="utf-8")
    lint = _ruff("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert lint.returncode == 1 and "bad.py:1:8: F401" in lint.stdout


def test_site_scripts_pass_eslint():
    result = _eslint("overrides/assets/js")
    assert result.returncode == 0, result.stdout + result.stderr


def test_eslint_catches_a_global_leak_and_a_loose_comparison():
    bad = ROOT / "overrides" / "assets" / "js" / "eslint-probe.js"
    bad.write_text("function leak() { if (window.x == 1) { undeclared = 2; } }\n", encoding="utf-8")
    try:
        result = _eslint(str(bad.relative_to(ROOT)))
    finally:
        bad.unlink()
    assert result.returncode == 1
    for rule in ("eqeqeq", "no-undef", "no-implicit-globals"):
        assert rule in result.stdout, result.stdout


@pytest.mark.parametrize("name", ["eslint.config.mjs", "package-lock.json"])
def test_lint_configuration_is_committed(name):
    assert (ROOT / name).is_file()
