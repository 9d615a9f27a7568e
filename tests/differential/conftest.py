"""Fixtures for the differential tests: the built Go harness, or a skip with the reason."""

from __future__ import annotations

import pytest

from differential import gorunner, pyrunner


@pytest.fixture(scope="session")
def go_harness() -> gorunner.GoHarness:
    """The real release-1.10 eviction package with our harness, built once per session."""
    reason = gorunner.unavailable_reason()
    if reason:
        pytest.skip(f"differential: Go side unavailable — {reason}")
    try:
        return gorunner.build_harness()
    except gorunner.GoRunError as exc:  # a broken toolchain is a failure, not a skip
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def python_mirror() -> None:
    reason = pyrunner.unavailable_reason()
    if reason:
        pytest.skip(f"differential: Python mirror unavailable — {reason}")
