#!/usr/bin/env python3
"""Status query and growth over ten years of synthetic nightly history (3 650
runs, 1% of the list's statuses changing each night; see historylib.py for how
the history is made and kept).

Figures:
- status --on as a process: `regwatch --config feeds.conf --data DIR status
  VENDOR --on DATE` (hyperfine when installed, else a loop), the wall per query
  (target 5 ms); the same without a configuration file; and the start-up floor of
  any process linked like regwatch (bench_startup: loading the libraries,
  libcurl's and libgit2's global set-up);
- status in-process: rw_db_status on an open database (bench_status), per query,
  on dates spread over the ten years (target 5 ms), and with --as-known-on;
- growth: archive (du of archive.git, git count-objects) and database bytes after
  365 and after 3 650 runs, bytes per run in each stretch, and what nights without
  changes add (target: no commit, no archive byte);
- a nightly update with nothing changed after ten years: CPU (target 50 ms)."""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import historylib  # noqa: E402

DATES = ["2017-06-15", "2018-06-15", "2019-06-15", "2020-06-15", "2021-03-12", "2022-06-15", "2023-06-15",
         "2024-06-15", "2025-06-15", "2026-06-15"]
KNOWN = "2021-06-30T23:59:59Z"
QUERIES = 200
PROCESS_RUNS = 30
NOOP_NIGHTS = max(B.REPS, 7)


def vendor_rows(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return dict(con.execute("SELECT vendor, count(*) FROM intervals WHERE vendor IS NOT NULL GROUP BY vendor"))
    finally:
        con.close()


def process_times(cmd, env, cwd):
    """Per-run wall times (ms) of cmd, and mean CPU (ms): hyperfine -N when installed, else wait4 in a loop."""
    hf = shutil.which("hyperfine")
    if hf:
        out = os.path.join(cwd, "hyperfine.json")
        p = subprocess.run([hf, "-N", "--warmup", "3", "--runs", str(PROCESS_RUNS), "--export-json", out,
                            " ".join(cmd)], env=env, cwd=cwd, capture_output=True, text=True)
        if p.returncode == 0:
            with open(out) as f:
                res = json.load(f)["results"][0]
            return [t * 1000 for t in res["times"]], (res["user"] + res["system"]) * 1000, "hyperfine"
    walls, cpus = [], []
    for _ in range(3):
        B.run(cmd, env=env, cwd=cwd)
    for _ in range(PROCESS_RUNS):
        r = B.run(cmd, env=env, cwd=cwd)
        walls.append(r.wall * 1000)
        cpus.append(r.cpu * 1000)
    return walls, B.median(cpus), "wait4 loop"


def in_process(db, vendor, known=None):
    cmd = [B.program("bench_status"), db, vendor, str(QUERIES), str(B.REPS)]
    if known:
        cmd += ["--as-known-on", known]
    out = B.run(cmd + DATES).out
    per = [float(line.split()[5]) for line in out.splitlines() if line.startswith("rep ")]
    rows = int(out.splitlines()[-1].split()[7])
    return per, rows


def main():
    h, early = historylib.ensure()
    meta = h.meta
    tmp = B.scratch("history")
    work = None
    try:
        s365, s3650 = meta["sizes_%d" % historylib.EARLY], meta["sizes_%d" % historylib.NIGHTS]
        B.figure("history_generated", s3650["rows"]["runs"], "runs", "-", "INFO",
                 note="%s; %d intervals, %d changes; made once in %.0f s wall, %.0f s CPU (%s)" %
                 (meta["gen_%d" % historylib.NIGHTS], s3650["rows"]["intervals"], s3650["rows"]["changes"],
                  meta.get("gen_seconds", 0), meta.get("gen_cpu_seconds", 0),
                  "in memory" if meta.get("in_memory") else "on disk"))

        # The vendor with the most intervals, and hikvision (the question users ask most).
        counts = vendor_rows(h.db)
        busiest = max(counts, key=counts.get)
        vendors = ["hikvision"] + ([busiest] if busiest != "hikvision" else [])
        env = B.rw_env(tmp, "2026-11-29T12:00:00Z")

        for vendor in vendors:
            cmd = [B.regwatch(), "--config", h.config, "--data", h.data, "status", vendor, "--on", "2021-03-12"]
            walls, cpu, how = process_times(cmd, env, tmp)
            B.figure("status_process_%s" % vendor, B.median(walls), "ms", "<=5", B.verdict(B.median(walls) <= 5),
                     walls, "%d interval rows for %s; CPU %.1f ms; %s" % (counts.get(vendor, 0), vendor, cpu, how))
        walls, cpu, how = process_times([B.regwatch(), "--data", h.data, "status", "hikvision", "--on", "2021-03-12"],
                                        env, tmp)
        B.figure("status_process_no_config", B.median(walls), "ms", "-", "INFO", walls,
                 "the same without a feeds.conf (nothing to read but the database); CPU %.1f ms" % cpu)
        for mode, what in (("link", "loading and relocating the shared libraries"),
                           ("fetch", "+ libcurl global set-up"), ("archive", "+ libgit2 global set-up"),
                           ("all", "everything regwatch's main sets up before any command")):
            walls, cpu, how = process_times([B.program("bench_startup"), mode], env, tmp)
            B.figure("startup_%s" % mode, B.median(walls), "ms", "-", "INFO", walls,
                     "%s; CPU %.1f ms" % (what, cpu))

        for vendor in vendors:
            per, rows = in_process(h.db, vendor)
            B.figure("status_inprocess_%s" % vendor, B.median(per), "ms", "<=5", B.verdict(B.median(per) <= 5), per,
                     "mean of %d rw_db_status calls per repetition over %d dates 2017-2026 (%d statuses on the last)"
                     % (QUERIES, len(DATES), rows))
        per, rows = in_process(h.db, "hikvision", KNOWN)
        B.figure("status_inprocess_as_known_on", B.median(per), "ms", "<=5", B.verdict(B.median(per) <= 5), per,
                 "hikvision, as known on %s" % KNOWN)

        # Growth.
        runs_a, runs_b = s365["rows"]["runs"], s3650["rows"]["runs"]
        chg_a, chg_b = s365["rows"]["changes"], s3650["rows"]["changes"]
        for label, key in (("archive", "archive_du"), ("db", "db_bytes")):
            a, b = s365[key], s3650[key]
            B.figure("growth_%s_365" % label, a / 1e6, "MB", "-", "INFO",
                     note="after %d runs (%d changes): %.1f kB per run" % (runs_a, chg_a, a / runs_a / 1e3))
            B.figure("growth_%s_3650" % label, b / 1e6, "MB", "-", "INFO",
                     note="after %d runs (%d changes): runs 366-3650 added %.1f kB per run (%.2f x the first "
                          "stretch's rate)" % (runs_b, chg_b, (b - a) / (runs_b - runs_a) / 1e3,
                                                ((b - a) / (runs_b - runs_a)) / (a / runs_a)))
        B.figure("growth_archive_objects_3650", s3650["objects"], "objects", "-", "INFO",
                 note="git count-objects: %d loose objects, %.1f MB loose, %.1f MB packed (at 365: %d objects)"
                 % (s3650["objects"], s3650["loose_kib"] / 1024.0, s3650["pack_kib"] / 1024.0, s365["objects"]))
        packed = meta.get("packed_%d" % historylib.NIGHTS)
        if packed:
            B.figure("growth_archive_3650_packed", packed["du"] / 1e6, "MB", "-", "INFO",
                     note="the same archive after git repack -a -d (%.1f x smaller; the repack took %.0f s CPU, "
                          "measured once when the history was made)" % (s3650["archive_du"] / packed["du"],
                                                                       packed["cpu_seconds"]))

        # Nights without changes after ten years: the same documents, the clock moving on.
        work, config = historylib.working_copy(h, "history-noop")
        data = os.path.join(work, "data")
        before = historylib.sizes(data)
        first = datetime.datetime(2026, 12, 1, 2, 0, 0)
        cpus, walls = [], []
        for n in range(NOOP_NIGHTS):
            now = (first + datetime.timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            r = B.run([B.regwatch(), "--config", config, "-q", "update", "--no-notify"], env=B.rw_env(tmp, now))
            cpus.append(r.cpu * 1000)
            walls.append(r.wall * 1000)
        after = historylib.sizes(data)
        B.figure("noop_update_cpu_after_10y", B.median(cpus), "ms", "<=50", B.verdict(B.median(cpus) <= 50), cpus,
                 "4 file:// sources unchanged, %d commits in the archive; wall %.0f ms" %
                 (before["commits"], B.median(walls)))
        grew = after["archive_du"] - before["archive_du"]
        commits = after["commits"] - before["commits"]
        B.figure("growth_nights_without_change", grew, "bytes", "=0", B.verdict(grew == 0 and commits == 0),
                 note="archive growth over %d nights without change: %d commits; database %d -> %d bytes"
                 % (NOOP_NIGHTS, commits, before["db_bytes"], after["db_bytes"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
