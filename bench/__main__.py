"""`python -m bench [--smoke]`: benchmarks of the NLU, the bot end to end, growth, Telegram limits,
and the same assistant on Rasa's own stack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.run import FULL, PARTS, SMOKE, Options, main


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the harness")
    parser.add_argument("--results", type=Path, default=Path("bench/results"), help="folder for *.json")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder for benchmarks.md")
    parser.add_argument("--rasa-url", help="use this running Rasa server for our NLU instead of starting one")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    parser.add_argument(
        "--report-only", action="store_true", help="only rewrite benchmarks.md from the results folder"
    )
    arguments = parser.parse_args(argv)
    parts = tuple(part.strip() for part in arguments.parts.split(",") if part.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {sorted(unknown)}")
    return Options(
        report_only=arguments.report_only,
        sizes=SMOKE if arguments.smoke else FULL,
        results=arguments.results,
        docs=arguments.docs,
        rasa_url=arguments.rasa_url,
        parts=parts,
        keep=arguments.keep,
    )


if __name__ == "__main__":
    sys.exit(main(parse(sys.argv[1:])))
