"""The curated baseline as a reader sees it: the audited facts, the regimes command, and
answers about times the reader cannot misread (before the first run, a future date)."""

import os
import re
import urllib.parse

import rwtest
from rwtest import SOURCE_DIR


def events():
    """Every [event] of db/regimes.conf as a dict (git-config syntax read plainly)."""
    out, cur = [], None
    with open(os.path.join(SOURCE_DIR, "db", "regimes.conf"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'^\[(event|regime) "([^"]+)"\]', line)
            if m:
                cur = {"kind": m.group(1), "id": m.group(2)}
                out.append(cur)
            elif cur is not None and re.match(r"^\t[A-Za-z]+ = ", line):
                k, v = line.strip().split(" = ", 1)
                cur[k] = v
    return out


class Baseline(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_config([])
        self.run_rw("update", expect=0)

    def statuses(self, vendor, *args):
        return self.json("status", vendor, *args)["statuses"]

    def test_uk_2020_decision_is_an_announcement_and_restriction_starts_2022_10_13(self):
        doc = self.json("history", "huawei")
        uk = [i for i in doc["intervals"] if i["regime"] == "uk.telecoms-huawei"]
        self.assertEqual([(i["status"], i["since"], i["until"]) for i in uk],
                         [("announced", "2020-07-14", "2022-10-13"), ("restricted", "2022-10-13", None)])
        now = [(s["regime"], s["status"], s["since"]) for s in self.statuses("huawei", "--on", "2021-01-01")]
        self.assertIn(("uk.telecoms-huawei", "announced", "2020-07-14"), now)
        self.assertNotIn("restricted", [s for r, s, _ in now if r == "uk.telecoms-huawei"])

    def test_entity_list_amendments_are_not_new_listings_of_huawei(self):
        rows = [s for s in self.statuses("huawei") if s["regime"] == "us.entity-list"]
        self.assertEqual([(s["since"], s["evidence"]) for s in rows],
                         [("2019-05-16", "https://www.federalregister.gov/d/2019-10616")])

    def test_hikvision_subsidiaries_of_2023_are_their_own_vendors(self):
        hik = [s for s in self.statuses("hikvision") if s["regime"] == "us.entity-list"]
        self.assertEqual([s["since"] for s in hik], ["2019-10-09"])
        sub = [s for s in self.statuses("hikvision-yutian") if s["regime"] == "us.entity-list"]
        self.assertEqual([(s["since"], s["evidence"]) for s in sub],
                         [("2023-03-28", "https://www.federalregister.gov/d/2023-06663")])
        vendors = {v["id"]: v for v in self.json("vendors")["vendors"]}
        for v in ("hikvision-luopu", "hikvision-moyu", "hikvision-pishan", "hikvision-urumqi", "hikvision-yutian"):
            self.assertEqual(vendors[v]["parent"], "hikvision")

    def test_section_805_is_its_own_regime_with_two_dates(self):
        on = lambda d: sorted((s["regime"], s["since"]) for s in self.statuses("dahua", "--on", d)
                              if s["regime"].endswith("805") or s["regime"] == "us.dod-1260h")
        self.assertEqual(on("2026-06-29"), [("us.dod-1260h", "2022-10-05")])
        self.assertEqual(on("2026-06-30"), [("us.dod-1260h", "2022-10-05"), ("us.ndaa24-805", "2026-06-30")])
        self.assertEqual(on("2027-06-30"), [("us.dod-1260h", "2022-10-05"), ("us.ndaa24-805", "2026-06-30"),
                                            ("us.ndaa24-805", "2027-06-30")])

    def test_one_row_per_provision_with_the_regime_title(self):
        rows = [s for s in self.statuses("hikvision", "--on", "2027-07-01")
                if s["regime"] in ("us.ndaa-889", "us.ndaa24-805")]
        self.assertEqual(sorted((s["regime"], s["provision"], s["since"]) for s in rows),
                         [("us.ndaa-889", "889(a)(1)(A)", "2019-08-13"), ("us.ndaa-889", "889(a)(1)(B)", "2020-08-13"),
                          ("us.ndaa-889", "889(b)", "2020-08-13"), ("us.ndaa24-805", "805(a)(1)(A)", "2026-06-30"),
                          ("us.ndaa24-805", "805(a)(1)(B)", "2027-06-30")])
        self.assertTrue(all(s["regime_title"] for s in rows))
        self.assertEqual({s["evidence"] for s in rows if s["regime"] == "us.ndaa-889"},
                         {"https://www.federalregister.gov/d/2019-17201", "https://www.federalregister.gov/d/2020-15293",
                          "https://www.federalregister.gov/d/2020-17468"})
        # No two rows a reader cannot tell apart: regime, provision, status and dates differ.
        keys = [(s["regime"], s["provision"], s["status"], s["since"]) for s in self.statuses("hikvision")]
        self.assertEqual(len(keys), len(set(keys)))
        table = self.run_rw("status", "hikvision", expect=0).stdout
        self.assertRegex(table, r"us\.ndaa-889 +889\(a\)\(1\)\(B\) +prohibited +2020-08-13")
        lines = self.run_rw("diff", "--since", "#0", expect=0).stdout
        self.assertIn("hikvision: us.ndaa-889 889(b) prohibited from 2020-08-13 (added; baseline, "
                      "https://www.federalregister.gov/d/2020-17468)", lines)
        change = [c for c in self.json("diff", "--since", "#0")["changes"]
                  if c.get("vendor") == "hikvision" and c.get("provision") == "889(a)(1)(B)"]
        self.assertEqual(len(change), 1)
        self.assertEqual(change[0]["confidence"], "H")

    def test_regimes_lists_every_regime_and_the_debarment_list_names_nobody(self):
        doc = self.json("regimes")
        by_id = {r["id"]: r for r in doc["regimes"]}
        self.assertEqual(by_id["uk.procurement-debarment"]["vendors"], [])
        self.assertEqual(by_id["uk.procurement-debarment"]["jurisdiction"], "UK")
        self.assertTrue(by_id["us.ndaa24-805"]["covers_affiliates"])
        self.assertEqual(by_id["us.ndaa-889"]["vendors"], ["dahua", "hikvision", "huawei", "hytera", "zte"])
        text = self.run_rw("regimes", expect=0).stdout
        self.assertIn("uk.procurement-debarment  UK Procurement Act 2023 debarment list", text)
        self.assertIn("no vendor (checked: none of the dictionary's vendors is on it)", text)

    def test_as_known_on_before_the_first_run_says_nothing_was_recorded(self):
        p = self.run_rw("status", "hikvision", "--as-known-on", "2020-01-01", expect=0)
        self.assertEqual(p.stdout, "hikvision (Hangzhou Hikvision Digital Technology Co., Ltd.): nothing had been "
                         "recorded by the end of 2020-01-01: the first run was at 2026-11-29T02:00:00Z\n")
        doc = self.json("status", "hikvision", "--as-known-on", "2020-01-01")
        self.assertIs(doc["recorded"], False)
        self.assertEqual(doc["first_run_at"], "2026-11-29T02:00:00Z")
        self.assertEqual(doc["statuses"], [])
        doc = self.json("status", "hikvision", "--as-known-on", "2026-11-29")
        self.assertIs(doc["recorded"], True)
        self.assertGreater(len(doc["statuses"]), 0)

    def test_a_future_date_says_what_it_shows(self):
        p = self.run_rw("status", "zte", "--on", "2027-12-01", expect=0)
        self.assertIn("(a future date: what is known now to take effect by then)", p.stdout.splitlines()[0])
        self.assertIs(self.json("status", "zte", "--on", "2027-12-01")["future"], True)
        self.assertIs(self.json("status", "zte", "--on", "2026-11-01")["future"], False)


class Evidence(rwtest.Env):
    """Every evidence URL of the baseline is on an official host, or the event says why not."""

    OFFICIAL = ("federalregister.gov", "govinfo.gov", "fcc.gov", "ecfr.gov", "congress.gov", "gov.uk",
                "parliament.uk", "europa.eu", "defense.gov", "legislation.gov.uk")
    def test_evidence_hosts_are_official(self):
        """An event may keep a secondary source only marked so (evidenceKind = secondary),
        with a note that says the evidence is a report and a confidence below H."""
        bad = []
        for e in events():
            host = urllib.parse.urlsplit(e.get("evidence", "")).hostname or ""
            official = any(host == h or host.endswith("." + h) for h in self.OFFICIAL)
            if official and e.get("evidenceKind", "primary") == "primary":
                continue
            marked = (e["kind"] == "event" and e.get("evidenceKind") == "secondary"
                      and "report" in e.get("note", "") and e.get("confidence") in ("M", "L"))
            if not marked:
                bad.append("%s %s: %s" % (e["kind"], e["id"], host))
        self.assertEqual(bad, [])

    def test_secondary_evidence_is_shown_as_such(self):
        self.write_config([])
        self.run_rw("update", expect=0)
        text = self.run_rw("status", "dahua", expect=0).stdout
        self.assertIn("secondary evidence (not the regulator's own document): us.dod-1260h listed from 2022-10-05:", text)
        self.assertIn("CONF: how sure the curated record is of a date and status: H high", text)
        rows = {(s["regime"], s["since"]): s for s in self.json("status", "dahua")["statuses"]}
        self.assertEqual(rows[("us.dod-1260h", "2022-10-05")]["evidence_kind"], "secondary")
        self.assertEqual(rows[("us.dod-1260h", "2022-10-05")]["confidence"], "M")
        self.assertEqual(rows[("us.entity-list", "2019-10-09")]["evidence_kind"], "primary")

    def test_no_value_is_cut_by_a_comment_character(self):
        with open(os.path.join(SOURCE_DIR, "db", "regimes.conf"), encoding="utf-8") as f:
            values = [l for l in f if re.match(r"^\t[A-Za-z]+ = ", l) and (";" in l or " #" in l)]
        self.assertEqual(values, [])


if __name__ == "__main__":
    rwtest.main()
