#!/usr/bin/env python3
"""rebuild: `regwatch rebuild` re-derives the database from the archive of the
ten-year synthetic history (3 650 nights; see historylib.py), on a copy of the
data directory (in memory when there is room).

Figures: the rebuild of all 3 650 runs (target 60 s) and, for scale, of the
first 365. A rebuild of the whole history takes about a minute, so it is
repeated five times only when one takes under 20 s (REGWATCH_BENCH_REBUILD_REPS
sets the count); the 365-run rebuild is always repeated five times."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
import historylib  # noqa: E402


def rebuild_times(h, reps, first_budget=None):
    """reps rebuilds of h (fewer when the first takes longer than first_budget seconds)."""
    work, config = historylib.working_copy(h, "rebuild")
    walls, cpus, out = [], [], ""
    try:
        env = B.rw_env(work, "2026-12-15T02:00:00Z")
        for i in range(reps):
            r = B.run([B.regwatch(), "--config", config, "rebuild"], env=env)
            walls.append(r.wall)
            cpus.append(r.cpu)
            out = r.out.strip()
            if i == 0 and first_budget is not None and r.wall > first_budget:
                break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return walls, cpus, out


def main():
    B.build()
    if not B.has_command("rebuild"):
        B.figure("rebuild_3650_runs", 0, "s", "<=60", "SKIP", note="this build has no 'rebuild' command")
        return
    h, early = historylib.ensure()
    want = int(os.environ.get("REGWATCH_BENCH_REBUILD_REPS", "0")) or B.REPS
    budget = None if os.environ.get("REGWATCH_BENCH_REBUILD_REPS") else 20.0
    walls, cpus, out = rebuild_times(h, want, budget)
    note = "%s; CPU %.1f s" % (out, B.median(cpus))
    if len(walls) < 5:
        note += "; one repetition only: a rebuild this long does not fit five times in the time budget " \
                "(REGWATCH_BENCH_REBUILD_REPS=5 to insist)"
    B.figure("rebuild_3650_runs", B.median(walls), "s", "<=60", B.verdict(B.median(walls) <= 60), walls, note)
    walls, cpus, out = rebuild_times(early, B.REPS)
    B.figure("rebuild_365_runs", B.median(walls), "s", "-", "INFO", walls, "%s; CPU %.1f s" % (out, B.median(cpus)))


if __name__ == "__main__":
    main()
