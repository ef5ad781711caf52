#!/usr/bin/env python3
"""Feed parse: a generated 10 000-item RSS 2.0 feed (Federal Register shape,
escaped HTML descriptions) and a 10 000-entry Atom feed (GOV.UK finder shape),
each parsed by regwatch's parser in a process of its own, beside
python3-feedparser on the same bytes (the reference ratio). Throughput is over
CPU time (MB = 10^6 bytes)."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

ITEMS = 10000

REFERENCE = r'''
import sys, time, feedparser
with open(sys.argv[1], "rb") as f:
    data = f.read()
t0 = time.process_time()
d = feedparser.parse(data)
n = sum(1 for e in d.entries if e.get("title") and e.get("link"))
print("records %d cpu %.6f bozo %d" % (n, time.process_time() - t0, 1 if d.bozo else 0))
'''


def parse_line(text):
    words = text.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)}


def main():
    B.build()
    tmp = B.scratch("feeds")
    py = B.reference_python("feedparser")
    ref_script = os.path.join(tmp, "reference.py")
    with open(ref_script, "w") as f:
        f.write(REFERENCE)
    try:
        for fmt in ("rss", "atom"):
            doc = os.path.join(tmp, "feed." + fmt)
            B.run([B.program("bench_parse"), "gen", fmt, doc, str(ITEMS)])
            size = os.path.getsize(doc)
            mb = size / 1e6
            rates, items_s, records = [], [], 0
            for _ in range(B.REPS):
                v = parse_line(B.run([B.program("bench_parse"), "parse", fmt, doc]).out)
                records = int(v["records"])
                rates.append(mb / v["cpu"])
                items_s.append(v["cpu"] * 1000.0)
            B.figure("parse_%s_10k_items" % fmt, B.median(items_s), "ms", "-", "INFO", items_s,
                     "%d items, %.1f MB: %.0f MB/s" % (records, mb, B.median(rates)))
            if py is None:
                B.figure("parse_%s_vs_feedparser" % fmt, 0, "ratio", "-", "SKIP",
                         note="python3-feedparser not installed (apt-get install python3-feedparser)")
                continue
            ref = []
            for _ in range(B.REPS):
                v = parse_line(B.run([py, ref_script, doc]).out)
                if int(v["records"]) != ITEMS or v["bozo"]:
                    B.log("feedparser read %d items of %d (bozo %d)" % (v["records"], ITEMS, v["bozo"]))
                ref.append(v["cpu"] * 1000.0)
            B.figure("ref_%s_feedparser_10k_items" % fmt, B.median(ref), "ms", "-", "REF", ref,
                     "%.1f MB/s" % (mb / (B.median(ref) / 1000.0)))
            B.figure("parse_%s_vs_feedparser" % fmt, B.median(ref) / B.median(items_s), "ratio", "-", "REF",
                     note="feedparser time / regwatch time (above 1: regwatch is faster)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
