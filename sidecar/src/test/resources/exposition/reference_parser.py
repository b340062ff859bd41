"""The reference parsers as an oracle for ExpositionDifferentialTest.

Reads JSON lines {"id", "format": "openmetrics" | "text", "text"} on stdin and answers one JSON line
each: {"id", "ok": true, "families": [...]} when the Prometheus project's Python client
(Debian python3-prometheus-client) parses the exposition, else {"id", "ok": false, "error"}.
One process serves a whole batch: starting Python per exposition would take minutes.

Numbers are answered as text ("NaN", "+Inf", "-Inf" or Python's repr) so nothing is lost to JSON,
and timestamps in milliseconds, which is what Outrigger keeps.
"""
import json
import math
import sys

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families as text_families
from prometheus_client.samples import Timestamp


def number(value):
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def millis(timestamp):
    if timestamp is None:
        return None
    if isinstance(timestamp, Timestamp):
        # Exact: seconds and nanoseconds as the parser kept them.
        return round((timestamp.sec * 10**9 + timestamp.nsec) / 10**6)
    return round(float(timestamp) * 1000)


def exemplar(value):
    if value is None:
        return None
    return {
        "labels": value.labels,
        "value": number(value.value),
        "ts": millis(value.timestamp),
    }


def family(metric, text_format):
    return {
        "name": metric.name,
        "type": metric.type,
        "help": metric.documentation,
        "unit": getattr(metric, "unit", ""),
        "samples": [
            {
                "name": s.name,
                "labels": s.labels,
                "value": number(s.value),
                # The text parser keeps seconds as a float (milliseconds / 1000).
                "ts": millis(s.timestamp),
                "exemplar": exemplar(s.exemplar),
            }
            for s in metric.samples
        ],
    }


def answer(request):
    text_format = request["format"] == "text"
    parse = text_families if text_format else openmetrics_families
    try:
        families = [family(m, text_format) for m in parse(request["text"])]
    except Exception as e:  # any exception is a refusal: IndexError and KeyError happen too
        return {"id": request["id"], "ok": False, "error": type(e).__name__ + ": " + str(e)[:200]}
    return {"id": request["id"], "ok": True, "families": families}


def main():
    out = sys.stdout
    for line in sys.stdin:
        if line.strip():
            out.write(json.dumps(answer(json.loads(line))) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
