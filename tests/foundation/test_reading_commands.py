"""`annotate mirrors` and `annotate notes` against the pinned corpora."""

from __future__ import annotations

import argparse

import pytest

from annotate.commands import reading
from reference_impl import mirrors as mirrors_module

pytestmark = pytest.mark.corpus


def test_every_mirror_names_an_existing_go_symbol(kubernetes_corpus, etcd_operator_corpus, capsys):
    assert (
        reading.cmd_mirrors(argparse.Namespace(verbose=False, json=False, cache=None, lock=None))
        == 0
    )
    out = capsys.readouterr().out
    assert " 0 missing" in out


def test_a_mirror_of_a_symbol_that_does_not_exist_fails(kubernetes_corpus, capsys):
    @mirrors_module.mirrors("k8s.io/kubernetes/pkg/kubelet/eviction.noSuchHelper")
    def no_such_helper() -> None:
        """A declaration with a typo in its Go name."""

    try:
        assert (
            reading.cmd_mirrors(
                argparse.Namespace(verbose=False, json=False, cache=None, lock=None)
            )
            == 1
        )
        out = capsys.readouterr().out
        assert "eviction.noSuchHelper" in out and " 1 missing" in out
    finally:
        mirrors_module._REGISTRY[:] = [
            m for m in mirrors_module._REGISTRY if not m.go_symbol.endswith("noSuchHelper")
        ]


def test_notes_have_no_drift(kubernetes_corpus, etcd_operator_corpus, capsys):
    assert (
        reading.cmd_notes(
            argparse.Namespace(notes=None, verbose=False, json=False, cache=None, lock=None)
        )
        == 0
    )
    assert " 0 drifted" in capsys.readouterr().out
