"""The committed callgraph data must be reproducible from the fixture source."""

from __future__ import annotations

import pytest

from annotate.index import callgraph
from tests.indexer.conftest import EXPECTED, FIXTURE, MODULE


@pytest.mark.golang
@pytest.mark.parametrize("algo", callgraph.ALGORITHMS)
def test_committed_edges_match_a_fresh_callgraph_run(algo: str) -> None:
    fresh = callgraph.source_edges(callgraph.run(FIXTURE, algo), MODULE)
    assert fresh == callgraph.read_tsv(EXPECTED / f"{algo}.tsv"), (
        "regenerate with tests/indexer/regen_expected.py"
    )
