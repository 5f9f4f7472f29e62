"""`python -m generator validate|schema|report|import-samhsa` — the maintainer's commands."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import yaml

from . import report, samhsa, schema
from .dataset import display_path, load_dataset
from .load import data_files
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
    print(
        f"OK: {len(ds.programs)} programs, {len(ds.conditions)} conditions, {len(ds.therapies)} therapies, "
        f"{len(ds.sources)} sources checked; {len(ds.warnings)} warnings."
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    root = _root()
    for path in schema.write_all(root):
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, got {text!r}") from None


def cmd_report(args: argparse.Namespace) -> int:
    root = _root()
    data_dir = Path(args.data) if args.data else root / "data"
    today = args.today or dt.date.today()
    ds = load_dataset(data_dir, root=Path.cwd(), today=today)
    if ds.errors:
        for problem in ds.problems:
            print(problem)
        print(summary(ds.problems) + " Fix them (python -m generator validate) before reading the report.")
        return 1
    found = report.build_report(ds.programs, today=today, max_age_months=args.max_age_months)
    render = report.render_markdown if args.format == "markdown" else report.render_text
    sys.stdout.write(render(found))
    return 0


def _ids_elsewhere(data_dir: Path, out: Path) -> set[str]:
    """Program ids in the other program files, so an import never reuses one."""
    ids = set()
    for path in data_files(data_dir, "programs"):
        if path.resolve() == out.resolve():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # validation reports broken files; the import only avoids ids it can read
        for program in (data.get("programs") or []) if isinstance(data, dict) else []:
            if isinstance(program, dict) and isinstance(program.get("id"), str):
                ids.add(program["id"])
                ids.update(str(i) for i in program.get("former_ids") or [])
    return ids


def cmd_import_samhsa(args: argparse.Namespace) -> int:
    root = _root()
    data_dir = Path(args.data) if args.data else root / "data"
    source = Path(args.file)
    try:
        rows = samhsa.read_rows(source)
    except (OSError, ValueError) as exc:
        print(f"{source.as_posix()}:1:1: cannot read locator rows: {exc}", file=sys.stderr)
        return 1
    if args.out:
        out = Path(args.out)
    else:
        states = {str(r.get("state", "")).strip().lower() for r in rows if samhsa.offers_iop(r)}
        if len(states) != 1:
            print(
                f"{source.as_posix()}: rows come from {len(states)} states; choose the file with --out", file=sys.stderr
            )
            return 1
        out = data_dir / "programs" / f"samhsa-{states.pop()}.yaml"
    try:
        existing = samhsa.load_existing(out)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"{out.as_posix()}:1:1: cannot merge into this file: {exc}", file=sys.stderr)
        return 1
    result = samhsa.import_rows(
        rows,
        as_of=args.as_of,
        existing=existing,
        taken_ids=_ids_elsewhere(data_dir, out),
        source_name=source.as_posix(),
    )
    for message in result.messages:
        print(message, file=sys.stderr)
    if args.verbose:
        for row in result.not_iop:
            print(f"{source.as_posix()}: frid {row}: no intensive outpatient treatment: skipped", file=sys.stderr)
    schema_ref = Path(os.path.relpath(root / schema.SCHEMA_DIR / "programs.schema.json", out.resolve().parent))
    text = samhsa.render_yaml(result.records, schema_ref.as_posix())
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.is_file() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    print(result.summary())
    print(f"wrote {display_path(out, Path.cwd())}")
    ds = load_dataset(data_dir, root=Path.cwd(), today=args.today or dt.date.today(), program_files=[out])
    for problem in ds.problems:
        print(problem)
    if ds.errors:
        print(summary(ds.problems))
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="IOP Finder maintainer tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check program data and print every problem as file:line:column")
    p.add_argument("paths", nargs="*", help="program YAML files (default: data/programs.yaml and data/programs/)")
    p.add_argument("--data", help="data folder holding the vocabularies (default: data/)")
    p.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="github prints workflow annotations that show on pull-request lines",
    )
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("schema", help="regenerate schema/*.schema.json from generator/model.py")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("report", help="list stale programs, missing recommended fields and likely duplicates")
    p.add_argument("--data", help="data folder (default: data/)")
    p.add_argument(
        "--max-age-months",
        type=int,
        default=report.DEFAULT_MAX_AGE_MONTHS,
        help="programs verified longer ago than this are stale (default: 12)",
    )
    p.add_argument("--today", type=_date, help="the date to measure age from, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--format",
        choices=["text", "markdown"],
        default="text",
        help="markdown suits an issue or a pull-request comment",
    )
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("import-samhsa", help="turn SAMHSA treatment locator rows into program YAML (merges on re-run)")
    p.add_argument("file", help="JSON file of locator rows (a list, or an API page with a rows list)")
    p.add_argument(
        "--as-of",
        type=_date,
        required=True,
        help="date the locator data was retrieved, YYYY-MM-DD; becomes last_verified",
    )
    p.add_argument("--out", help="program file to write or merge into (default: data/programs/samhsa-<state>.yaml)")
    p.add_argument("--data", help="data folder holding the vocabularies (default: data/)")
    p.add_argument("--today", type=_date, help="date for checking the result, YYYY-MM-DD (does not change the output)")
    p.add_argument(
        "--verbose", action="store_true", help="also list each row skipped for having no intensive outpatient care"
    )
    p.set_defaults(func=cmd_import_samhsa)
    args = parser.parse_args(argv)
    return args.func(args)
