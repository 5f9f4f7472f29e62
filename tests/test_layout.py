"""The generator's layout shows its stages: README.md's module map assigns every module to one stage, and no module
imports a module of a later stage."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

GENERATOR = ROOT / "generator"
ENTRY_POINTS = {"__init__", "__main__"}  # the package itself; `python -m generator` runs cli
STAGE = re.compile(r"^(?P<stage>[a-z][a-z /]*): ")
MODULE = re.compile(r"^  (?P<module>\w+)\.py ")


def module_map() -> list[tuple[str, list[str]]]:
    """[(stage, [modules])] in README order, from the code block after "## How it fits together"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    stages: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if m := STAGE.match(line):
                stages.append((m["stage"], []))
            elif (m := MODULE.match(line)) and stages:
                stages[-1][1].append(m["module"])
    return stages


def generator_imports(path) -> set[str]:
    """The generator modules a module imports (`from . import x`, `from .x import y`, `import generator.x`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            parts = node.module.split(".")
            found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")}
    return found


def test_the_map_names_every_module_once_in_the_expected_stages():
    stages = module_map()
    assert [name for name, _ in stages] == ["data", "finder", "referral", "open data", "site", "build/engine"]
    listed = [m for _, modules in stages for m in modules]
    assert len(listed) == len(set(listed)), "a module is listed twice"
    present = {p.stem for p in GENERATOR.glob("*.py")} - ENTRY_POINTS
    assert set(listed) == present, (
        f"add to README.md: {sorted(present - set(listed))}; gone: {sorted(set(listed) - present)}"
    )


def test_no_module_imports_a_later_stage():
    rank = {m: i for i, (_, modules) in enumerate(module_map()) for m in modules}
    stage = {m: name for name, modules in module_map() for m in modules}
    wrong = [
        f"{module} ({stage[module]}) imports {other} ({stage[other]})"
        for module in rank
        for other in sorted(generator_imports(GENERATOR / f"{module}.py"))
        if other in rank and rank[other] > rank[module]
    ]
    assert wrong == []


def test_the_import_check_sees_every_form_of_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from . import plan, views\nfrom .executor import execute\nimport generator.publish\nimport os\n")
    assert generator_imports(probe) == {"plan", "views", "executor", "publish"}
