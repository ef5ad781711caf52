#!/usr/bin/env python3
"""The concurrent update's comparison points: the same 50 sources answering
after 200 ms, served by one loopback server (the fetch module opens at most two
connections per host, so 25 rounds), and from 25 servers one at a time
(fetch.maxParallel = 1, the sequential time: 50 rounds)."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402
from updatelib import UpdateSet  # noqa: E402


def main():
    B.build()
    tmp = B.scratch("update-serial")
    mem, in_memory = B.memory_scratch("update-serial-data", 64)
    where = "data directory in memory" if in_memory else "data directory on disk"
    sets = []
    try:
        B.log("50 sources on one server")
        u = UpdateSet(tmp, 1, {"maxParallel": 64, "maxAttempts": 1}, "one-host", mem)
        sets.append(u)
        walls, _ = u.nights(B.REPS)
        B.figure("update_one_host_wall", B.median(walls) * 1000, "ms", "-", "INFO", [w * 1000 for w in walls],
                 "50 sources on one host answering after 200 ms: 2 connections per host, 25 rounds; " + where)
        u.close()
        sets.remove(u)
        B.log("50 sources on 25 servers, one at a time")
        u = UpdateSet(tmp, 25, {"maxParallel": 1, "maxAttempts": 1}, "sequential", mem)
        sets.append(u)
        walls, _ = u.nights(B.REPS)
        B.figure("update_sequential_wall", B.median(walls) * 1000, "ms", "-", "INFO", [w * 1000 for w in walls],
                 "fetch.maxParallel 1: 50 rounds of 200 ms; " + where)
    finally:
        for u in sets:
            u.close()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(mem, ignore_errors=True)


if __name__ == "__main__":
    main()
