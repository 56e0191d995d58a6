"""What every example shares: its --out folder, and a heading printer."""

from __future__ import annotations

import argparse
from pathlib import Path


def out_dir(doc: str) -> Path:
    """Parse ``--out DIR`` (the folder the example writes its figures into) and create it."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--out", default="out/examples", metavar="DIR",
                        help="folder for the figures (default: out/examples)")
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def heading(text: str) -> None:
    print(f"\n== {text}")
