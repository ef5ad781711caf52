#!/usr/bin/env python3
"""check of a 100 000-asset inventory: a generated asset register (RFC 4180 CSV
with the recognised columns) in which about a third of the assets are made by a
followed vendor, sold under one of its brands or OEM relabellers, or built on
its chipsets, and the rest by makers the dictionary does not know. The database
holds the curated baseline and one FCC Covered List snapshot (one update).

Figures: wall of `regwatch check INVENTORY --on DATE` as a process (target 1 s),
with its CPU, peak memory and output size; the same with --json."""

import csv
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as B  # noqa: E402

ASSETS = 100000
OURS = [("Hikvision", "", "DS-2CD2143G2-I", ""), ("Dahua", "", "IPC-HDW2431T", ""),
        ("Hangzhou Hikvision Digital Technology Co., Ltd.", "", "DS-2DE4425IW", ""),
        ("", "EZVIZ", "CS-C6N", ""), ("", "HiLook", "IPC-B140H", ""), ("", "Lechange", "LC-A22", ""),
        ("Acme Cameras", "", "AC-100", "Hi3516EV300"), ("Huawei", "", "M2121-10-EI", ""),
        ("", "Annke", "C800", ""), ("Hytera", "", "PD785G", ""), ("ZTE", "", "ZXV10", ""),
        ("Lorex", "", "LNB8005", "")]
OTHERS = [("Axis Communications", "", "P3245-LVE", "ARTPEC-7"), ("Bosch", "", "FLEXIDOME 5100i", ""),
          ("Hanwha Vision", "", "XNV-6080R", "WN7"), ("Avigilon", "", "H5A", ""), ("Mobotix", "", "M16", ""),
          ("Dahuang Foods", "", "n/a", ""), ("Vivotek", "", "FD9389", ""), ("Milestone", "", "Husky", "")]
PURPOSES = ["public-safety", "critical-infrastructure", "office", ""]


def write_inventory(path, n, seed=7):
    rnd = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["asset_id", "site", "manufacturer", "brand", "model", "quantity", "chipset", "installed",
                    "purpose", "notes"])
        for i in range(n):
            maker, brand, model, chip = rnd.choice(OURS) if rnd.random() < 0.33 else rnd.choice(OTHERS)
            w.writerow(["CAM-%06d" % i, "Site %d, Block %s" % (i % 700, "ABCDEFGH"[i % 8]), maker, brand, model,
                        rnd.randint(1, 8), chip, "20%02d-%02d-%02d" % (15 + i % 11, 1 + i % 12, 1 + i % 28),
                        rnd.choice(PURPOSES), "camera %d, \"north\" side" % i if i % 50 == 0 else ""])


def main():
    B.build()
    tmp = B.scratch("check")
    try:
        if not B.has_command("check"):
            B.figure("check_100k_assets", 0, "ms", "<=1000", "SKIP", note="this build has no 'check' command")
            return
        www = os.path.join(tmp, "www")
        os.makedirs(www)
        shutil.copy(os.path.join(B.SOURCE, "tests", "data", "fcc", "coveredlist-2022-03-25.html"),
                    os.path.join(www, "coveredlist.html"))
        config = os.path.join(tmp, "feeds.conf")
        data = os.path.join(tmp, "data")
        B.write_config(config, [{"name": "fcc-covered-list", "url": "file://%s/coveredlist.html" % www,
                                 "format": "html-table", "regime": "us.fcc-covered-list",
                                 "tableHeader": "Date of Inclusion on Covered List"}], data_dir=data)
        env = B.rw_env(tmp, "2026-11-29T02:00:00Z")
        B.run([B.regwatch(), "--config", config, "-q", "update", "--no-notify"], env=env)
        inv = os.path.join(tmp, "inventory.csv")
        write_inventory(inv, ASSETS)
        size = os.path.getsize(inv)
        base = [B.regwatch(), "--config", config, "check", inv, "--on", "2026-11-29"]
        for name, cmd in (("check_100k_assets", base), ("check_100k_assets_json", base + ["--json"])):
            walls, cpus, rss, out_bytes, out = [], [], [], 0, ""
            for _ in range(B.REPS):
                r = B.run(cmd, env=env, check=False)
                if r.rc not in (0, 4):
                    sys.stderr.write(r.err[-2000:])
                    sys.exit("bench: check exited %d" % r.rc)
                walls.append(r.wall * 1000)
                cpus.append(r.cpu * 1000)
                rss.append(r.maxrss_kib / 1024.0)
                out_bytes = len(r.out.encode("utf-8"))
                out = r.out
            what = "table output"
            if cmd[-1] == "--json":
                try:
                    doc = json.loads(out)["summary"]
                    what = "%d assets, %d affected (%d units); JSON" % (doc["assets"], doc["affected"],
                                                                       doc["units_affected"])
                except (ValueError, KeyError, TypeError):
                    what = "JSON summary unreadable"
            B.figure(name, B.median(walls), "ms", "<=1000", B.verdict(B.median(walls) <= 1000), walls,
                     "%s of %.1f MB; inventory %.1f MB; CPU %.0f ms; peak RSS %.0f MiB"
                     % (what, out_bytes / 1e6, size / 1e6, B.median(cpus), B.median(rss)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
