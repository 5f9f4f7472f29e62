"""`python -m generator validate|schema|report|import-samhsa` — the maintainer's commands."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import geo, imports, report, samhsa, schema
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


def cmd_zip_table(args: argparse.Namespace) -> int:
    table = geo.zip_table_from_package()
    text = geo.zip_file_text(table)
    if geo.ZIP_FILE.is_file() and geo.ZIP_FILE.read_text(encoding="utf-8") == text:
        print(f"{geo.ZIP_FILE.name} is unchanged")
        return 0
    geo.ZIP_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {geo.ZIP_FILE.name}: {len(table):,} ZIP codes")
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
    found = report.build_report(ds.programs, today=today, max_age_months=args.max_age_months, conditions=ds.conditions)
    sys.stdout.write(REPORT_FORMATS[args.format](found))
    if args.call_list == "-":
        sys.stdout.write(report.render_call_list(found))
    elif args.call_list:
        target = Path(args.call_list)
        try:
            target.write_text(report.render_call_list(found), encoding="utf-8", newline="")
        except OSError as exc:
            print(f"{target.as_posix()}: cannot write the call list: {exc.strerror} (check the folder exists)")
            return 1
        print(f"wrote {target.as_posix()}: {len(found.calls)} programs to call, oldest verification first")
    return 0


REPORT_FORMATS = {
    "text": report.render_text,
    "markdown": report.render_markdown,
    "csv": report.render_csv,
    "github": report.render_github,
}


def cmd_import_samhsa(args: argparse.Namespace) -> int:
    root = _root()
    data_dir = Path(args.data) if args.data else root / "data"
    source = Path(args.file)
    try:
        rows = samhsa.read_rows(source)
    except samhsa.RowsError as exc:
        print(f"{source.as_posix()}:{exc.line}:{exc.column}: cannot read locator rows: {exc.message}", file=sys.stderr)
        return 1
    try:
        done = samhsa.import_files(
            rows,
            data_dir=data_dir,
            root=Path.cwd(),
            schema=root / schema.SCHEMA_DIR / "programs.schema.json",
            as_of=args.as_of,
            today=args.today or dt.date.today(),
            source_name=source.as_posix(),
        )
    except imports.ImportRefused as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 1
    for message in done.result.messages:
        print(message, file=sys.stderr)
    if args.verbose:
        for row in done.result.not_iop:
            print(f"{source.as_posix()}: frid {row}: no intensive outpatient treatment: skipped", file=sys.stderr)
    print(done.result.summary())
    for shown in done.written:
        print(f"wrote {shown}")
    for shown in done.unchanged:
        print(f"{shown} is unchanged")
    for warning in done.warnings:
        print(warning)
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
    p = sub.add_parser(
        "zip-table", help="rewrite generator/data/zips.tsv from the installed zipcodes package (after upgrading it)"
    )
    p.set_defaults(func=cmd_zip_table)
    p = sub.add_parser(
        "report",
        help="list stale programs, missing recommended fields, likely duplicates and inconsistencies; "
        "write the call list",
    )
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
        choices=["text", "markdown", "csv", "github"],
        default="text",
        help="markdown suits an issue or a pull-request comment; csv a spreadsheet; github prints workflow "
        "annotations that show on pull-request lines",
    )
    p.add_argument(
        "--call-list",
        metavar="FILE",
        help="also write the re-verification call list (CSV: id, name, phone, last verified, what to confirm; "
        "oldest first) to FILE, or - for standard output",
    )
    p.set_defaults(func=cmd_report)
    p = sub.add_parser(
        "import-samhsa",
        help="turn SAMHSA treatment locator rows into data/programs/samhsa-<state>.yaml (merges on re-run)",
    )
    p.add_argument("file", help="JSON file of locator rows (a list, or an API page with a rows list)")
    p.add_argument(
        "--as-of",
        type=_date,
        required=True,
        help="date the locator data was retrieved, YYYY-MM-DD; becomes last_verified",
    )
    p.add_argument("--data", help="data folder holding the vocabularies (default: data/)")
    p.add_argument("--today", type=_date, help="date for checking the result, YYYY-MM-DD (does not change the output)")
    p.add_argument(
        "--verbose", action="store_true", help="also list each row skipped for having no intensive outpatient care"
    )
    p.set_defaults(func=cmd_import_samhsa)
    args = parser.parse_args(argv)
    return args.func(args)
