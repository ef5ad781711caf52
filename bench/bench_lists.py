#!/usr/bin/env python3
"""Large list parse: a generated ~100 MiB OFAC sdnList XML and a ~100 MiB
trade.gov CSL CSV, each parsed by regwatch's parser (format xml, csv) in a
process of its own that holds the document in one buffer as `update` does.

Figures: throughput (MB = 10^6 bytes, over the CPU time of the parse call, so a
busy machine does not distort it; the wall time is in the note), peak RSS of the
process as a multiple of the document, and the same document through python3's
lxml iterparse (clearing each entry) and csv.reader as the reference ratio."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

SIZE_MIB = int(os.environ.get("REGWATCH_BENCH_LIST_MIB", "100"))

REFERENCE = r'''
import resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
t0 = time.process_time(); w0 = time.monotonic(); n = 0
if kind == "xml":
    from lxml import etree
    NS = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML}"
    for _, el in etree.iterparse(path, events=("end",), tag=NS + "sdnEntry"):
        fields = (el.findtext(NS + "uid"), el.findtext(NS + "lastName"),
                  [p.text for p in el.iter(NS + "program")], [a.findtext(NS + "lastName") for a in el.iter(NS + "aka")])
        n += 1
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
else:
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        head = next(rows)
        cols = [head.index(c) for c in ("_id", "source", "name", "start_date", "alt_names")]
        for row in rows:
            fields = [row[i] for i in cols]
            n += 1
print("records %d cpu %.6f wall %.6f" % (n, time.process_time() - t0, time.monotonic() - w0))
'''


def parse_line(text):
    words = text.split()
    return {words[i]: float(words[i + 1]) for i in range(0, len(words) - 1, 2)}


def main():
    B.build()
    tmp = B.scratch("lists")
    py = B.reference_python("lxml")
    ref_script = os.path.join(tmp, "reference.py")
    with open(ref_script, "w") as f:
        f.write(REFERENCE)
    try:
        for fmt, label, refname in (("xml", "sdnlist", "lxml_iterparse"), ("csv", "csl", "python_csv")):
            doc = os.path.join(tmp, "list." + fmt)
            B.log("generating a %d MiB %s document" % (SIZE_MIB, label))
            B.run([B.program("bench_parse"), "gen", fmt, doc, str(SIZE_MIB)])
            size = os.path.getsize(doc)
            mb = size / 1e6
            rates, walls, rss, records = [], [], [], 0
            for _ in range(B.REPS):
                r = B.run([B.program("bench_parse"), "parse", fmt, doc])
                v = parse_line(r.out)
                records = int(v["records"])
                rates.append(mb / v["cpu"])
                walls.append(v["wall"])
                rss.append(r.maxrss_kib * 1024.0 / size)
            B.figure("parse_%s_throughput" % label, B.median(rates), "MB/s", ">=100", B.verdict(B.median(rates) >= 100),
                     rates, "%.1f MB, %d records; wall of the parse call %.2f s (median)" % (mb, records, B.median(walls)))
            B.figure("parse_%s_peak_rss" % label, B.median(rss), "x_document", "<=2", B.verdict(B.median(rss) <= 2.0),
                     rss, "peak RSS %.0f MiB of the process holding the %.0f MiB document" %
                     (B.median(rss) * size / 2 ** 20, size / 2 ** 20))
            if fmt == "xml" and py is None:
                B.figure("parse_%s_vs_%s" % (label, refname), 0, "ratio", "-", "SKIP",
                         note="python3-lxml not installed (apt-get install python3-lxml)")
            else:
                ref_rates, ref_rss = [], []
                for _ in range(B.REPS):
                    r = B.run([py or sys.executable, ref_script, fmt, doc])
                    v = parse_line(r.out)
                    ref_rates.append(mb / v["cpu"])
                    ref_rss.append(r.maxrss_kib * 1024.0 / size)
                B.figure("ref_%s_%s_throughput" % (label, refname), B.median(ref_rates), "MB/s", "-", "REF", ref_rates,
                         "peak RSS %.2f x the document" % B.median(ref_rss))
                B.figure("parse_%s_vs_%s" % (label, refname), B.median(rates) / B.median(ref_rates), "ratio", "-",
                         "REF", note="regwatch throughput / reference throughput (above 1: regwatch is faster)")
            os.unlink(doc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
