#!/usr/bin/env python3
"""No-op update: the same 50 sources as the concurrent update (25 loopback
servers), a first run that records them, then nightly `regwatch update` runs in
which every source answers 304 Not Modified to the stored ETag.

Figures: CPU (user + system of the child, through wait4) per run (target 50 ms),
wall, new archive commits (target none), and what the runs wrote to the database:
the tables whose contents changed and the bytes by which regwatch.db and its
write-ahead log differ afterwards (target: no database write)."""

import hashlib
import json
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
from updatelib import UpdateSet  # noqa: E402

RUNS = max(B.REPS, 7)


def table_digests(db):
    """sha256 of each table's rows, read through a read-only connection."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        res = {}
        for t in names:
            h = hashlib.sha256()
            for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % t.replace('"', '""')):
                h.update(repr(row).encode())
            res[t] = h.hexdigest()
        return res
    finally:
        con.close()


def file_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def differing_bytes(a, b):
    n = sum(1 for x, y in zip(a, b) if x != y)
    return n + abs(len(a) - len(b))


def main():
    B.build()
    tmp = B.scratch("noop")
    u = None
    try:
        u = UpdateSet(tmp, 25, {"maxParallel": 64, "maxAttempts": 1}, "noop")
        u.set_delay(None)
        u.update()  # validators settle: from here on every answer is 304
        git = os.path.join(u.data, "archive.git")
        db = os.path.join(u.data, "regwatch.db")
        commits = B.git_commits(git)
        before_tables = table_digests(db)
        before_db, before_wal = file_bytes(db), file_bytes(db + "-wal")
        log_lines = sum(len(open(os.path.join(r, "requests.log")).readlines()) for r in u.roots)
        walls, cpus = [], []
        for _ in range(RUNS):
            r = u.update()
            walls.append(r.wall)
            cpus.append(r.cpu)
        after_db, after_wal = file_bytes(db), file_bytes(db + "-wal")
        changed = sorted(t for t, d in table_digests(db).items() if before_tables.get(t) != d)
        new_commits = B.git_commits(git) - commits
        requests = sum(len(open(os.path.join(r, "requests.log")).readlines()) for r in u.roots) - log_lines
        doc = json.loads(B.run([B.regwatch(), "--config", u.config, "--data", u.data, "sources", "--json"],
                               env=B.rw_env(tmp, "2027-01-01T00:00:00Z")).out)
        statuses = sorted({str(s["http_status"]) for s in doc["sources"] if s["name"] != "baseline"})
        B.figure("noop_update_cpu", B.median(cpus) * 1000, "ms", "<=50", B.verdict(B.median(cpus) <= 0.050),
                 [c * 1000 for c in cpus], "50 sources all answering 304 (%d requests in %d runs; last HTTP statuses %s)"
                 % (requests, RUNS, ",".join(statuses)))
        B.figure("noop_update_wall", B.median(walls) * 1000, "ms", "-", "INFO", [w * 1000 for w in walls])
        B.figure("noop_update_new_commits", new_commits, "commits", "=0", B.verdict(new_commits == 0),
                 note="archive commits made by %d no-op runs" % RUNS)
        written = differing_bytes(before_db, after_db) + differing_bytes(before_wal, after_wal)
        B.figure("noop_update_db_tables_changed", len(changed), "tables", "=0", B.verdict(not changed),
                 note="changed: %s" % (", ".join(changed) if changed else "none"))
        B.figure("noop_update_db_bytes_changed", written, "bytes", "=0", B.verdict(written == 0),
                 note="regwatch.db %d -> %d bytes, -wal %d -> %d bytes after %d runs"
                 % (len(before_db), len(after_db), len(before_wal), len(after_wal), RUNS))
    finally:
        if u:
            u.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
