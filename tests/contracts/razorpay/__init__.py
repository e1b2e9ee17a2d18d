"""Razorpay's own published material, kept as data, and the tests that hold the sandbox and
the site to it. `documented/` holds one JSON document per file; lines starting with `//` at
the top say where it comes from and are not part of the document."""

import json
from pathlib import Path

DOCUMENTED = Path(__file__).with_name("documented")


def documented_text(name: str) -> str:
    """The document as Razorpay publishes it (pretty-printed), without our source lines."""
    lines = (DOCUMENTED / name).read_text().splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("//"))


def documented(name: str):
    return json.loads(documented_text(name))
