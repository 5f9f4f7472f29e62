"""`python -m generator validate|schema` — the maintainer's commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import schema
from .dataset import load_dataset
from .problems import summary


def _root() -> Path:
    """The project folder: the nearest parent of the working directory holding mkdocs.yml."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return here


def cmd_validate(args: argparse.Namespace) -> int:
    root = _root()
    data_dir = Path(args.data) if args.data else root / "data"
    files = [Path(p) for p in args.paths] or None
    if files:
        missing = [p for p in files if not p.is_file()]
        for p in missing:
            print(f"{p}:1:1: file not found (check the path)")
        if missing:
            return 1
    ds = load_dataset(data_dir, root=Path.cwd(), program_files=files)
    for problem in ds.problems:
        print(problem.github() if args.format == "github" else str(problem))
    if ds.errors:
        print(summary(ds.problems), file=sys.stderr if args.format == "github" else sys.stdout)
        return 1
    print(f"OK: {len(ds.programs)} programs, {len(ds.conditions)} conditions, {len(ds.therapies)} therapies, "
          f"{len(ds.sources)} sources checked; {len(ds.warnings)} warnings.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    root = _root()
    for path in schema.write_all(root):
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="IOP Finder maintainer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check program data and print every problem as file:line:column")
    p.add_argument("paths", nargs="*", help="program YAML files (default: data/programs.yaml and data/programs/)")
    p.add_argument("--data", help="data folder holding the vocabularies (default: data/)")
    p.add_argument("--format", choices=["text", "github"], default="text",
                   help="github prints workflow annotations that show on pull-request lines")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("schema", help="regenerate schema/*.schema.json from generator/model.py")
    p.set_defaults(func=cmd_schema)
    args = parser.parse_args(argv)
    return args.func(args)
