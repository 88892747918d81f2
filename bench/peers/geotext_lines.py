#!/usr/bin/env python3
"""The peer of `newswire enrich --input FILE`: geotext over the same JSON lines, as a process.

    python3 bench/peers/geotext_lines.py FILE > out.jsonl

Reads {"id", "title", "body"} lines and prints one {"id", "countries"} line per input line,
with geotext 0.4.0's `GeoText(text).countries` on title and body (the call
bench/peers/countries.py times and scores). Run it with the venv's Python
(.bench-venv/bin/python, made by bench/peers/countries.py or enrich_whole.py).
"""
import json
import sys

from geotext import GeoText


def main():
    with open(sys.argv[1], encoding="utf-8") as lines:
        out = sys.stdout
        for line in lines:
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc.get("title", "") + "\n\n" + doc.get("body", "")
            out.write(json.dumps({"id": doc.get("id"), "countries": GeoText(text).countries}))
            out.write("\n")


if __name__ == "__main__":
    main()
