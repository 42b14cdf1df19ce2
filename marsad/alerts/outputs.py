"""Where alerts go: appended to a JSONL file, a line on stderr, a JSON POST to a webhook."""
from __future__ import annotations

import json
import time
from collections.abc import Callable

from marsad.alerts.config import Output
from marsad.alerts.store import Alert
from marsad.watch.http import FetchError, Http, HttpPolicy


class DeliveryError(Exception):
    """An output that did not take the alert; it is offered again next round."""


def message(alert: Alert) -> dict:
    """What JSONL files and webhooks receive: the alert's identity and its payload."""
    return {"alert_id": alert.id, "rule_id": alert.rule_id, "event_id": alert.event_id, "at": alert.at,
            **alert.payload}


def send(output: Output, alert: Alert, echo: Callable[[str], None],
         sleep: Callable[[float], None] = time.sleep) -> None:
    if output.type == "terminal":
        echo(f"alert {alert.rule_id}: {alert.payload['summary']}")
    elif output.type == "jsonl":
        try:
            output.path.parent.mkdir(parents=True, exist_ok=True)
            with open(output.path, "a", encoding="utf-8") as out:
                out.write(json.dumps(message(alert), ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot write {output.path}: {exc.strerror}") from None
    else:
        http = Http(HttpPolicy(timeout=output.timeout, retries=output.retries, host_delay=0.0), sleep=sleep)
        try:
            http.post_json(output.url, message(alert))
        except FetchError as exc:
            raise DeliveryError(exc.reason) from None
