"""After each merge: check new and changed events against the rules, store what fires, send it.

"New or changed" is decided against ``alert_checked`` (each event's record
hash when last checked, with the rules), not against the previous round in
memory, so a watcher killed between merge and check still checks those events
when it starts again, and an edited rules file looks at every event once.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from marsad.alerts.config import AlertConfig, Output, Rule
from marsad.alerts.match import Surge, Timeline, meets
from marsad.alerts.outputs import DeliveryError, send
from marsad.alerts.store import Alert, checked, delivered, ensure_schema, pending, record
from marsad.store.store import Store

EVENT_KEYS = ("id", "date", "date_precision", "time", "sub_event_type", "weapons", "location", "attacker",
              "target_actor", "attribution", "munitions", "casualties")


@dataclass
class AlertRound:
    fired: list[Alert] = field(default_factory=list)  # new this round
    sent: int = 0  # deliveries made (one alert to one output)
    problems: list[str] = field(default_factory=list)  # one line per output that failed


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def check_alerts(store: Store, config: AlertConfig, *, echo: Callable[[str], None] = _stderr,
                 sleep: Callable[[float], None] = time.sleep) -> AlertRound:
    """Fire the rules on new and changed events, then send every alert some output still lacks."""
    ensure_schema(store.conn)
    result = AlertRound(fired=evaluate(store, config))
    result.sent, result.problems = deliver(store, config.outputs, echo, sleep)
    for line in result.problems:
        echo(line)
    return result


def evaluate(store: Store, config: AlertConfig) -> list[Alert]:
    """The alerts that are new: rules met by events not checked before in their current form."""
    events = store.events()  # analyst-rejected events are left out: no alert for a non-event
    fingerprint = config.fingerprint()
    digests = {e["id"]: hashlib.sha256((fingerprint + json.dumps(e, sort_keys=True)).encode()).hexdigest()
               for e in events}
    before = checked(store.conn)
    fresh = [e for e in events if before.get(e["id"]) != digests[e["id"]]]
    fired = []
    for rule in config.rules:
        for event, surge in _matches(rule, fresh, events):
            fired.append((rule.id, event["id"], payload(rule, event, surge)))
    return record(store.conn, fired, digests)


def _matches(rule: Rule, fresh: list[dict], events: list[dict]) -> list[tuple[dict, Surge | None]]:
    met = [e for e in fresh if meets(rule.when, e)]
    when = rule.when
    if when.count_over is None or not met:
        return [(e, None) for e in met]
    # A surge counts every event meeting the conditions, old ones too; only fresh ones fire.
    timeline = Timeline(e for e in events if meets(when, e))
    found = [(e, timeline.surge(e, when.count_over, when.within_hours)) for e in met]
    return [(e, s) for e, s in found if s is not None]


def payload(rule: Rule, event: dict, surge: Surge | None) -> dict:
    body = {"summary": summary(event, surge), "event": {k: event.get(k) for k in EVENT_KEYS},
            "reports": len(event.get("reports") or [])}
    if surge:
        body["surge"] = {"count": surge.count, "within_hours": rule.when.within_hours,
                         "event_ids": list(surge.event_ids)}
    return body


def summary(event: dict, surge: Surge | None) -> str:
    """One line a person reads in a terminal or a chat: what, where, when, who, harm."""
    loc = event.get("location") or {}
    where = f"{loc.get('name') or 'unknown place'}" + (f" ({loc['admin1']})" if loc.get("admin1") else "")
    killed = sum(c.get("killed") or 0 for c in event.get("casualties") or [])
    injured = sum(c.get("injured") or 0 for c in event.get("casualties") or [])
    parts = [f"{event['id']} {event.get('date') or 'undated'} {where}: {event.get('sub_event_type') or 'attack'}",
             f"{event.get('attacker') or 'unknown'} → {event.get('target_actor') or 'unknown'} "
             f"({event.get('attribution') or 'unknown'})"]
    if killed or injured:
        parts.append(f"{killed} killed, {injured} injured")
    if surge:
        parts.append(f"{surge.count} such events within the window")
    return "; ".join(parts)


def deliver(store: Store, outputs: tuple[Output, ...], echo: Callable[[str], None],
            sleep: Callable[[float], None]) -> tuple[int, list[str]]:
    """Offer each pending alert to the outputs that lack it; an output that fails waits for the next round."""
    sent, problems, broken = 0, [], set()
    for alert, done in pending(store.conn):
        for output in outputs:
            if output.key in done or output.key in broken:
                continue
            try:
                send(output, alert, echo, sleep)
            except DeliveryError as exc:
                broken.add(output.key)  # one failure per output and round, not one per alert
                problems.append(f"alert output {output.key} failed, retried next round: {exc}")
                continue
            done.add(output.key)
            sent += 1
            delivered(store.conn, alert.id, output.key, complete=all(o.key in done for o in outputs))
    return sent, problems
