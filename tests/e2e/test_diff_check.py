"""diff and check end to end: a scripted sequence of nightly runs against a loopback server
(the FCC Covered List page and the FCC headlines feed), then the changes between runs, dates
and instants, and an inventory checked against what the runs recorded.

Golden files: tests/data/diff/*.json and tests/data/inventory/*-check.json, with the loopback
address written as http://loopback/. RW_UPDATE_GOLDEN=1 rewrites them from the current output
(review the difference before keeping it)."""

import atexit
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, SURVEILLANCE, covered_list_page  # noqa: E402

DATA = os.path.join(rwtest.SOURCE_DIR, "tests", "data")
REGIMES = os.path.join(DATA, "diff", "regimes.conf")
COUNCIL = os.path.join(DATA, "inventory", "council.csv")

RUNS = ["2021-03-20T02:00:00Z", "2022-03-27T02:00:00Z", "2022-09-21T02:00:00Z", "2025-12-23T02:00:00Z",
        "2026-01-08T02:00:00Z"]
NOW = "2026-11-29T02:00:00Z"

# Covered List rows added on 2022-03-25 and 2022-09-20 (section 214 authorisations), and the
# UAS row of 2025-12-22, updated on 2026-01-07.
SECTION_214 = ("International telecommunications services provided by <strong>{}</strong> subject to section 214 "
               "of the Communications Act of 1934.")
ROWS_2022_03 = [
    ("Information security products, solutions, and services supplied, directly or indirectly, by <strong>AO "
     "Kaspersky Lab</strong> or any of its predecessors, successors, parents, subsidiaries, or affiliates.",
     "March 25, 2022"),
    (SECTION_214.format("China Mobile International USA Inc."), "March 25, 2022"),
    (SECTION_214.format("China Telecom (Americas) Corp."), "March 25, 2022"),
]
ROWS_2022_09 = [
    ("International telecommunications services provided by <strong>Pacific Networks Corp</strong> and its "
     "wholly-owned subsidiary <strong>ComNet (USA) LLC</strong> subject to section 214 of the Communications "
     "Act of 1934.", "September 20, 2022"),
    (SECTION_214.format("China Unicom (Americas) Operations Limited"), "September 20, 2022"),
]
UAS = "Uncrewed aircraft systems (UAS) and UAS critical components produced in a foreign country."
ROW_UAS = (UAS, "December 22, 2025")
ROW_UAS_UPDATED = (UAS, "December 22, 2025<br><br>Updated:<br>January 7, 2026")

ITEM_2021 = ("FCC Publishes List of Equipment And Services That Pose A Threat to National Security",
             "https://www.fcc.gov/document/fcc-releases-list-equipment-services-pose-security-threat",
             "Public Notice, DA 21-309. The list covers telecommunications equipment produced by Huawei "
             "Technologies Company and ZTE Corporation, and video surveillance and telecommunications equipment "
             "produced by Hytera Communications Corporation, Hangzhou Hikvision Digital Technology Company and "
             "Dahua Technology Company.", "Fri, 12 Mar 2021 12:00:00 -0500")
ITEM_2022 = ("FCC Announces Additions to the Covered List",
             "https://www.fcc.gov/document/announcement-additions-covered-list",
             "Public Notice adding AO Kaspersky Lab, China Mobile International USA Inc and China Telecom "
             "(Americas) Corp. to the Covered List.", "Fri, 25 Mar 2022 12:00:00 -0400")
ITEM_LUMINYS = ("FCC Directs Luminys Systems Corporation to Show Cause",
                "https://www.fcc.gov/document/fcc-directs-luminys-systems-corporation-show-cause",
                "Order directing Luminys Systems Corporation, which bought Dahua Technology's North American "
                "business, to show cause why its equipment authorizations should not be revoked.",
                "Fri, 06 Jun 2025 12:00:00 -0400")

# Each run: the Covered List rows and the feed's items. Run 3 drops Hytera's row, a delisting
# that never happened, to exercise the "ended" path.
SCRIPT = [
    (ROWS_2021, [ITEM_2021]),
    (ROWS_2021 + ROWS_2022_03, [ITEM_2022, ITEM_2021]),
    ([r for r in ROWS_2021 if "Hytera" not in r[0]] + ROWS_2022_03 + ROWS_2022_09, [ITEM_2022, ITEM_2021]),
    ([r for r in ROWS_2021 if "Hytera" not in r[0]] + ROWS_2022_03 + ROWS_2022_09 + [ROW_UAS],
     [ITEM_LUMINYS, ITEM_2022, ITEM_2021]),
    ([r for r in ROWS_2021 if "Hytera" not in r[0]] + ROWS_2022_03 + ROWS_2022_09 + [ROW_UAS_UPDATED],
     [ITEM_LUMINYS, ITEM_2022, ITEM_2021]),
]


def rss(items):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<channel><title>FCC Headlines</title><link>https://www.fcc.gov/</link><description></description>']
    for title, link, text, date in items:
        out.append("<item><title>%s</title><link>%s</link><description>%s</description><pubDate>%s</pubDate>"
                   "<dc:creator>FCC</dc:creator></item>" % (title, link, text, date))
    out.append("</channel></rss>\n")
    return "\n".join(out)


def loopback(text):
    """Output with the loopback server's address and the source tree's path made constant."""
    return re.sub(r"http://127\.0\.0\.1:\d+/", "http://loopback/", text).replace(rwtest.SOURCE_DIR, "$SRC")


CACHE = {}


def _drop_cache():
    if "dir" in CACHE:
        shutil.rmtree(CACHE["dir"], ignore_errors=True)


atexit.register(_drop_cache)


class Scripted(rwtest.Env):
    """The five runs are made once; every test starts from a copy of their data directory."""

    def setUp(self):
        super().setUp()
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "removeAfter": "1", "timeout": "5000",
                            "tableHeader": "Date of Inclusion on Covered List"},
                           {"name": "fcc-headlines", "url": self.url("headlines.xml"), "format": "rss",
                            "timeout": "5000"}])
        with open(self.config) as f:
            text = f.read().replace(os.path.join(rwtest.SOURCE_DIR, "db", "regimes.conf"), REGIMES)
        with open(self.config, "w") as f:
            f.write(text)
        if "dir" not in CACHE:
            outputs = []
            for (rows, items), when in zip(SCRIPT, RUNS):
                self.write_www("coveredlist", covered_list_page(rows))
                self.write_www("headlines.xml", rss(items))
                outputs.append(self.run_rw("update", now=when, expect=0).stdout)
            CACHE["dir"] = tempfile.mkdtemp(prefix="regwatch-e2e-runs-")
            shutil.copytree(self.data, os.path.join(CACHE["dir"], "data"))
            CACHE["outputs"] = outputs
        else:
            shutil.copytree(os.path.join(CACHE["dir"], "data"), self.data)
        self.outputs = CACHE["outputs"]

    def golden(self, name, doc):
        path = os.path.join(DATA, name)
        text = loopback(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True)) + "\n"
        if os.environ.get("RW_UPDATE_GOLDEN"):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        with open(path, encoding="utf-8") as f:
            expected = json.load(f)
        self.assertEqual(json.loads(text), expected, "output differs from %s" % name)

    def diff(self, *args):
        return self.json("diff", *args, now=NOW)

    # ---- diff ----

    def test_each_update_prints_its_changes(self):
        out = self.outputs[2].splitlines()
        self.assertTrue(out[0].startswith("run 3 recorded"), out)
        self.assertEqual(out[1], "4 changes:")
        self.assertIn("  hytera: us.fcc-covered-list listed from 2021-03-12 ended on 2022-09-21 (ended; "
                      "fcc-covered-list, http://127.0.0.1:", self.outputs[2])
        self.assertIn("  new entity 'Pacific Networks Corp': us.fcc-covered-list listed from 2022-09-20 "
                      "(new-entity; fcc-covered-list, ", self.outputs[2])
        self.assertIn("  dahua: announcement of 2025-06-06: \"FCC Directs Luminys Systems Corporation to Show "
                      "Cause\" (fcc-headlines, https://www.fcc.gov/document/fcc-directs-luminys-systems-corporation-"
                      "show-cause)", self.outputs[3])
        # Run 5 changes only a note: recorded as kind evidence.
        self.assertIn("listed unchanged, evidence changed: updated: 2026-01-07 (evidence; ", self.outputs[4])
        # The first run records the curated baseline and the five listings.
        self.assertIn("  zte: us.entity-list listed from 2016-03-08 until 2017-03-29 (added; baseline, "
                      "https://www.federalregister.gov/d/2016-05104)", self.outputs[0])

    def test_quiet_update_prints_nothing(self):
        rows, items = SCRIPT[-1]
        self.write_www("coveredlist", covered_list_page(rows + [(
            "Information security products, solutions, and services supplied, directly or indirectly, by "
            "<strong>Kaspersky Lab, Inc</strong>.", "July 23, 2024")]))
        self.write_www("headlines.xml", rss(items))
        p = self.run_rw("-q", "update", now=NOW, expect=0)
        self.assertEqual(p.stdout, "")
        # (Each test's server listens on its own port: rows whose evidence is the page's address
        # change with it, hence the filter.)
        added = [c["entity"] for c in self.diff()["changes"] if c["kind"] == "new-entity"]
        self.assertEqual(added, ["Kaspersky Lab, Inc"])

    def test_default_is_the_last_runs_changes(self):
        doc = self.diff()
        self.assertEqual((doc["since_run"], doc["until_run"]), (4, 5))
        self.assertEqual((doc["since"], doc["until"]), (RUNS[3], RUNS[4]))
        # The last run changed only a note: plain diff hides it and says so, --all shows it.
        self.assertEqual((doc["changes"], doc["hidden_evidence"]), ([], 1))
        doc = self.diff("--all")
        self.assertEqual([(c["kind"], c["run"]) for c in doc["changes"]], [("evidence", 5)])
        self.assertEqual(doc["hidden_evidence"], 0)
        self.assertNotIn("affected_assets", doc)
        self.golden("diff/last-run.json", doc)
        p = self.run_rw("diff", now=NOW, expect=0)
        self.assertIn("1 change of only evidence, citation or note hidden (diff --all shows it)", p.stdout)

    def test_changes_between_runs_with_an_inventory(self):
        doc = self.diff("--since", "#1", "--until", "#3", "--inventory", COUNCIL)
        kinds = [(c["run"], c["kind"], c["vendor"] or c["entity"]) for c in doc["changes"]]
        self.assertEqual(kinds, [
            (2, "new-entity", "AO Kaspersky Lab"), (2, "new-entity", "China Mobile International USA Inc"),
            (2, "new-entity", "China Telecom (Americas) Corp"),
            (3, "new-entity", "China Unicom (Americas) Operations Limited"),
            (3, "new-entity", "ComNet (USA) LLC"), (3, "ended", "hytera"), (3, "new-entity", "Pacific Networks Corp")])
        ended = doc["changes"][-2]
        self.assertEqual((ended["from"], ended["to"], ended["effective"], ended["from_since"], ended["until"]),
                         ("listed", None, "2022-09-21", "2021-03-12", "2022-09-21"))
        # Hytera's radios, and Sepura's bought while Sepura was Hytera's, lose the Covered List.
        affected = {a["asset_id"]: a for a in doc["affected_assets"]}
        self.assertEqual(sorted(affected), ["RAD-0001", "RAD-0002"])
        for a in affected.values():
            self.assertEqual([(c["effect"], c["run"], c["regime"]) for c in a["changes"]],
                             [("stops-affecting", 3, "us.fcc-covered-list")])
            self.assertEqual(a["vendor"], "hytera")
            self.assertNotIn("us.fcc-covered-list", [s["regime"] for s in a["statuses"]])
        self.assertEqual(affected["RAD-0002"]["matches"][0]["evidence"],
                         "https://urgentcomm.com/devices/hytera-communications-completes-acquisition-of-sepura")
        self.assertEqual(doc["inventory"]["skipped"], 1)
        self.golden("diff/runs-2-3-inventory.json", doc)

    def test_the_first_run_affects_the_inventory(self):
        doc = self.diff("--since", "#0", "--until", "#1", "--inventory", COUNCIL)
        affected = {a["asset_id"]: {(c["effect"], c["vendor"], c["regime"]) for c in a["changes"]}
                    for a in doc["affected_assets"]}
        self.assertEqual(sorted(affected), ["CAM-0001", "CAM-0003", "CAM-0004", "CAM-0005", "CAM-0007", "NET-0001",
                                            "NET-0002", "RAD-0001", "RAD-0002"])
        self.assertIn(("affects", "huawei", "us.fcc-covered-list"), affected["CAM-0004"])
        self.assertIn(("affects", "hikvision", "us.ndaa-889"), affected["CAM-0001"])
        # ZTE's Entity List listing of 2016-2017 was over before this run: it affects no asset now.
        self.assertEqual(affected["NET-0002"], {("affects", "zte", "us.fcc-covered-list")})
        possible = [a for a in doc["affected_assets"] if a["asset_id"] == "CAM-0007"][0]
        self.assertTrue(all(c["possible"] for c in possible["changes"]))

    def test_points_as_runs_dates_and_instants(self):
        by_run = self.diff("--since", "#1", "--until", "#3")
        by_date = self.diff("--since", "2021-03-20", "--until", "2022-09-21")
        by_instant = self.diff("--since", "2021-03-20T02:00:00Z", "--until", "2022-09-21T02:00:00Z")
        self.assertEqual(by_date, by_run)
        self.assertEqual(by_instant, by_run)
        # A point between runs is the last run before it; a day before the first run is "nothing yet".
        self.assertEqual(self.diff("--since", "2022-09-20T23:00:00+02:00")["since_run"], 2)
        doc = self.diff("--since", "2020-01-01", "--until", "#1")
        self.assertEqual((doc["since_run"], doc["since"]), (0, None))
        self.assertEqual(len(doc["changes"]), len(self.diff("--since", "#0", "--until", "#1")["changes"]))
        # --until alone: that run's changes.
        self.assertEqual({c["run"] for c in self.diff("--until", "#2")["changes"]}, {2})
        # --since alone: everything after it.
        self.assertEqual({c["run"] for c in self.diff("--since", "#2", "--all")["changes"]}, {3, 4, 5})
        self.assertEqual(self.diff("--since", "#5")["changes"], [])

    def test_bad_points_are_usage_errors(self):
        p = self.run_rw("diff", "--until", "#9", now=NOW, expect=2)
        self.assertIn("--until: no run #9 in the record (runs #1 to #5)", p.stderr)
        p = self.run_rw("diff", "--since", "#3", "--until", "#2", now=NOW, expect=2)
        self.assertIn("--since (run #3) is after --until (run #2)", p.stderr)
        p = self.run_rw("diff", "--since", "yesterday", now=NOW, expect=2)
        self.assertIn("--since: 'yesterday' is not a run (#N), a date (YYYY-MM-DD) or an instant", p.stderr)
        p = self.run_rw("diff", "--since", "2022-02-30", now=NOW, expect=2)
        self.assertIn("'2022-02-30'", p.stderr)
        p = self.run_rw("diff", "--inventory", "/nonexistent/assets.csv", now=NOW, expect=2)
        self.assertIn("/nonexistent/assets.csv", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_readable_diff(self):
        p = self.run_rw("diff", "--since", "#2", "--inventory", COUNCIL, "--all", now=NOW, expect=0)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "runs #3 to #5 (%s to %s): 7 changes" % (RUNS[1], RUNS[4]))
        self.assertEqual(lines[1], "  run #3 (%s)" % RUNS[2])
        self.assertIn("    hytera: us.fcc-covered-list listed from 2021-03-12 ended on 2022-09-21", p.stdout)
        self.assertIn("  RAD-0001 (Control Room, 6 units): stops-affecting: hytera us.fcc-covered-list listed "
                      "(run 3)", p.stdout)
        self.assertIn("council.csv:14: quantity 'two' is not a whole number", p.stderr)

    # ---- check ----

    def test_check_golden(self):
        doc = self.json("check", COUNCIL, "--on", "2026-11-29", now=NOW)
        self.golden("inventory/council-check.json", doc)
        assets = {a["asset_id"]: a for a in doc["assets"]}
        self.assertEqual(sorted(assets), ["CAM-0001", "CAM-0003", "CAM-0004", "CAM-0005", "CAM-0007", "NET-0001",
                                          "NET-0002", "RAD-0001", "RAD-0002"])
        self.assertEqual(doc["summary"]["assets"], 12)
        self.assertEqual(doc["summary"]["affected"], 8)
        self.assertEqual(doc["summary"]["units_affected"], 4 + 3 + 1 + 2 + 6 + 4 + 1 + 1)
        self.assertEqual(doc["summary"]["possibly_affected"], 1)
        self.assertEqual(doc["summary"]["skipped_rows"], 1)
        sites = {s["site"]: (s["assets"], s["affected"], s["units_affected"]) for s in doc["summary"]["by_site"]}
        self.assertEqual(sites["Control Room"], (2, 2, 10))
        self.assertEqual(sites["Library"], (2, 0, 0))
        how = {k: (a["vendor"], a["matched_by"]) for k, a in assets.items()}
        self.assertEqual(how, {"CAM-0001": ("hikvision", "manufacturer"), "CAM-0003": ("hikvision", "brand"),
                               "CAM-0004": ("hisilicon", "chipset"), "CAM-0005": ("dahua", "manufacturer"),
                               "CAM-0007": ("dahua", "brand"), "NET-0001": ("huawei", "manufacturer"),
                               "NET-0002": ("zte", "manufacturer"),
                               "RAD-0001": ("hytera", "manufacturer"), "RAD-0002": ("hytera", "manufacturer")})
        self.assertTrue(assets["CAM-0007"]["possible"])
        self.assertEqual({m["vendor"] for m in assets["CAM-0007"]["matches"]}, {"dahua", "hikvision"})

    def test_purpose_decides_use_limited_listings(self):
        doc = self.json("check", COUNCIL, "--on", "2026-11-29", now=NOW)
        assets = {a["asset_id"]: a for a in doc["assets"]}

        def fcc(asset_id):
            return [(s["condition"], s["source"]) for s in assets[asset_id]["statuses"]
                    if s["regime"] == "us.fcc-covered-list"]

        # Government facilities: the listing applies, without condition.
        self.assertEqual(fcc("CAM-0001"), [(None, "fcc-covered-list")])
        # No purpose given: it applies if the camera is used for the listed purposes.
        self.assertEqual(len(fcc("CAM-0003")), 1)
        self.assertTrue(fcc("CAM-0003")[0][0].startswith("applies if used for public safety, security of "
                                                        "government facilities"))
        # A retail camera with a HiSilicon chip: Huawei's telecoms listing is not limited to uses.
        self.assertEqual(fcc("CAM-0004"), [(None, "fcc-covered-list")])
        self.assertEqual(assets["CAM-0004"]["statuses"][0]["via"], "huawei")

    def test_use_limited_listing_left_out_for_other_purposes(self):
        inv = os.path.join(self.tmp, "shop.csv")
        with open(inv, "w") as f:
            f.write("asset_id,site,manufacturer,model,purpose\nS-1,Shop,Hikvision,DS-2CD2143G2-I,retail\n"
                    "S-2,Shop,Dahua,IPC-HDW2431T,retail\n")
        doc = self.json("check", inv, now=NOW)
        # Hikvision's contractor-use ban (889(a)(1)(B)) is not limited to uses; its Covered List
        # entry is. Every Dahua status of this baseline is: a retail Dahua camera is not affected.
        self.assertEqual([a["asset_id"] for a in doc["assets"]], ["S-1"])
        a = doc["assets"][0]
        self.assertEqual([(s["regime"], s["since"]) for s in a["statuses"]], [("us.ndaa-889", "2020-08-13")])
        self.assertIn("us.fcc-covered-list", [s["regime"] for s in a["not_applicable"]])
        self.assertTrue(all(s["condition"].startswith("applies only if used for") for s in a["not_applicable"]))
        self.assertEqual(doc["summary"]["affected"], 1)

    def test_fail_on(self):
        p = self.run_rw("check", COUNCIL, "--fail-on", "prohibited", now=NOW, expect=4)
        self.assertIn("RAD-0001", p.stdout)
        self.run_rw("check", COUNCIL, "--fail-on", "listed", "--json", now=NOW, expect=4)
        clean = os.path.join(self.tmp, "clean.csv")
        with open(clean, "w") as f:
            f.write("asset_id,site,manufacturer,model\nA-1,Office,Axis Communications,P3245-LVE\n"
                    "A-2,Office,Honeywell,HBD2PER1\n")
        # Possible links are reported, but never fail a check.
        p = self.run_rw("check", clean, "--fail-on", "announced", now=NOW, expect=0)
        self.assertIn("1 possibly affected", p.stdout)
        # Before any listing took effect nothing is found.
        self.run_rw("check", COUNCIL, "--on", "2015-01-01", "--fail-on", "announced", now=NOW, expect=0)
        p = self.run_rw("check", COUNCIL, "--fail-on", "banned", now=NOW, expect=2)
        self.assertIn("--fail-on: 'banned' is not a status", p.stderr)

    def test_windows_1252_inventory(self):
        # Excel's CSV export: 0x92 and 0x96 are a right single quotation mark and an en dash.
        inv = os.path.join(self.tmp, "excel.csv")
        with open(inv, "wb") as f:
            f.write(b"asset_id,site,manufacturer,model,notes\r\n"
                    b"X-1,Council\x92s Depot \x96 North,Hikvision,DS-2CD2143G2-I,caf\xe9\r\n")
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=NOW, HOME=self.tmp)
        for k in ("REGWATCH_CONFIG", "REGWATCH_DATA", "REGWATCH_FAULT"):
            env.pop(k, None)
        p = subprocess.run([rwtest.BINARY, "--config", self.config, "--data", self.data, "check", inv, "--json"],
                           capture_output=True, env=env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        text = p.stdout.decode("utf-8", errors="strict")
        doc = json.loads(text)
        a = doc["assets"][0]
        self.assertEqual(a["site"], "Council\u2019s Depot \u2013 North")
        self.assertEqual(a["notes"], "caf\u00e9")
        self.assertFalse(any(0x80 <= ord(ch) <= 0x9f for ch in text), "C1 control in the output")
        self.assertEqual(doc["problems"], ["%s:2: warning: text is not UTF-8, read as Windows-1252" % inv])

    def test_check_errors(self):
        p = self.run_rw("check", "/nonexistent/assets.csv", now=NOW, expect=2)
        self.assertIn("/nonexistent/assets.csv", p.stderr)
        p = self.run_rw("check", os.path.join(DATA, "inventory", "no-asset-id.csv"), now=NOW, expect=1)
        self.assertIn("no-asset-id.csv:1: no 'asset_id' column", p.stderr)
        self.assertEqual(p.stdout, "")
        p = self.run_rw("check", now=NOW, expect=2)
        self.assertIn("missing INVENTORY", p.stderr)

    def test_readable_check(self):
        p = self.run_rw("check", COUNCIL, "--on", "2026-11-29", now=NOW, expect=0)
        lines = p.stdout.splitlines()
        self.assertTrue(lines[0].endswith("council.csv on 2026-11-29: 12 assets (28 units), 8 affected (22 units), "
                                          "1 possibly affected, 1 bad row skipped"), lines[0])
        self.assertTrue(lines[1].startswith("ASSET "))
        row = [l for l in lines if l.startswith("RAD-0002 ")][0]
        self.assertIn("hytera", row)
        self.assertIn("prohibited: us.ndaa-889", row)
        self.assertIn("SITE ", p.stdout)
        self.assertEqual([l for l in p.stderr.splitlines()],
                         ["regwatch: %s:14: quantity 'two' is not a whole number from 0 to 1000000000" % COUNCIL])

    # ---- scale ----

    def test_ten_thousand_generated_assets(self):
        rng = random.Random(20261129)
        # (manufacturer, brand, model, chipset, affected: always, never, or "uses" when every status
        # of the vendor in regimes.conf of the test is limited to uses, so a retail asset is not)
        kinds = [
            ("Hikvision", "", "DS-2CD2143G2-I", "", "always"),
            ("Hangzhou Hikvision Digital Technology Co., Ltd.", "", "DS-2DE5425IW-AE", "", "always"),
            ("", "HiLook", "IPC-B140H-M", "", "always"),
            ("", "EZVIZ", "CS-C6N", "", "always"),
            ("Zhejiang Dahua Technology Co., Ltd.", "", "IPC-HDW2431T", "", "uses"),
            ("Uniview", "", "IPC3234SR3-DVZ28", "Hi3516CV300", "always"),
            ("Axis Communications", "", "P3245-LVE", "Ambarella CV25", "never"),
            ("Bosch", "", "FLEXIDOME IP 5000i", "", "never"),
            ("Hanwha Vision", "Wisenet", "XNV-6080R", "", "never"),
            ("Dahuang Foods", "", "X-1", "", "never"),
            ("", "", "DS-2CD2383G2-IU", "", "always"),
            ("Hytera", "", "PD785G", "", "uses"),
        ]
        sites = ["Site %03d" % i for i in range(150)]
        expected = {"assets": 10000, "affected": 0, "units": 0, "units_affected": 0}
        path = os.path.join(self.tmp, "generated.csv")
        with open(path, "w") as f:
            f.write("asset_id,site,manufacturer,brand,model,quantity,chipset,installed,purpose,notes\n")
            for i in range(10000):
                m, b, model, chip, reach = rng.choice(kinds)
                qty = rng.randint(1, 9)
                purpose = rng.choice(["", "public-safety", "retail", "critical-infrastructure"])
                affected = reach == "always" or (reach == "uses" and purpose != "retail")
                f.write('A-%05d,%s,"%s",%s,%s,%d,%s,2021-%02d-01,%s,\n' % (i, rng.choice(sites), m, b, model, qty,
                                                                         chip, rng.randint(1, 12), purpose))
                expected["units"] += qty
                if affected:
                    expected["affected"] += 1
                    expected["units_affected"] += qty
        start = time.monotonic()
        doc = self.json("check", path, "--on", "2026-11-29", now=NOW)
        elapsed = time.monotonic() - start
        print("\ncheck of 10000 generated assets: %.3f s (binary %s)" % (elapsed, rwtest.BINARY), file=sys.stderr)
        summary = doc["summary"]
        self.assertEqual({k: summary[k] for k in expected}, expected)
        self.assertEqual(len(doc["assets"]), expected["affected"])
        self.assertEqual(len(summary["by_site"]), 150)
        start = time.monotonic()
        diff = self.diff("--since", "#0", "--inventory", path)
        elapsed = time.monotonic() - start
        print("diff --inventory over 10000 generated assets and 5 runs: %.3f s" % elapsed, file=sys.stderr)
        self.assertEqual(len(diff["affected_assets"]), expected["affected"])


if __name__ == "__main__":
    rwtest.main()
