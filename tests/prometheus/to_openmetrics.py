#!/usr/bin/env python3
"""Writes saved Prometheus query responses (matrix or vector JSON) as one OpenMetrics text, for
`promtool tsdb create-blocks-from openmetrics`: every series with the same labels, values and
times, grouped by metric name (each family once, as OpenMetrics asks), samples in time order.
Usage: to_openmetrics.py RESPONSE.json... > series.om"""
import json
import sys


def escape(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(paths):
    families = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            result = json.load(f)["data"]["result"]
        for series in result:
            labels = dict(series["metric"])
            name = labels.pop("__name__")
            samples = series.get("values") or [series["value"]]
            key = tuple(sorted(labels.items()))
            families.setdefault(name, {}).setdefault(key, []).extend(samples)
    out = []
    for name in sorted(families):
        out.append(f"# TYPE {name} gauge")
        for key in sorted(families[name]):
            text = ",".join(f'{k}="{escape(v)}"' for k, v in key)
            for t, v in sorted(families[name][key], key=lambda s: float(s[0])):
                out.append(f"{name}{{{text}}} {v} {t:g}" if isinstance(t, float) else f"{name}{{{text}}} {v} {t}")
    out.append("# EOF")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
