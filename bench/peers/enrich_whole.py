#!/usr/bin/env python3
"""Whole-process enrichment: `newswire enrich --input FILE` vs geotext over the same file.

    python3 bench/peers/enrich_whole.py [--runs N] [--mb MB] [--newswire BIN] [--kind wire|dense]

Writes (once, deterministically, into /tmp) a JSON-lines file of MB megabytes (default 50) of
one of two kinds, both timed by default:

  wire   the Reuters story tests/fixtures/reuters-s400.txt as ~20,000 stories of 2.5 KB each
         (its paragraphs rotated, so no two lines are alike): real wire copy, a few countries
         and weapons per story;
  dense  ~2.6 KB stories of 12-20 passages drawn from crates/enrich/dev/*.jsonl and the seed
         story: a country, weapon or sanctions event in almost every sentence (the worst case).

Then, N times, it runs back to back as whole processes, output to /dev/null:

  1. `newswire enrich --input FILE` (one enrichment thread per core, the default),
  2. `newswire enrich --input FILE --workers 1` (the same binary on one thread),
  3. `python bench/peers/geotext_lines.py FILE` (geotext 0.4.0 in the venv .bench-venv/).

Each process is timed from start to exit (wall clock) and by its own CPU time (user + system,
from wait4). Prints each run, then medians, ranges and the same-run ratios: geotext wall /
newswire wall (target 4x) and 1-thread wall / N-thread wall (target 1.7x on 2 cores).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from countries import ensure_venv  # noqa: E402  (re-runs this script under the venv)


def passages():
    """(title, body) of every dev passage, and the seed story's paragraphs (no title)."""
    out = []
    dev = os.path.join(ROOT, "crates", "enrich", "dev")
    for name in sorted(os.listdir(dev)):
        if name.endswith(".jsonl"):
            with open(os.path.join(dev, name), encoding="utf-8") as f:
                out += [(p["title"], p["body"]) for p in map(json.loads, filter(str.strip, f))]
    with open(os.path.join(ROOT, "tests", "fixtures", "reuters-s400.txt"), encoding="utf-8") as f:
        seed = f.read().split("\n", 1)[1]
    out += [("", para.strip()) for para in seed.split("\n\n") if para.strip()]
    return out


def write_wire(path, megabytes):
    """The seed story again and again, its paragraphs rotated by one each line."""
    with open(os.path.join(ROOT, "tests", "fixtures", "reuters-s400.txt"), encoding="utf-8") as f:
        title, body = f.read().split("\n", 1)
    paras = [p.strip() for p in body.split("\n\n") if p.strip()]
    written, n = 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while written < megabytes * 1e6:
            k = n % len(paras)
            n += 1
            body = "\n\n".join(paras[k:] + paras[:k])
            line = json.dumps({"id": f"wire-{n:06d}", "title": title.strip(), "body": body},
                              ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
    return n


def write_dense(path, megabytes):
    rng = random.Random(18)
    pool = passages()
    titled = [t for t, _ in pool if t]
    written, n = 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while written < megabytes * 1e6:
            n += 1
            body = "\n\n".join(b for _, b in rng.choices(pool, k=rng.randint(12, 20)))
            line = json.dumps({"id": f"wire-{n:06d}", "title": rng.choice(titled), "body": body},
                              ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
    return n


def timed(argv):
    """(wall seconds, CPU seconds) of one process run to its exit, stdout to /dev/null."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def spread(values, fmt="{:.2f}"):
    m = statistics.median(values)
    return f"{fmt.format(m)} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--newswire", default=os.path.join(ROOT, "target", "release", "newswire"))
    ap.add_argument("--kind", choices=["wire", "dense"], action="append")
    ap.add_argument("--before", help="also time this (older) newswire binary, as `before`")
    args = ap.parse_args()
    ensure_venv()
    for kind in args.kind or ["wire", "dense"]:
        corpus = f"/tmp/newswire-{kind}-stories-{args.mb:g}mb.jsonl"
        if not os.path.exists(corpus):
            stories = (write_wire if kind == "wire" else write_dense)(corpus, args.mb)
            print(f"wrote {corpus}: {stories} stories")
        measure(kind, corpus, args)


def measure(kind, corpus, args):
    size = os.path.getsize(corpus)
    with open(corpus, "rb") as f:
        stories = sum(1 for _ in f)
    print(f"corpus {kind} {corpus}: {stories} stories, {size / 1e6:.1f} MB; {os.cpu_count()} cores")
    tools = [
        ("newswire", [args.newswire, "enrich", "--input", corpus]),
        ("newswire-1", [args.newswire, "enrich", "--input", corpus, "--workers", "1"]),
        ("geotext", [sys.executable, os.path.join(HERE, "geotext_lines.py"), corpus]),
    ]
    if args.before:
        tools.append(("before", [args.before, "enrich", "--input", corpus]))
    results = {name: [] for name, _ in tools}
    for run in range(1, args.runs + 1):
        line = []
        for name, argv in tools:
            wall, cpu = timed(argv)
            results[name].append((wall, cpu))
            line.append(f"{name} {wall:.2f} s wall {cpu:.2f} s CPU")
        load = open("/proc/loadavg").read().split()[0]
        print(f"run {kind} {run}: " + "; ".join(line) + f"; load {load}", flush=True)
    walls = {name: [w for w, _ in r] for name, r in results.items()}
    cpus = {name: [c for _, c in r] for name, r in results.items()}
    for name in results:
        mbs = [size / 1e6 / w for w in walls[name]]
        print(f"{kind} {name:10} wall s {spread(walls[name])}  CPU s {spread(cpus[name])}  "
              f"MB/s (wall) {spread(mbs, '{:.1f}')}")
    vs_geotext = [g / n for g, n in zip(walls["geotext"], walls["newswire"])]
    vs_one = [o / n for o, n in zip(walls["newswire-1"], walls["newswire"])]
    cpu_vs_geotext = [g / n for g, n in zip(cpus["geotext"], cpus["newswire"])]
    print(f"ratio {kind} geotext/newswire wall {spread(vs_geotext)}x (target 4x)")
    print(f"ratio {kind} newswire 1 thread/all threads wall {spread(vs_one)}x (target 1.7x on 2 cores)")
    print(f"ratio {kind} geotext/newswire CPU {spread(cpu_vs_geotext)}x")
    if args.before:
        vs_before = [b / n for b, n in zip(walls["before"], walls["newswire"])]
        print(f"ratio {kind} before/newswire wall {spread(vs_before)}x")


if __name__ == "__main__":
    main()
