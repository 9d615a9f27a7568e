"""The Python names the operator annotations point readers to exist.

Annotations are anchored to Go symbols (checked by ``annotate notes``); their prose also names
the Python mirror to read beside the Go, and that name must survive refactors of the mirror.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotate" / "data" / "annotations" / "operator"
NAME = re.compile(r"`(reference_impl\.operator\.[\w.]+)`")


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


NAMES = sorted({m for p in ANNOTATIONS.glob("*.md") for m in NAME.findall(p.read_text())})


def test_annotations_name_python_mirrors() -> None:
    assert len(NAMES) >= 10


@pytest.mark.parametrize("dotted", NAMES)
def test_named_mirror_exists(dotted: str) -> None:
    assert _resolve(dotted) is not None
