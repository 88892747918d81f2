#!/usr/bin/env python3
"""Medians, ranges and ratios from the logs scripts/bench.sh writes (DIR/NAME-I.log).

    python3 bench/summarize.py DIR [NAME...]
"""
import glob
import os
import re
import statistics
import sys


def logs(out, name):
    return [open(p, encoding="utf-8", errors="replace").read()
            for p in sorted(glob.glob(os.path.join(out, f"{name}-*.log")))]


def spread(values, fmt="{:.2f}"):
    if not values:
        return "n/a"
    m = statistics.median(values)
    return f"{fmt.format(m)} ({fmt.format(min(values))}-{fmt.format(max(values))}, {len(values)} runs)"


def row(what, values, fmt="{:.2f}", unit=""):
    print(f"  {what:58} {spread(values, fmt)} {unit}")


def parse(texts):
    for corpus in ("news", "feedparser"):
        ours, peer, ratio = [], [], []
        for t in texts:
            a = re.search(rf"^{corpus}\s+newswire\s+([\d.]+) MB/s", t, re.M)
            b = re.search(rf"^{corpus}\s+python feedparser\s+([\d.]+) MB/s", t, re.M)
            if a and b:
                ours.append(float(a[1]))
                peer.append(float(b[1]))
                ratio.append(float(a[1]) / float(b[1]))
        row(f"parse {corpus}: newswire MB/s (CPU)", ours)
        row(f"parse {corpus}: Python feedparser MB/s (CPU), same run", peer)
        row(f"parse {corpus}: ratio", ratio, unit="x (target 20x)")


def poll_load(texts):
    cores, rss = [], []
    for t in texts:
        m = re.search(r"= ([\d.]+) cores; peak RSS (\d+) MB", t)
        if m:
            cores.append(float(m[1]))
            rss.append(float(m[2]))
    row("poll 10,000 feeds: cores, steady state", cores, "{:.3f}", "(target < 0.5)")
    row("poll 10,000 feeds: peak RSS MB", rss, "{:.0f}", "(target < 200)")


def criterion(texts, prefix):
    """Middle throughput estimate of each benchmark id that starts with `prefix`."""
    found = {}
    for t in texts:
        current = None
        for line in t.splitlines():
            m = re.match(r"^(\S+/\S+)(\s+time:.*)?$", line)
            if m:
                current = m[1]
            m = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+)", line)
            if m and current and current.startswith(prefix):
                found.setdefault((current, m[2]), []).append(float(m[1]))
    for (bench, unit), values in sorted(found.items()):
        row(bench, values, unit=unit)


def countries_peer(texts):
    for t in texts:
        table = [l for l in t.splitlines() if l.startswith("|") or l.startswith("corpus")]
        print("\n".join("  " + l for l in table))


def enrich_peer(texts):
    for t in texts:
        for line in t.splitlines():
            if line.startswith(("corpus", "run ", "wire ", "dense ", "ratio")):
                print("  " + line)


def postgres(texts):
    for t in texts:
        for line in t.splitlines():
            if line.startswith(("trial", "median", "postgres sink benchmark")):
                print("  " + line)


def kafka(texts):
    pipe, broker, ratio, p50, p99 = [], [], [], [], []
    for t in texts:
        b = re.search(r"produce-then-consume.*\| (\d+) records/s", t)
        p = re.search(r"raw -> enrich -> enriched.*\| (\d+) records/s", t)
        l50 = re.search(r"p50 \| ([\d.]+) ms", t)
        l99 = re.search(r"p99 \| ([\d.]+) ms", t)
        if b and p:
            broker.append(float(b[1]))
            pipe.append(float(p[1]))
            ratio.append(100 * float(p[1]) / float(b[1]))
        if l50 and l99:
            p50.append(float(l50[1]))
            p99.append(float(l99[1]))
    row("kafka: pipeline records/s", pipe, "{:.0f}")
    row("kafka: broker alone (rdkafka produce-then-consume), same run", broker, "{:.0f}")
    row("kafka: pipeline / broker", ratio, "{:.0f}", "% (target 60%)")
    row("kafka: latency p50 ms at 1,000/s", p50, "{:.0f}")
    row("kafka: latency p99 ms at 1,000/s", p99, "{:.0f}")


def soak(texts):
    for t in texts:
        start = t.find("Soak:")
        print("  " + t[start:].replace("\n", "\n  ") if start >= 0 else "  no summary")


SUMMARIES = {
    "parse": parse,
    "poll_load": poll_load,
    "countries": lambda t: criterion(t, "cpu-time/"),
    "countries_peer": countries_peer,
    "enrich": lambda t: criterion(t, "cpu/"),
    "enrich_peer": enrich_peer,
    "postgres": postgres,
    "kafka": kafka,
    "soak": soak,
}


def main():
    out, names = sys.argv[1], sys.argv[2:] or list(SUMMARIES)
    for name in names:
        texts = logs(out, name)
        print(f"{name}:")
        if not texts:
            print("  no logs")
            continue
        SUMMARIES.get(name, lambda t: print("  unknown benchmark"))(texts)


if __name__ == "__main__":
    main()
