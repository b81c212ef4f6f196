"""Instructor commands (run from ``assignments/``): ``python -m grading <command> ...``

``sandbox``                      can this machine run the grading sandbox? (exit 1 if not)
``roster ASSIGNMENT [--json]``   every student: graded / failed / missing, and why (exit 1 when
                                 anyone failed)
``key ASSIGNMENT STUDENT``       the per-student answer key (e.g. the mystery patient of 02)
``references ASSIGNMENT``        recompute the stored references (generate_assignment does this)
"""

from __future__ import annotations

import argparse
import json
import sys

from . import plain, roster, sandbox, spec
from .preprocessors import run_judge


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("sandbox")
    r = sub.add_parser("roster")
    r.add_argument("assignment")
    r.add_argument("--json", action="store_true")
    k = sub.add_parser("key")
    k.add_argument("assignment")
    k.add_argument("student")
    f = sub.add_parser("references")
    f.add_argument("assignment")
    args = parser.parse_args(argv)
    root = spec.COURSE_ROOT

    if args.command == "sandbox":
        ok, why = sandbox.status()
        print(why if ok else sandbox.refusal(why))
        return 0 if ok else 1
    if args.command == "roster":
        rows = roster.roster(root, args.assignment)
        print(json.dumps(rows, indent=1) if args.json else roster.format_roster(rows, args.assignment))
        return 1 if any(r["state"] == "failed" for r in rows) else 0
    if args.command == "key":
        reply = run_judge("key", {"root": str(root), "assignment": args.assignment,
                                  "student": args.student})
        refs = plain.decode(reply["references"])
        print(f"Answer key of {args.assignment} for '{args.student}':")
        for name, val in refs.items():
            print(f"  {name:<28} {val}")
        return 0
    if args.command == "references":
        print(run_judge("references", {"root": str(root), "assignment": args.assignment})["path"])
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
