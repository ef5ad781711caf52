#!/usr/bin/env python3
"""Concurrent update: 50 sources on 25 loopback servers (two per server, the
fetch module's per-host limit), each answering after 200 ms. Each repetition is
one nightly `regwatch update`, timed as a process, on a night when all 50
documents changed (new bytes: fetched, parsed, archived, recorded); a first run
before the repetitions records the baseline. Nights with and without the 200 ms
delay alternate, so both see the same machine.

The data directory is in memory (/dev/shm when it has room), where fsync costs
nothing, so that the figures measure fetching and local work rather than the
disk's flush latency; the same nights with the data directory on disk follow as
an INFO figure (the difference is the archive's and database's fsyncs).

Figures: the wall time with 200 ms answers; the same nights answered at once
(the local work: start-up, 50 parses, archive commit, database); the difference,
the time spent waiting for the network (target: at most 1.5 x 200 ms); the same
nights with the shipped default fetch.maxParallel = 8; and on disk."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
from updatelib import DELAY, UpdateSet  # noqa: E402

WIDE = {"maxParallel": 64, "maxAttempts": 1}


def ms(xs):
    return [x * 1000 for x in xs]


def main():
    B.build()
    tmp = B.scratch("update")
    mem, in_memory = B.memory_scratch("update-data", 64)
    where = "data directory in memory" if in_memory else "data directory on disk (no room in /dev/shm)"
    sets = []
    try:
        B.log("50 sources on 25 servers")
        u = UpdateSet(tmp, 25, WIDE, "wide", mem)
        sets.append(u)
        walls, cpus, local, local_cpu = [], [], [], []
        for _ in range(B.REPS):
            u.set_delay(DELAY)
            w, c = u.nights(1)
            walls += w
            cpus += c
            u.set_delay(None)
            w, c = u.nights(1)
            local += w
            local_cpu += c
        u.set_delay(DELAY)
        target = 1.5 * DELAY + B.median(local)
        B.figure("update_concurrent_wall", B.median(walls) * 1000, "ms", "<=%.0f" % (target * 1000),
                 B.verdict(B.median(walls) <= target), ms(walls),
                 "50 sources on 25 hosts answering after 200 ms, fetch.maxParallel 64, %s; target 1.5 x 200 ms "
                 "+ the local work; CPU %.0f ms" % (where, B.median(cpus) * 1000))
        B.figure("update_local_work_wall", B.median(local) * 1000, "ms", "-", "INFO", ms(local),
                 "the same nights answered at once; CPU %.0f ms" % (B.median(local_cpu) * 1000))
        waiting = B.median(walls) - B.median(local)
        B.figure("update_concurrent_waiting", waiting * 1000, "ms", "<=%.0f" % (1500 * DELAY),
                 B.verdict(waiting <= 1.5 * DELAY), note="median wall with 200 ms answers minus median without")
        u.set_fetch({"maxAttempts": 1})
        walls, _ = u.nights(B.REPS)
        B.figure("update_default_parallel_wall", B.median(walls) * 1000, "ms", "-", "INFO", ms(walls),
                 "the shipped fetch.maxParallel 8: ceil(50/8) = 7 rounds of 200 ms")
        u.close()
        sets.remove(u)
        if in_memory:
            B.log("the same on disk")
            u = UpdateSet(tmp, 25, WIDE, "disk")
            sets.append(u)
            walls, cpus = u.nights(B.REPS)
            B.figure("update_concurrent_wall_on_disk", B.median(walls) * 1000, "ms", "-", "INFO", ms(walls),
                     "data directory on disk: %.0f ms of the wall is not CPU (fsync of the archive's loose objects "
                     "and the database)" % ((B.median(walls) - B.median(cpus)) * 1000))
    finally:
        for u in sets:
            u.close()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(mem, ignore_errors=True)


if __name__ == "__main__":
    main()
