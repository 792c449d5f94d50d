"""Checks the DOM headless Chromium built from a gpuslice report (tests/report/browser.sh).

Usage: check_dom.py DOM_FILE HTML_FILE PLAN_JSON. Prints one line per failed check and
exits 1 when any failed, else prints what it counted and exits 0.
"""
import json
import re
import sys
from html.parser import HTMLParser


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []  # (tag, attrs dict) in document order

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def main():
    dom_file, html_file, plan_file = sys.argv[1:4]
    parser = Elements()
    parser.feed(open(dom_file, encoding="utf-8").read())
    source = open(html_file, encoding="utf-8").read()
    plan = json.load(open(plan_file, encoding="utf-8"))
    problems = []

    def tagged(tag, cls=None):
        return [a for t, a in parser.found if t == tag and (cls is None or cls in a.get("class", "").split())]

    svgs = tagged("svg")
    pools = plan["plan"]["pools"]
    if len(svgs) != 1 + len(pools):
        problems.append(f"{len(svgs)} <svg> elements, expected {1 + len(pools)} (the chart and one per pool)")
    slots = tagged("rect", "slot")
    in_source = len(re.findall(r'<rect class="slot"', source))
    if not slots or len(slots) != in_source:
        problems.append(f"{len(slots)} slot rects in the DOM, {in_source} in the page")
    drawn = {a.get("data-workload") for a in slots if a.get("data-workload")}
    expected = {f'{w["namespace"]}/{w["name"]}' for w in plan["workloads"]}
    if drawn != expected:
        problems.append(f"slots drawn for {sorted(drawn)}, expected {sorted(expected)}")
    if any(a.get("data-risk") not in ("low", "medium", "high", "free") for a in slots):
        problems.append("a slot without a data-risk of low, medium, high or free")
    bars = tagged("rect", "bar")
    keys = [a.get("data-strategy") for a in bars]
    if keys != ["today", "dedicated", "time-slicing", "mps", "mig", "auto"]:
        problems.append(f"bars {keys}")
    monthly = {a.get("data-strategy"): a.get("data-monthly") for a in bars}
    for key, want in (("today", plan["baseline"]["monthlyCost"]), ("auto", plan["plan"]["monthlyCost"])):
        if monthly.get(key) != f"{want:.2f}":
            problems.append(f"bar {key}: data-monthly {monthly.get(key)}, expected {want:.2f}")
    tables = tagged("table", "chargeback")
    if [a.get("data-group") for a in tables] != ["namespace", "team"]:
        problems.append(f"chargeback tables {[a.get('data-group') for a in tables]}")
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(svgs)} svg, {len(slots)} slots of {len(drawn)} workloads, {len(bars)} bars, {len(tables)} tables")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
