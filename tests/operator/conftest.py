"""Fixtures for the operator tests: a fake world with an operator running in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reference_impl.operator.api.cluster import EtcdCluster
from reference_impl.operator.fake import FakeWorld
from reference_impl.operator.harness import Operator


def new_cluster(name: str, size: int, version: str = "3.2.13", **spec: Any) -> EtcdCluster:
    """e2eutil.NewCluster: an EtcdCluster of ``size`` (a fixed name instead of GenerateName)."""
    return EtcdCluster.from_dict(
        {"metadata": {"name": name}, "spec": {"size": size, "version": version, **spec}}
    )


@pytest.fixture
def world() -> Iterator[FakeWorld]:
    w = FakeWorld(seed=1)
    yield w
    w.close()


@pytest.fixture
def op(world: FakeWorld) -> Operator:
    return Operator(world)
