"""Alert rules and outputs, read from YAML and checked before any work is done.

A typo in a rules file must not silently match nothing for weeks, so every
unknown key is an error that names the rule and suggests the nearest known
word (``admin`` → did you mean ``admin1``?).
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from marsad.errors import MarsadError
from marsad.review.apply import ATTRIBUTIONS

TEXT_CONDITIONS = ("place", "admin1", "country", "attacker", "target", "actor", "sub_event_type", "weapon")
CONDITIONS = (*TEXT_CONDITIONS, "attribution", "casualties", "min_killed", "count_over", "within_hours")
OUTPUT_FIELDS = {"jsonl": ("path",), "terminal": (), "webhook": ("url", "retries", "timeout")}


class AlertConfigError(MarsadError):
    """A rules file that cannot be used; the message says where and why, in one line."""


Fail = Callable[[str], AlertConfigError]  # makes the error for a message, naming the file


@dataclass(frozen=True)
class Conditions:
    """What an event must all meet; None is not checked. Text is compared folded (see marsad.alerts.match)."""

    place: str | None = None  # place id, or its English or Arabic name
    admin1: str | None = None
    country: str | None = None
    attacker: str | None = None  # actor code
    target: str | None = None  # actor code of the target
    actor: str | None = None  # actor code, as attacker or as target
    sub_event_type: str | None = None
    weapon: str | None = None  # one of the event's weapons
    attribution: str | None = None
    casualties: bool | None = None  # True: anyone killed or injured; False: no one
    min_killed: int | None = None
    count_over: int | None = None  # a surge: more than this many matching events ...
    within_hours: float | None = None  # ... in a window of this many hours holding the event


@dataclass(frozen=True)
class Rule:
    id: str
    when: Conditions


@dataclass(frozen=True)
class Output:
    type: str  # jsonl | terminal | webhook
    path: Path | None = None
    url: str | None = None
    retries: int = 3
    timeout: float = 10.0

    @property
    def key(self) -> str:
        """Names the output in alert_deliveries, so each output gets each alert once."""
        return f"{self.type}:{self.path or self.url or ''}"


@dataclass(frozen=True)
class AlertConfig:
    rules: tuple[Rule, ...]
    outputs: tuple[Output, ...] = field(default=(Output("terminal"),))

    def fingerprint(self) -> str:
        """The rules as canonical JSON: an edited rule set looks at every event again."""
        return json.dumps([asdict(r) for r in self.rules], sort_keys=True, default=str)


def load_config(path: Path) -> AlertConfig:
    """The rules file at ``path``; AlertConfigError names the first problem in it."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AlertConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise AlertConfigError(f"{path}: not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None
    return parse_config(data, Path(path), Path(path).parent)


def parse_config(data: Any, label: Path | str, base: Path) -> AlertConfig:
    """Rules from parsed YAML; relative output paths are taken from ``base`` (the rules file's folder)."""
    def fail(message: str) -> AlertConfigError:
        return AlertConfigError(f"{label}: {message}")

    if not isinstance(data, dict):
        raise fail("expected a mapping with 'rules' (and optionally 'outputs')")
    _known(data, ("rules", "outputs"), "top level", fail)
    if not isinstance(data.get("rules"), list) or not data["rules"]:
        raise fail("'rules' must be a non-empty list")
    rules = tuple(_rule(raw, n, fail) for n, raw in enumerate(data["rules"], 1))
    ids = [r.id for r in rules]
    if duplicate := next((i for i in ids if ids.count(i) > 1), None):
        raise fail(f"rule id {duplicate!r} is used twice")
    if "outputs" not in data:
        return AlertConfig(rules)
    if not isinstance(data["outputs"], list) or not data["outputs"]:
        raise fail("'outputs' must be a non-empty list")
    return AlertConfig(rules, tuple(_output(raw, n, base, fail) for n, raw in enumerate(data["outputs"], 1)))


def _known(mapping: dict, allowed: tuple[str, ...], where: str, fail: Fail) -> None:
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(allowed)}"
            raise fail(f"{where}: unknown key {key!r}{hint}")


def _rule(raw: Any, number: int, fail: Fail) -> Rule:
    if not isinstance(raw, dict):
        raise fail(f"rule {number}: expected a mapping with 'id' and 'when'")
    rule_id = raw.get("id")
    where = f"rule {number} ({rule_id})" if isinstance(rule_id, str) else f"rule {number}"
    _known(raw, ("id", "when"), where, fail)
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise fail(f"{where}: 'id' must be a non-empty string")
    when = raw.get("when")
    if not isinstance(when, dict) or not when:
        raise fail(f"{where}: 'when' must be a non-empty mapping of conditions")
    _known(when, CONDITIONS, f"{where} 'when'", fail)
    for key, value in when.items():
        problem = _condition_problem(key, value)
        if problem:
            raise fail(f"{where}: {key}: {problem}")
    if ("count_over" in when) != ("within_hours" in when):
        raise fail(f"{where}: 'count_over' and 'within_hours' go together (more than N events in H hours)")
    return Rule(rule_id.strip(), Conditions(**when))


def _condition_problem(key: str, value: Any) -> str | None:
    if key in TEXT_CONDITIONS:
        return None if isinstance(value, str) and value.strip() else "must be a non-empty string"
    if key == "attribution":
        return None if value in ATTRIBUTIONS else f"must be one of {', '.join(ATTRIBUTIONS)}"
    if key == "casualties":
        return None if isinstance(value, bool) else "must be true or false"
    if key == "within_hours":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        return None if ok else "must be a positive number of hours"
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= (1 if key == "min_killed" else 0)
    return None if ok else "must be a whole number" + (" of at least 1" if key == "min_killed" else " ≥ 0")


def _output(raw: Any, number: int, base: Path, fail: Fail) -> Output:
    where = f"output {number}"
    if not isinstance(raw, dict) or raw.get("type") not in OUTPUT_FIELDS:
        raise fail(f"{where}: needs 'type', one of {', '.join(OUTPUT_FIELDS)}")
    kind = raw["type"]
    _known(raw, ("type", *OUTPUT_FIELDS[kind]), f"{where} ({kind})", fail)
    if kind == "jsonl":
        if not isinstance(raw.get("path"), str) or not raw["path"].strip():
            raise fail(f"{where} (jsonl): 'path' must be a file name")
        return Output("jsonl", path=(base / raw["path"]).resolve())  # the same key from any working folder
    if kind == "webhook":
        url = raw.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise fail(f"{where} (webhook): 'url' must be an http(s) URL")
        retries, timeout = raw.get("retries", 3), raw.get("timeout", 10.0)
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise fail(f"{where} (webhook): 'retries' must be a whole number ≥ 0")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise fail(f"{where} (webhook): 'timeout' must be a positive number of seconds")
        return Output("webhook", url=url, retries=retries, timeout=float(timeout))
    return Output("terminal")
