"""The `edusearch` command."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .parse import parse_path
from .reader import Unreadable


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        parsed = parse_path(path)
    except Unreadable as e:
        print(f"edusearch: skipped {path}: {e}", file=sys.stderr)
        return 1
    for w in parsed.warnings:
        print(f"edusearch: {path}: {w}", file=sys.stderr)
    if args.json:
        json.dump(parsed.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{parsed.source}: {len(parsed.reports)} report(s)")
    for r in parsed.reports:
        year = r.year if r.year is not None else "年份不详"
        print(f"\n[{r.doc_id}] {r.title}  ({year} · {r.doc_type} · {r.region or '-'} · {r.issuer or '-'})")
        for s in r.sections:
            label = s.heading or "（开头）"
            print(f"  {'  ' * s.level}{s.section_id:<10} {label}  [{len(s.text)} 字]")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edusearch", description="Search Chinese education policy reports by section.")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("parse", help="show how a file is understood: reports, metadata, sections")
    sp.add_argument("file")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.set_defaults(func=cmd_parse)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
