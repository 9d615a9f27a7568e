"""Where the Python mirrors come from: packages declared in an entry-point group.

The engine does not know which package mirrors the Go code.  A package that does says so in
its distribution's metadata, in the group :data:`GROUP`; this project's ``pyproject.toml``
declares its own::

    [project.entry-points."k8s_reading_kit.mirrors"]
    reference_impl = "reference_impl.mirrors"

An entry point names a *mirror source*: an object (usually a module) with ``import_all`` and
``registry`` (see :class:`MirrorSource`).  The sources are found through
:mod:`importlib.metadata` at the first call, so nothing in ``annotate`` imports a mirror
package -- the indexer works, and is tested, without one installed -- and a second mirror
package joins by declaring an entry point, not by editing this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Protocol

from annotate.errors import UserError

GROUP = "k8s_reading_kit.mirrors"


class Mirror(Protocol):
    """One ``@mirrors`` declaration, as a mirror source reports it."""

    @property
    def go_symbol(self) -> str: ...  # go/ssa name
    @property
    def python_name(self) -> str: ...  # module.qualname
    @property
    def package(self) -> str: ...  # Go import path of the symbol's package
    @property
    def corpus(self) -> str | None: ...  # locked corpus the package belongs to, if any


class MirrorSource(Protocol):
    """What an entry point of :data:`GROUP` names."""

    def import_all(self, strict: bool = True) -> list[str]:
        """Import every mirror module so its declarations are registered; return the
        modules that failed (``strict``: raise the first failure instead)."""
        ...

    def registry(self) -> Sequence[Mirror]:
        """Every declaration registered so far."""
        ...


class NoMirrors(UserError):
    """No mirror package is installed, or a declared one cannot be loaded."""


def _declared() -> list[EntryPoint]:
    # one per (name, target): a distribution seen twice on the path declares nothing twice
    unique = {(ep.name, ep.value): ep for ep in entry_points(group=GROUP)}
    return [unique[key] for key in sorted(unique)]


def sources() -> list[tuple[str, MirrorSource]]:
    """Every declared mirror source, by entry-point name; a clear error when there is none
    or one cannot be loaded."""
    declared = _declared()
    if not declared:
        raise NoMirrors(
            f"no mirror package is installed: nothing declares the entry-point group {GROUP!r} "
            "(install this repository with `pip install -e .`, or a package that declares "
            "its mirrors there)"
        )
    found = []
    for ep in declared:
        try:
            source = ep.load()
        except ImportError as exc:
            raise NoMirrors(
                f"mirror package {ep.name!r} (entry point {ep.value} in group {GROUP!r}) "
                f"cannot be imported: {exc}"
            ) from exc
        missing = [
            name for name in ("import_all", "registry") if not callable(getattr(source, name, None))
        ]
        if missing:
            raise NoMirrors(
                f"mirror package {ep.name!r}: {ep.value} has no {' or '.join(missing)} "
                f"(entry-point group {GROUP!r} expects both)"
            )
        found.append((ep.name, source))
    return found


def import_all(strict: bool = True) -> list[str]:
    """Import every module of every mirror source; the modules that failed to import
    (``strict``: the first failure propagates -- a check must not pass by skipping one)."""
    failed: list[str] = []
    for _name, source in sources():
        failed += source.import_all(strict=strict)
    return failed


def registry() -> list[Mirror]:
    """Every declaration registered so far, of every mirror source."""
    return [mirror for _name, source in sources() for mirror in source.registry()]
