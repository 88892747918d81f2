#!/usr/bin/env python3
"""Country extraction: newswire vs geotext and flashgeotext (PyPI) on the same texts, same run.

    python3 bench/peers/countries.py [--runs N] [--seconds S] [--rust BIN]

Uses a venv in .bench-venv/ (created, with geotext 0.4.0 and flashgeotext 0.5.5, when missing).
The corpus, bench/peers/countries-corpus.jsonl, is written once from the seed story and the
passages of crates/enrich/dev/countries*.jsonl (rewritten with --write-corpus); the Rust side
(crates/enrich/examples/countries_peer.rs) reads the same file. Each run times the three tools
back to back on it (process CPU time, whole passes after a warm-up, at least S seconds each);
the script prints per-run figures, medians, ranges and ratios, and a quality comparison
(micro precision and recall of country codes against the dev labels). Throughput is in MB/s of
UTF-8 title + body (10^6 bytes).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "bench", "peers", "countries-corpus.jsonl")
VENV = os.path.join(ROOT, ".bench-venv")
PINS = ["geotext==0.4.0", "flashgeotext==0.5.5"]


def ensure_venv():
    """Re-runs this script under the venv's Python, creating the venv first if needed."""
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([py, "-c", "import geotext, flashgeotext"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", *PINS], check=True)
    os.execv(py, [py, *sys.argv])


def write_corpus():
    """The seed story (no labels) and every labelled dev passage, one JSON object a line."""
    with open(os.path.join(ROOT, "tests", "fixtures", "reuters-s400.txt"), encoding="utf-8") as f:
        seed = f.read()
    title, _, body = seed.partition("\n")
    docs = [{"id": "seed", "title": title, "body": body, "countries": None, "split": None}]
    for name, split in (("countries.jsonl", "dev"), ("countries-heldout.jsonl", "held-out")):
        path = os.path.join(ROOT, "crates", "enrich", "dev", name)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                p = json.loads(line)
                docs.append({"id": p["id"], "title": p["title"], "body": p["body"],
                             "countries": sorted(p["countries"]), "split": split})
    with open(CORPUS, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def load_corpus():
    with open(CORPUS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def name_to_code():
    """Country name -> ISO code from geotext's own countryInfo.txt (flashgeotext returns names)."""
    import geotext
    path = os.path.join(os.path.dirname(geotext.__file__), "data", "countryInfo.txt")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 4:
                out[cols[4]] = cols[0]
    return out


def tools():
    """(name, extract(text) -> set of ISO codes) for the Python peers."""
    from geotext import GeoText
    from flashgeotext.geotext import GeoText as FlashGeoText
    codes = name_to_code()
    flash = FlashGeoText()

    def geotext_countries(text):
        return {codes.get(n, "?" + n) for n in GeoText(text).countries}

    def flash_countries(text):
        found = flash.extract(input_text=text)["countries"]
        return {codes.get(n, "?" + n) for n in found}

    return [("geotext 0.4.0", geotext_countries), ("flashgeotext 0.5.5", flash_countries)]


def time_python(extract, docs, seconds):
    texts = [d["title"] + "\n\n" + d["body"] for d in docs]
    size = sum(len(d["title"].encode()) + len(d["body"].encode()) for d in docs)
    for t in texts:  # warm-up
        extract(t)
    cpu0, wall0, passes = time.process_time(), time.perf_counter(), 0
    while passes == 0 or time.process_time() - cpu0 < seconds:
        for t in texts:
            extract(t)
        passes += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"mb_per_s_cpu": size * passes / 1e6 / cpu, "mb_per_s_wall": size * passes / 1e6 / wall}


def rust_binary(given):
    if given:
        return given
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "newswire-enrich",
                    "--example", "countries_peer"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "examples", "countries_peer")


def time_rust(binary, seconds):
    out = subprocess.run([binary, CORPUS, "--seconds", str(seconds)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def quality(predict, docs, split):
    """Micro precision and recall of predicted codes against the labelled documents of `split`
    (newswire's rules were tuned on "dev"; "held-out" was not looked at while tuning)."""
    tp = fp = fn = 0
    for d in docs:
        if d["split"] != split:
            continue
        want, got = set(d["countries"]), predict(d)
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def rust_predictions(binary):
    out = subprocess.run([binary, CORPUS, "--predict"], capture_output=True, text=True, check=True)
    return {p["id"]: set(p["countries"]) for p in map(json.loads, out.stdout.splitlines())}


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rust", help="the countries_peer binary (default: cargo build it)")
    ap.add_argument("--write-corpus", action="store_true")
    args = ap.parse_args()
    ensure_venv()
    if args.write_corpus or not os.path.exists(CORPUS):
        write_corpus()
    docs = load_corpus()
    binary = rust_binary(args.rust)
    peers = tools()
    size = sum(len(d["title"].encode()) + len(d["body"].encode()) for d in docs)
    print(f"corpus: {len(docs)} documents, {size / 1e6:.3f} MB ({os.path.relpath(CORPUS, ROOT)})")
    runs = {"newswire": []}
    runs.update({name: [] for name, _ in peers})
    for r in range(args.runs):
        row = {"newswire": time_rust(binary, args.seconds)["mb_per_s_cpu"]}
        for name, extract in peers:
            row[name] = time_python(extract, docs, args.seconds)["mb_per_s_cpu"]
        for k, v in row.items():
            runs[k].append(v)
        print(f"run {r + 1}: " + ", ".join(f"{k} {v:.2f} MB/s" for k, v in row.items()), flush=True)
    print("\n| tool | MB/s (CPU), median (range) | newswire / tool, median (range) "
          "| dev precision / recall | held-out precision / recall |")
    print("|---|---|---|---|---|")
    predicted = rust_predictions(binary)
    predictors = [("newswire", lambda d: predicted.get(d["id"], set()))]
    predictors += [(n, lambda d, e=e: e(d["title"] + "\n\n" + d["body"])) for n, e in peers]
    for name, predict in predictors:
        ratios = [a / b for a, b in zip(runs["newswire"], runs[name])]
        ratio = f"{spread(ratios)}x" if name != "newswire" else ""
        dev = "%.3f / %.3f" % quality(predict, docs, "dev")
        held = "%.3f / %.3f" % quality(predict, docs, "held-out")
        print(f"| {name} | {spread(runs[name])} | {ratio} | {dev} | {held} |")


if __name__ == "__main__":
    main()
