from __future__ import annotations

import pytest

from annotate.parse.buildctx import Platform, eval_go_build, exclusion_reason, parse_platform

LINUX = Platform()
WINDOWS = Platform(goos="windows", goarch="amd64")


@pytest.mark.parametrize(
    ("path", "platform", "excluded"),
    [
        ("pkg/a.go", LINUX, False),
        ("pkg/a_linux.go", LINUX, False),
        ("pkg/a_windows.go", LINUX, True),
        ("pkg/a_windows.go", WINDOWS, False),
        ("pkg/a_amd64.go", LINUX, False),
        ("pkg/a_arm64.go", LINUX, True),
        ("pkg/a_linux_arm64.go", LINUX, True),
        ("pkg/a_linux_amd64.go", LINUX, False),
        ("pkg/a_test.go", LINUX, True),
        ("pkg/a_test.go", Platform(tests=True), False),
        ("pkg/a_windows_test.go", Platform(tests=True), True),
        ("pkg/linux.go", LINUX, False),  # a bare GOOS name is not a suffix
        ("pkg/windows.go", LINUX, False),
        ("pkg/mount_unsupported.go", LINUX, False),
    ],
)
def test_file_name_suffixes(path: str, platform: Platform, excluded: bool) -> None:
    assert (exclusion_reason(path, b"package p\n", platform) is not None) is excluded


def test_plus_build_lines_are_anded_and_options_ored() -> None:
    src = b"// Copyright\n\n// +build linux darwin\n// +build !cgo\n\npackage p\n"
    assert exclusion_reason("p/x.go", src, LINUX) == "// +build !cgo"
    assert exclusion_reason("p/x.go", src, Platform(goos="darwin")) == "// +build !cgo"
    src_ok = b"// +build linux,amd64 windows\n\npackage p\n"
    assert exclusion_reason("p/x.go", src_ok, LINUX) is None
    assert exclusion_reason("p/x.go", src_ok, Platform(goarch="arm")) is not None
    assert exclusion_reason("p/x.go", src_ok, WINDOWS) is None


def test_go_build_expression_wins_over_plus_build() -> None:
    src = b"//go:build linux && !arm\n// +build windows\n\npackage p\n"
    assert exclusion_reason("p/x.go", src, LINUX) is None
    assert exclusion_reason("p/x.go", src, WINDOWS) == "//go:build linux && !arm"


def test_build_lines_after_package_clause_are_ignored() -> None:
    src = b"package p\n\n// +build ignore\n"
    assert exclusion_reason("p/x.go", src, LINUX) is None
    assert (
        exclusion_reason("p/x.go", b"// +build ignore\n\npackage p\n", LINUX) == "// +build ignore"
    )


def test_go_build_grammar() -> None:
    assert eval_go_build("(linux || darwin) && amd64", LINUX)
    assert not eval_go_build("!(linux || darwin)", LINUX)
    assert eval_go_build("go1.10 && unix", LINUX)
    assert not eval_go_build("go1.21", LINUX)
    with pytest.raises(ValueError):
        eval_go_build("linux &&", LINUX)


def test_tags_and_platform_parsing() -> None:
    p = parse_platform("darwin/arm64", tests=True, tags="integration, foo")
    assert (p.goos, p.goarch, p.tests) == ("darwin", "arm64", True)
    assert exclusion_reason("x.go", b"// +build integration\n\npackage p\n", p) is None
    assert p.key == "darwin/arm64+tests+tags:foo,integration"
    with pytest.raises(ValueError):
        parse_platform("linux")
