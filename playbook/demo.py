"""Demo data for `seed_demo`: the sample handbook (importing it again changes nothing)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from playbook.importer import import_text

SAMPLE_HANDBOOK = Path(__file__).parent / "data" / "sample_handbook.txt"


def seed(people: SimpleNamespace) -> None:
    import_text(SAMPLE_HANDBOOK.read_bytes())
