"""Build constraints: which Go files `go build` would compile for a target platform.

Go decides per file from two sources, and we mirror both so the index holds
the same files the compiler (and ``callgraph``) sees:

* the file name: ``*_test.go``, ``*_GOOS.go``, ``*_GOARCH.go``, ``*_GOOS_GOARCH.go``;
* ``//go:build`` expressions, or else ``// +build`` lines, in the header
  (before the package clause, each followed by a blank line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The GOOS/GOARCH lists of go1.10..go1.19 (go/build/syslist.go); a suffix that
# is not one of these is an ordinary part of the file name.
KNOWN_OS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "zos",
    ]
)
KNOWN_ARCH = frozenset(
    [
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    ]
)
UNIX = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    ]
)


@dataclass(frozen=True)
class Platform:
    """A build target: GOOS/GOARCH, whether tests count, and extra build tags."""

    goos: str = "linux"
    goarch: str = "amd64"
    tests: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)
    cgo: bool = True  # `go build` on a native linux/amd64 host has cgo enabled

    def satisfied(self, tag: str) -> bool:
        if tag in (self.goos, self.goarch, "gc") or tag in self.tags:
            return True
        if tag == "cgo":
            return self.cgo
        if tag == "unix":
            return self.goos in UNIX
        if tag == "android":
            return self.goos == "android"
        if tag == "linux" and self.goos == "android":
            return True
        # release tags go1.1 .. go1.19: our toolchain is go1.19.
        m = re.fullmatch(r"go1\.(\d+)", tag)
        return bool(m and int(m.group(1)) <= 19)

    @property
    def key(self) -> str:
        """A short, stable description (stored with the index)."""
        extra = ",".join(sorted(self.tags))
        return (
            f"{self.goos}/{self.goarch}"
            + ("+tests" if self.tests else "")
            + (f"+tags:{extra}" if extra else "")
        )


def parse_platform(text: str, tests: bool = False, tags: str = "") -> Platform:
    goos, sep, goarch = text.partition("/")
    if not sep or not goos or not goarch:
        raise ValueError(f"platform must be GOOS/GOARCH, got {text!r}")
    tagset = frozenset(t for t in re.split(r"[,\s]+", tags) if t)
    return Platform(goos=goos, goarch=goarch, tests=tests, tags=tagset)


def name_exclusion(path: str, platform: Platform) -> str | None:
    """Why the file name alone excludes the file, or None."""
    name = path.rsplit("/", 1)[-1]
    if not name.endswith(".go"):
        return "not a .go file"
    if name.startswith(("_", ".")):
        return "name starts with _ or . (ignored by go build)"
    stem = name[:-3]
    if stem.endswith("_test"):
        if not platform.tests:
            return "test file (_test.go)"
        stem = stem[: -len("_test")]
    parts = stem.split("_")
    # Go looks at the last one or two underscore-separated elements, never the first.
    if len(parts) >= 3 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
        if not (platform.satisfied(parts[-2]) and platform.satisfied(parts[-1])):
            return f"file name suffix _{parts[-2]}_{parts[-1]}"
        return None
    if len(parts) >= 2:
        last = parts[-1]
        if (last in KNOWN_OS or last in KNOWN_ARCH) and not platform.satisfied(last):
            return f"file name suffix _{last}"
    return None


_GO_BUILD = re.compile(rb"^//go:build\s+(.*)$")
_PLUS_BUILD = re.compile(rb"^//\s*\+build\s+(.*)$")


def header_constraints(source: bytes) -> tuple[str | None, list[str]]:
    """The ``//go:build`` expression and ``// +build`` lines of the file header.

    Only comments before the package clause count, and ``// +build`` lines only
    when a blank line follows their comment block (go/build's rule); we accept
    the looser "before the package clause", which all real trees satisfy.
    """
    go_build: str | None = None
    plus: list[str] = []
    in_block = False
    for raw in source[:65536].splitlines():
        line = raw.strip()
        if in_block:
            if b"*/" in line:
                in_block = False
            continue
        if not line:
            continue
        if line.startswith(b"/*"):
            in_block = b"*/" not in line
            continue
        if not line.startswith(b"//"):
            break  # the package clause (or anything else) ends the header
        if m := _GO_BUILD.match(line):
            go_build = m.group(1).decode("utf-8", "replace").strip()
        elif m := _PLUS_BUILD.match(line):
            plus.append(m.group(1).decode("utf-8", "replace").strip())
    return go_build, plus


def _eval_plus_line(line: str, platform: Platform) -> bool:
    # A line is an OR of space-separated options; an option is an AND of
    # comma-separated terms; a term may be negated with "!".
    for option in line.split():
        terms = option.split(",")
        if all(
            (not platform.satisfied(t[1:])) if t.startswith("!") else platform.satisfied(t)
            for t in terms
            if t
        ):
            return True
    return False


_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)")


def eval_go_build(expr: str, platform: Platform) -> bool:
    """Evaluate a ``//go:build`` boolean expression (||, &&, !, parentheses)."""
    tokens = _TOKEN.findall(expr)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"unexpected end of //go:build expression {expr!r}")
        pos += 1
        return tokens[pos - 1]

    def or_expr() -> bool:
        value = and_expr()
        while peek() == "||":
            take()
            value = and_expr() or value
        return value

    def and_expr() -> bool:
        value = unary()
        while peek() == "&&":
            take()
            value = unary() and value
        return value

    def unary() -> bool:
        tok = take()
        if tok == "!":
            return not unary()
        if tok == "(":
            value = or_expr()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses in //go:build {expr!r}")
            return value
        return platform.satisfied(tok)

    value = or_expr()
    if pos != len(tokens):
        raise ValueError(f"trailing tokens in //go:build {expr!r}")
    return value


def exclusion_reason(path: str, source: bytes, platform: Platform) -> str | None:
    """Why ``go build`` for ``platform`` would not compile this file, or None."""
    if reason := name_exclusion(path, platform):
        return reason
    go_build, plus = header_constraints(source)
    if go_build is not None:
        try:
            if not eval_go_build(go_build, platform):
                return f"//go:build {go_build}"
        except ValueError as exc:
            return f"invalid build constraint: {exc}"
        return None
    for line in plus:
        if not _eval_plus_line(line, platform):
            return f"// +build {line}"
    return None
