"""Ten years of synthetic nightly history, made through the product and kept
between benchmark runs.

bench_history_gen (a C program linking libregwatch) runs rw_update -- the
library call behind `regwatch update` -- once per simulated night, 3 650 nights
from 2016-12-01, with the clock set to 02:00 UTC of each night, against four
file:// sources: a CSL-shaped CSV list of 200 entries (every name and affiliate
of the dictionary plus generated entities) of which 1% change each night (an
entry delisted, or listed from that night), an RSS feed that gains an item every
seventh night, and an FCC Covered List page and an OFAC sdnList that never
change. Running the nights in one process (and the data directory in memory
while they run) saves the program's start-up and the disk's flush latency per
night; each night is otherwise exactly an update.

The result is kept under the Release build directory (bench-cache/), keyed by a
digest of the generator (which contains the library), the dictionary and the
baseline, with a copy taken after night 365, and the sizes measured at both
points. Delete bench-cache/ to make it again."""

import hashlib
import json
import os
import shutil
import time

import benchlib as B

NIGHTS = 3650
EARLY = 365
SEED = 42
CACHE_ROOT = os.path.join(B.BUILD, "bench-cache")
FIRST = "2016-12-01"


def _key():
    h = hashlib.sha256()
    for path in (B.program("bench_history_gen"), os.path.join(B.SOURCE, "db", "vendors.conf"),
                 os.path.join(B.SOURCE, "db", "regimes.conf"),
                 os.path.join(B.SOURCE, "tests", "data", "fcc", "coveredlist-2022-03-25.html"),
                 os.path.join(B.SOURCE, "tests", "data", "lists", "sdn-current.xml")):
        with open(path, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    h.update(("%d %d %d" % (NIGHTS, EARLY, SEED)).encode())
    return h.hexdigest()[:16]


def write_config(path, base, www):
    """The four sources, reading file://WWW, and the data directory BASE/data."""
    B.write_config(path, [
        {"name": "trade-csl", "url": "file://%s/csl.csv" % www, "format": "csv",
         "listRegime": "Entity List (EL)=us.entity-list"},
        {"name": "federal-register", "url": "file://%s/news.rss" % www, "format": "rss"},
        {"name": "fcc-covered-list", "url": "file://%s/coveredlist.html" % www, "format": "html-table",
         "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"},
        {"name": "ofac-consolidated", "url": "file://%s/sdn.xml" % www, "format": "xml",
         "listRegime": "CMIC-EO13959=us.ns-cmic"},
    ], data_dir=os.path.join(base, "data"))


def sizes(data):
    """What the data directory holds: archive and database bytes, objects, rows."""
    git = os.path.join(data, "archive.git")
    co = B.git_count_objects(git)
    db = os.path.join(data, "regwatch.db")
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        rows = {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("runs", "intervals", "changes", "announcements")}
    finally:
        con.close()
    return {"archive_du": B.du_bytes(git), "objects": co.get("count", 0) + co.get("in-pack", 0),
            "loose_kib": co.get("size", 0), "pack_kib": co.get("size-pack", 0), "commits": B.git_commits(git),
            "db_bytes": os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0),
            "rows": rows}


class History:
    """A generated history: base/{feeds.conf, www/, data/} and the meta of its generation."""

    def __init__(self, base):
        self.base = base
        self.config = os.path.join(base, "feeds.conf")
        self.www = os.path.join(base, "www")
        self.data = os.path.join(base, "data")
        self.db = os.path.join(self.data, "regwatch.db")
        with open(os.path.join(base, "meta.json")) as f:
            self.meta = json.load(f)


def _generate(final):
    """Runs the nights in memory and moves the result to final (and final + '-365')."""
    work, in_memory = B.memory_scratch("history-gen", 1024)
    try:
        www = os.path.join(work, "www")
        os.makedirs(www)
        shutil.copy(os.path.join(B.SOURCE, "tests", "data", "fcc", "coveredlist-2022-03-25.html"),
                    os.path.join(www, "coveredlist.html"))
        shutil.copy(os.path.join(B.SOURCE, "tests", "data", "lists", "sdn-current.xml"), os.path.join(www, "sdn.xml"))
        config = os.path.join(work, "feeds.conf")
        write_config(config, work, www)
        meta = {"nights": NIGHTS, "seed": SEED, "first_night": FIRST, "in_memory": in_memory}
        t0 = time.monotonic()
        B.log("generating %d nights of history (once; kept in %s)" % (EARLY, CACHE_ROOT))
        r = B.run([B.program("bench_history_gen"), config, www, "0", str(EARLY), str(SEED)])
        meta["gen_%d" % EARLY] = r.out.strip()
        meta["gen_cpu_seconds"] = r.cpu
        meta["sizes_%d" % EARLY] = sizes(os.path.join(work, "data"))
        early = final + "-%d" % EARLY
        _store(work, early, dict(meta, nights=EARLY))
        B.log("generating nights %d to %d" % (EARLY, NIGHTS))
        r = B.run([B.program("bench_history_gen"), config, www, str(EARLY), str(NIGHTS), str(SEED)])
        meta["gen_%d" % NIGHTS] = r.out.strip()
        meta["gen_cpu_seconds"] += r.cpu
        meta["gen_seconds"] = time.monotonic() - t0
        meta["sizes_%d" % NIGHTS] = sizes(os.path.join(work, "data"))
        # What packing would make of the archive (regwatch writes loose objects only): once, on a copy.
        B.log("packing a copy of the archive (git repack -a -d)")
        packed = os.path.join(work, "packed.git")
        shutil.copytree(os.path.join(work, "data", "archive.git"), packed, symlinks=True)
        r = B.run(["git", "--git-dir", packed, "repack", "-a", "-d", "-q"])
        meta["packed_%d" % NIGHTS] = {"du": B.du_bytes(packed), "cpu_seconds": r.cpu, "wall_seconds": r.wall}
        shutil.rmtree(packed)
        _store(work, final, meta)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _store(work, dest, meta):
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(work, tmp, symlinks=True)
    write_config(os.path.join(tmp, "feeds.conf"), dest, os.path.join(dest, "www"))
    with open(os.path.join(tmp, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)


def ensure():
    """The 3 650-night history and the 365-night copy: (History(3650), History(365))."""
    B.build()
    final = os.path.join(CACHE_ROOT, "history-" + _key())
    if not (os.path.exists(os.path.join(final, "meta.json")) and
            os.path.exists(os.path.join(final + "-%d" % EARLY, "meta.json"))):
        os.makedirs(CACHE_ROOT, exist_ok=True)
        for old in os.listdir(CACHE_ROOT):
            if old.startswith("history-"):
                shutil.rmtree(os.path.join(CACHE_ROOT, old), ignore_errors=True)
        _generate(final)
    return History(final), History(final + "-%d" % EARLY)


def working_copy(h, prefix):
    """A writable copy of a history (in memory when there is room): (base, config)."""
    work, _ = B.memory_scratch(prefix, 1024)
    shutil.copytree(h.data, os.path.join(work, "data"), symlinks=True)
    config = os.path.join(work, "feeds.conf")
    write_config(config, work, h.www)
    return work, config
