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
    # Events whose best evidence is secondary: a reason for each, which its note must give.
    SECONDARY = {"dod-1260h-dahua": "news report"}

    def test_evidence_hosts_are_official(self):
        bad = []
        for e in events():
            host = urllib.parse.urlsplit(e.get("evidence", "")).hostname or ""
            official = any(host == h or host.endswith("." + h) for h in self.OFFICIAL)
            if official:
                continue
            reason = self.SECONDARY.get(e["id"])
            if reason is None or reason not in e.get("note", "") or e.get("confidence") == "H":
                bad.append("%s %s: %s" % (e["kind"], e["id"], host))
        self.assertEqual(bad, [])

    def test_no_value_is_cut_by_a_comment_character(self):
        with open(os.path.join(SOURCE_DIR, "db", "regimes.conf"), encoding="utf-8") as f:
            values = [l for l in f if re.match(r"^\t[A-Za-z]+ = ", l) and (";" in l or " #" in l)]
        self.assertEqual(values, [])


if __name__ == "__main__":
    rwtest.main()
