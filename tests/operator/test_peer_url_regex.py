"""MemberNameFromPeerURL's validation, held to Go's RE2 and url.Parse rather than Python's re.

Go: ``regexp.MustCompile(`^\\w+:\\/\\/[\\w\\.\\-]+(:\\d+)?$`).MatchString(pu)``, then ``url.Parse``.
RE2's ``\\w``/``\\d`` are ASCII-only and its ``$`` (no m flag) matches only at the end of the
text; Python's ``\\w``/``\\d`` match any Unicode letter/digit and its ``$`` also matches before a
final newline.  The table states Go's verdict for each string and why; the property compares
the mirror with a hand-written ASCII-only model of the Go pattern on arbitrary text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl.operator.etcdutil.member import _VALID_PEER_URL, member_name_from_peer_url

# (peer URL, Go's result: the member name, or None for an error, why)
TABLE: list[tuple[str, str | None, str]] = [
    ("http://m-0001.c.default.svc:2380", "m-0001", "the operator's own form"),
    ("https://m-0001.c.default.svc:2380", "m-0001", "secure peer"),
    ("http://m-0001", "m-0001", "no port: (:\\d+)? is optional"),
    ("HTTP://M-0001.C:2380", "M-0001", "case-sensitive classes cover both cases; no folding"),
    ("http://m_1.c:2380", "m_1", "\\w includes '_'"),
    ("http://exámple-0001.c:2380", None, "'á' is not in RE2's ASCII \\w"),
    ("http://例え.c:2380", None, "CJK letters are not in RE2's \\w"),
    ("http://m-0001.c:٣٨٠", None, "'٣' (ARABIC-INDIC THREE) is not in RE2's \\d"),
    ("http://m-0001.c:２３８０", None, "fullwidth digits are not in RE2's \\d"),
    ("http://m-0001.c:2380\n", None, "RE2's $ does not match before a final newline"),
    ("http://m-0001.c\n", None, "same, without a port"),
    ("\nhttp://m-0001.c", None, "RE2's ^ is the start of text only"),
    ("http://m-0001.c:2380 ", None, "trailing space"),
    ("ｈttp://m.c", None, "fullwidth letter in the scheme"),
    ("http://m.c:", None, "':' needs at least one digit"),
    ("http://m.c:a", None, "port is digits only"),
    ("http://", None, "host needs one character"),
    ("://m.c", None, "scheme needs one character"),
    ("http:/m.c", None, "two slashes"),
    ("http://m.c/path", None, "no path"),
    ("http://user@m.c", None, "no userinfo"),
    ("http://[::1]:2380", None, "no IPv6 literal"),
    ("http://10.0.0.1:2380", "10", "an IP's first dotted part is the 'name'"),
    ("1http://m.c:2380", None, "url.Parse: no scheme (leading digit), colon error"),
    ("ht_tp://m.c:2380", None, "url.Parse: no scheme (underscore), colon error"),
    ("h1://m.c:2380", "m", "digits after the first scheme letter are fine"),
    ("http://-.c", "-", "a host of punctuation passes both checks"),
    ("http://.c", "", "empty first label: Go returns the empty name"),
]


@pytest.mark.parametrize(("purl", "want", "why"), TABLE, ids=[repr(t[0]) for t in TABLE])
def test_peer_url_table(purl: str, want: str | None, why: str) -> None:
    if want is None:
        with pytest.raises(ValueError):
            member_name_from_peer_url(purl)
    else:
        assert member_name_from_peer_url(purl) == want, why


def _word(c: str) -> bool:
    return ("0" <= c <= "9") or ("a" <= c <= "z") or ("A" <= c <= "Z") or c == "_"


def go_pattern_matches(s: str) -> bool:
    """RE2 ``^\\w+:\\/\\/[\\w\\.\\-]+(:\\d+)?$`` by hand, ASCII only, anchored at both ends."""
    i = 0
    while i < len(s) and _word(s[i]):
        i += 1
    if i == 0 or not s.startswith("://", i):
        return False
    i += 3
    j = i
    while j < len(s) and (_word(s[j]) or s[j] in ".-"):
        j += 1
    if j == i:
        return False
    if j == len(s):
        return True
    if s[j] != ":":
        return False
    k = j + 1
    while k < len(s) and "0" <= s[k] <= "9":
        k += 1
    return k > j + 1 and k == len(s)


def go_scheme_found(s: str) -> bool:
    """url.Parse's getscheme on a pattern-valid string: a letter, then letters or digits."""
    scheme = s[: s.index(":")]
    return ("a" <= scheme[0].lower() <= "z") and "_" not in scheme


def test_model_agrees_with_table() -> None:
    for purl, want, _ in TABLE:
        ok = go_pattern_matches(purl) and go_scheme_found(purl)
        assert ok == (want is not None), purl


# Characters that matter to the pattern, their Unicode look-alikes, and whitespace.
_ALPHABET = st.sampled_from([*"aZ09_.-:/ \n\t@[]%", "é", "٣", "２", "ｈ", "ß", "K", "ı"])
_TEXT = st.one_of(
    st.text(),
    st.text(_ALPHABET, max_size=24),
    st.builds(
        lambda a, b, c, d: f"{a}://{b}{c}{d}",
        st.text(_ALPHABET, max_size=5),
        st.text(_ALPHABET, min_size=1, max_size=8),
        st.sampled_from(["", ":", ":2380", ":٣٨٠"]),
        st.sampled_from(["", "\n", " ", "/"]),
    ),
)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_pattern_equals_ascii_model(s: str) -> None:
    assert (_VALID_PEER_URL.fullmatch(s) is not None) == go_pattern_matches(s)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_verdict_equals_go_model(s: str) -> None:
    go_ok = go_pattern_matches(s) and go_scheme_found(s)
    try:
        name = member_name_from_peer_url(s)
    except ValueError:
        assert not go_ok, s
        return
    assert go_ok, s
    host = s.split("://", 1)[1]
    assert name == host.split(":")[0].split(".")[0]
