"""Recordings of the real kubelet's decisions: load, validate, pair with their scenarios.

A recording is data only (``recording.schema.json`` beside this module is its format): the
results the real v1.10.11 eviction package produced for a list of scenarios. Each record
either carries its ``scenario`` or names it through the file's ``generator``/``seed``/
``count``/``prefix``, in which case the scenario is regenerated here. Either way it is
checked against the record's ``scenario_sha256`` (SHA-256 of
``json.dumps(scenario, sort_keys=True, separators=(",", ":"))``), so a recording made
elsewhere replays only against the very scenarios it was made from.

Every problem — unreadable gzip, bad JSON, a schema violation, a wrong hash, a generator
this version cannot reproduce — is a :class:`RecordingError` whose one-line message names
the file and the record.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reference_impl.eviction.replay import generate
from reference_impl.eviction.replay.schema import check_scenario

SCHEMA_PATH = Path(__file__).with_name("recording.schema.json")

# Generator names a recording may give, and the generator versions this code reproduces.
# Version 1 is generate.iter_batch as it stood at commit 4a487ea (the recording
# eviction-v1.10.11-seed20261206-20000 names it by its old module path). If the
# generator's output ever changes, give the new one version 2 and keep version 1
# reproducible, or old recordings stop replaying.
GENERATORS = {
    "differential.generate.iter_batch": {1: generate.iter_batch},
    "reference_impl.eviction.replay.generate.iter_batch": {1: generate.iter_batch},
}


class RecordingError(ValueError):
    """A recording that cannot be replayed; the message names the file and the record.

    >>> try:
    ...     load("/nonexistent.json.gz")
    ... except RecordingError as e:
    ...     print(e)
    /nonexistent.json.gz: cannot read: No such file or directory
    """


@dataclass
class Recording:
    """A loaded, schema-valid recording (its records not yet paired with scenarios).

    >>> import pathlib
    >>> sample = (
    ...     pathlib.Path(__file__).resolve().parents[3]
    ...     / "tests"
    ...     / "eviction"
    ...     / "data"
    ...     / "recorded_sample.json.gz"
    ... )
    >>> rec = load(sample)
    >>> len(rec.records), rec.go_version
    (330, 'go version go1.19.8 linux/amd64')
    """

    path: str
    data: dict[str, Any]

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.data["records"]

    @property
    def go_version(self) -> str:
        return self.data.get("go_version", "")


def scenario_sha256(scenario: dict[str, Any]) -> str:
    """The hash a record keeps of its scenario.

    >>> scenario_sha256({"id": "x"})[:16]
    '5e2b92cc57ce618d'
    """
    text = json.dumps(scenario, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _fast_check() -> Any:
    """The schema compiled by fastjsonschema: ~5 s for 20,000 records where jsonschema
    takes minutes. Only a file that fails it is walked again by jsonschema, for the
    precise message. (``$id`` is left out: fastjsonschema would try to fetch it.)"""
    import fastjsonschema

    return fastjsonschema.compile({k: v for k, v in _schema().items() if k != "$id"})


def _schema_error(data: Any) -> str | None:
    """One line naming the first schema violation (None when ``data`` follows it)."""
    import fastjsonschema
    import jsonschema

    try:
        _fast_check()(data)
        return None
    except fastjsonschema.JsonSchemaException as exc:
        fast_path = list(getattr(exc, "path", None) or [])
        fast_message = str(exc)
    schema = _schema()
    target: Any = data
    prefix = ""
    # Inside a record: let jsonschema walk that record alone (the whole file is slow).
    if len(fast_path) >= 3 and fast_path[1] == "records" and str(fast_path[2]).isdigit():
        index = int(fast_path[2])
        target = data["records"][index]
        rid = target.get("id") if isinstance(target, dict) else None
        prefix = f"record {index}" + (f" ({rid!r})" if rid is not None else "")
        schema = {"$ref": "#/$defs/record", "$defs": schema["$defs"]}
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(target), key=lambda e: e.path)
    if not errors:
        return f"{prefix or 'the file'}: {fast_message}"
    error = errors[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"{prefix or 'the file'}: {where.lstrip('.') or '(top level)'}: {message}"


def load(path: str | Path) -> Recording:
    """Read and validate a recording (``.json`` or ``.json.gz``).

    >>> import pathlib
    >>> sample = (
    ...     pathlib.Path(__file__).resolve().parents[3]
    ...     / "tests"
    ...     / "eviction"
    ...     / "data"
    ...     / "recorded_sample.json.gz"
    ... )
    >>> load(sample).data["kubernetes"]
    'v1.10.11 637c7e288581ee40ab4ca210618a89a555b6e7e9'
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise RecordingError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise RecordingError(f"{name}: not a readable gzip file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise RecordingError(f"{name}: not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise RecordingError(
            f"{name}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    problem = _schema_error(data)
    if problem is not None:
        raise RecordingError(f"{name}: {problem} (format: {SCHEMA_PATH.name})")
    return Recording(name, data)


def _generated(rec: Recording) -> Iterator[dict[str, Any]]:
    data = rec.data
    gen = data.get("generator")
    version = data.get("generator_version", 1)
    make = GENERATORS.get(gen, {}).get(version) if isinstance(gen, str) else None
    if make is None:
        raise RecordingError(
            f"{rec.path}: generator {gen!r} version {version} is not reproducible by this "
            f"version of the replay (known: {sorted(GENERATORS)} version 1)"
        )
    if data["count"] != len(data["records"]):
        raise RecordingError(
            f"{rec.path}: count is {data['count']} but the file holds "
            f"{len(data['records'])} records"
        )
    return make(seed=data["seed"], count=data["count"], prefix=data["prefix"])


def pairs(rec: Recording) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(scenario, Go result) for every record, each scenario checked against its hash.

    >>> import pathlib
    >>> sample = (
    ...     pathlib.Path(__file__).resolve().parents[3]
    ...     / "tests"
    ...     / "eviction"
    ...     / "data"
    ...     / "recorded_sample.json.gz"
    ... )
    >>> scenario, go = next(pairs(load(sample)))
    >>> scenario["id"] == go["id"]
    True
    """
    records = rec.records
    if all("scenario" in r for r in records):
        scenarios: Iterator[dict[str, Any]] = (r["scenario"] for r in records)
    else:
        scenarios = _generated(rec)
    for i, (record, scenario) in enumerate(zip(records, scenarios, strict=True)):
        where = f"{rec.path}: record {i} ({record['id']!r})"
        if scenario.get("id") != record["id"]:
            raise RecordingError(
                f"{where}: the scenario's id is {scenario.get('id')!r}, not the record's"
            )
        digest = scenario_sha256(scenario)
        if digest != record["scenario_sha256"]:
            raise RecordingError(
                f"{where}: scenario_sha256 is {record['scenario_sha256'][:16]}... but the "
                f"scenario hashes to {digest[:16]}... (tampered record, or another generator)"
            )
        problems = check_scenario(scenario)
        if problems:
            raise RecordingError(f"{where}: scenario does not follow the schema: {problems[0]}")
        if record["go"]["id"] != record["id"]:
            raise RecordingError(f"{where}: go.id is {record['go']['id']!r}")
        yield scenario, record["go"]
