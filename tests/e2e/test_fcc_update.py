"""The FCC Covered List path end to end: the real binary, a loopback HTTP server
serving the page, the archive and the database, and the questions users ask."""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import FIVE, ROW_KASPERSKY, ROWS_2021, covered_list_page, regimes_of  # noqa: E402

FIRST_RUN = "2021-03-20T02:00:00Z"
SECOND_RUN = "2021-03-21T02:00:00Z"
LATER_RUN = "2022-03-27T02:00:00Z"


class CoveredList(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615507200)
        # A dictionary that also follows Kaspersky, as a member organisation may add vendors.
        self.vendors = os.path.join(self.tmp, "vendors.conf")
        shutil.copy(os.path.join(rwtest.SOURCE_DIR, "db", "vendors.conf"), self.vendors)
        with open(self.vendors, "a") as f:
            f.write('\n[vendor "kaspersky"]\n\tname = AO Kaspersky Lab\n\tlegalName = AO Kaspersky Lab\n')
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "removeAfter": "1", "timeout": "1500",
                            "tableHeader": "Date of Inclusion on Covered List"}], vendors=self.vendors)

    def first_update(self):
        p = self.run_rw("update", now=FIRST_RUN, expect=0)
        self.assertIn("run 1 recorded", p.stdout)
        return p

    def test_first_update_records_the_five_vendors_since_2021_03_12(self):
        self.first_update()
        for vendor in FIVE:
            doc = self.json("status", vendor, "--on", "2021-03-12", now=FIRST_RUN)
            fcc = [s for s in doc["statuses"] if s["regime"] == "us.fcc-covered-list"]
            self.assertEqual(len(fcc), 1, vendor)
            self.assertEqual(fcc[0]["since"], "2021-03-12")
            self.assertIsNone(fcc[0]["until"])
            self.assertEqual(fcc[0]["status"], "listed")
            self.assertEqual(fcc[0]["source"], "fcc-covered-list")
            self.assertEqual(fcc[0]["jurisdiction"], "US")
            self.assertEqual(fcc[0]["recorded_at"], FIRST_RUN)
            self.assertEqual(fcc[0]["evidence"], self.url("coveredlist"))

    def test_status_the_day_before_lacks_the_listing(self):
        self.first_update()
        before = self.json("status", "hikvision", "--on", "2021-03-11", now=FIRST_RUN)
        on = self.json("status", "hikvision", "--on", "2021-03-12", now=FIRST_RUN)
        self.assertNotIn("us.fcc-covered-list", regimes_of(before))
        self.assertIn("us.fcc-covered-list", regimes_of(on))
        self.assertEqual(on["vendor"], "hikvision")
        self.assertEqual(on["on"], "2021-03-12")
        self.assertIsNone(on["as_known_on"])
        # The curated baseline is in force too: NDAA section 889 since 2019-08-13.
        self.assertIn("us.ndaa-889", regimes_of(before))
        ndaa = [s for s in before["statuses"] if s["regime"] == "us.ndaa-889"]
        self.assertEqual(min(s["since"] for s in ndaa), "2019-08-13")
        self.assertEqual({s["source"] for s in ndaa}, {"baseline"})
        early = self.json("status", "hikvision", "--on", "2019-08-12", now=FIRST_RUN)
        self.assertNotIn("us.ndaa-889", regimes_of(early))
        eqa = self.json("status", "dahua", "--on", "2023-02-06", now=FIRST_RUN)
        self.assertIn("us.fcc-equipment-authorization", regimes_of(eqa))
        eqb = self.json("status", "dahua", "--on", "2023-02-05", now=FIRST_RUN)
        self.assertNotIn("us.fcc-equipment-authorization", regimes_of(eqb))

    def test_readable_status_table(self):
        self.first_update()
        p = self.run_rw("status", "hikvision", "--on", "2021-03-12", now=FIRST_RUN, expect=0)
        self.assertIn("us.fcc-covered-list", p.stdout)
        self.assertIn("2021-03-12", p.stdout)
        self.assertIn("REGIME", p.stdout.splitlines()[1])

    def test_second_update_with_unchanged_validators_changes_nothing(self):
        self.first_update()
        commits = self.commits()
        record = self.record_snapshot()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("nothing changed", p.stdout)
        self.assertEqual(self.commits(), commits)
        self.assertEqual(self.record_snapshot(), record)
        reqs = [r for r in self.requests() if r["path"] == "/coveredlist"]
        self.assertEqual(len(reqs), 2)
        self.assertNotIn("if-none-match", reqs[0]["headers"])
        self.assertIn("if-none-match", reqs[1]["headers"])
        self.assertIn("if-modified-since", reqs[1]["headers"])
        self.assertRegex(reqs[0]["headers"]["user-agent"], r"^regwatch/\d+\.\d+\.\d+ ")
        src = self.json("sources", now=SECOND_RUN)["sources"][0]
        self.assertEqual(src["health"], "ok")
        self.assertEqual(src["http_status"], 304)
        self.assertEqual(src["last_attempt"], SECOND_RUN)
        self.assertEqual(src["last_success"], SECOND_RUN)
        self.assertEqual(src["last_change"], FIRST_RUN)

    def test_a_gained_row_is_recorded_as_exactly_that_change(self):
        self.first_update()
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]), mtime=1648166400)
        p = self.run_rw("update", now=LATER_RUN, expect=0)
        self.assertIn("run 2 recorded", p.stdout)
        self.assertEqual(self.commits(), 2)
        changes = self.db_rows("SELECT kind, vendor, entity, regime, to_status, effective, source"
                               " FROM changes WHERE run = 2")
        self.assertEqual(changes, [("added", "kaspersky", "AO Kaspersky Lab", "us.fcc-covered-list", "listed",
                                    "2022-03-25", "fcc-covered-list")])
        now = self.json("status", "kaspersky", "--on", "2022-03-25", now=LATER_RUN)
        self.assertEqual(regimes_of(now), ["us.fcc-covered-list"])
        # As known before the second run, regwatch had not seen it.
        known = self.json("status", "kaspersky", "--on", "2022-03-25", "--as-known-on", "2022-03-26",
                          now=LATER_RUN)
        self.assertEqual(known["statuses"], [])
        self.assertEqual(known["as_known_on"], "2022-03-26")
        known = self.json("status", "kaspersky", "--on", "2022-03-25", "--as-known-on", "2022-03-27",
                          now=LATER_RUN)
        self.assertEqual(regimes_of(known), ["us.fcc-covered-list"])
        # The five are untouched.
        self.assertIn("us.fcc-covered-list", regimes_of(self.json("status", "dahua", now=LATER_RUN)))
        diff = self.git("diff", "main~1", "main", "--", "state/statuses.tsv")
        added = [l for l in diff.splitlines() if l.startswith("+") and not l.startswith("+++")]
        self.assertEqual(len(added), 1)
        self.assertIn("AO Kaspersky Lab", added[0])

    def test_a_dropped_vendor_ends_on_the_run_date(self):
        self.first_update()
        rows = [r for r in ROWS_2021 if "Hytera" not in r[0]]
        self.write_www("coveredlist", covered_list_page(rows), mtime=1648166400)
        self.run_rw("update", now=LATER_RUN, expect=0)
        ended = self.db_rows("SELECT kind, vendor, effective FROM changes WHERE run = 2")
        self.assertEqual(ended, [("ended", "hytera", "2022-03-27")])
        self.assertIn("us.fcc-covered-list",
                      regimes_of(self.json("status", "hytera", "--on", "2022-03-26", now=LATER_RUN)))
        self.assertNotIn("us.fcc-covered-list",
                         regimes_of(self.json("status", "hytera", "--on", "2022-03-27", now=LATER_RUN)))
        hist = self.json("history", "hytera", now=LATER_RUN)
        fcc = sorted((i["source"], i["since"], i["until"]) for i in hist["intervals"]
                     if i["regime"] == "us.fcc-covered-list")
        # Both observations stay in the history; the live list's end decides the status.
        self.assertEqual(fcc, [("baseline", "2021-03-12", None), ("fcc-covered-list", "2021-03-12", "2022-03-27")])

    def test_the_archive_holds_one_commit_per_changing_run(self):
        self.first_update()
        self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertEqual(self.commits(), 1)
        body = self.git("show", "main:sources/fcc-covered-list/body")
        self.assertEqual(body, covered_list_page(ROWS_2021))
        meta = self.git("show", "main:sources/fcc-covered-list/meta")
        self.assertIn("etag: \"", meta)
        self.assertIn("first-seen: " + FIRST_RUN, meta)
        statuses = self.git("show", "main:state/statuses.tsv")
        self.assertIn("fcc-covered-list\tus.fcc-covered-list\t", statuses)
        self.assertIn("\thikvision\tHangzhou Hikvision Digital Technology Company\tlisted\t2021-03-12\t", statuses)
        self.assertEqual(statuses.splitlines(), sorted(statuses.splitlines()))
        subprocess.run(["git", "--git-dir", os.path.join(self.data, "archive.git"), "fsck", "--strict"],
                       check=True, capture_output=True)
        self.assertEqual(self.db_rows("SELECT commit_oid FROM runs")[0][0], self.git("rev-parse", "main").strip())
        self.assertEqual(self.db_rows("PRAGMA journal_mode")[0][0], "wal")
        self.assertEqual(os.stat(self.data).st_mode & 0o777, 0o700)

    def test_vendors_lists_dictionary_and_unmatched_entries(self):
        rows = ROWS_2021 + [("International telecommunications services provided by <strong>Pacific Networks "
                             "Corp</strong> and its wholly-owned subsidiary <strong>ComNet (USA) LLC</strong> "
                             "subject to section 214 of the Communications Act of 1934.", "September 20, 2022")]
        self.write_www("coveredlist", covered_list_page(rows))
        self.run_rw("update", now=LATER_RUN, expect=0)
        doc = self.json("vendors", now=LATER_RUN)
        ids = {v["id"]: v for v in doc["vendors"]}
        for vendor in FIVE + ["hisilicon"]:
            self.assertIn(vendor, ids)
        self.assertEqual(ids["hisilicon"]["parent"], "huawei")
        self.assertIn("Hangzhou Hikvision Digital Technology Company", ids["hikvision"]["aliases"])
        unmatched = sorted(u["name"] for u in doc["unmatched"])
        self.assertEqual(unmatched, ["ComNet (USA) LLC", "Pacific Networks Corp"])
        self.assertEqual({u["since"] for u in doc["unmatched"]}, {"2022-09-20"})
        new_entities = self.db_rows("SELECT entity FROM changes WHERE kind = 'new-entity' ORDER BY entity")
        self.assertEqual(new_entities, [("ComNet (USA) LLC",), ("Pacific Networks Corp",)])

    def test_subsidiary_inherits_through_a_regime_covering_affiliates(self):
        self.first_update()
        doc = self.json("status", "hisilicon", "--on", "2021-03-12", now=FIRST_RUN)
        fcc = [s for s in doc["statuses"] if s["regime"] == "us.fcc-covered-list"]
        self.assertEqual(len(fcc), 1)
        self.assertEqual(fcc[0]["via"], "huawei")

    def test_a_query_with_only_a_data_directory_needs_no_configuration(self):
        self.first_update()
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", HOME=self.tmp, REGWATCH_NOW=FIRST_RUN)
        for k in ("REGWATCH_CONFIG", "REGWATCH_DATA", "REGWATCH_FAULT"):
            env.pop(k, None)
        p = subprocess.run([rwtest.BINARY, "--data", self.data, "status", "hikvision", "--on", "2021-03-12",
                            "--json"], capture_output=True, text=True, env=env, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("us.fcc-covered-list", regimes_of(__import__("json").loads(p.stdout)))

    def test_unknown_vendor_names_the_closest(self):
        self.first_update()
        p = self.run_rw("status", "hikvisoin", now=FIRST_RUN, expect=2)
        self.assertIn("unknown vendor 'hikvisoin'", p.stderr)
        self.assertIn("'hikvision'", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_bad_dates_are_usage_errors(self):
        self.first_update()
        p = self.run_rw("status", "hikvision", "--on", "2021-02-30", now=FIRST_RUN, expect=2)
        self.assertIn("--on: '2021-02-30' is not a date", p.stderr)

    def test_a_second_concurrent_update_exits_at_once(self):
        self.first_update()
        lock = self.hold_lock()
        try:
            start = time.time()
            p = self.run_rw("update", now=SECOND_RUN, expect=1)
            self.assertLess(time.time() - start, 5)
            self.assertIn("another 'regwatch update' is running", p.stderr)
        finally:
            lock.close()
        self.run_rw("update", now=SECOND_RUN, expect=0)

    def test_killed_between_archive_and_database_loses_nothing(self):
        p = self.run_rw("update", now=FIRST_RUN, fault="after_archive_commit", expect=-9)
        self.assertEqual(self.commits(), 1)
        self.assertEqual(self.db_rows("SELECT count(*) FROM runs"), [(0,)])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("recorded archived run", p.stderr)
        self.assertEqual(self.commits(), 1)
        self.assertEqual(self.db_rows("SELECT commit_oid, recorded_at FROM runs"),
                         [(self.git("rev-parse", "main").strip(), FIRST_RUN)])
        doc = self.json("status", "hikvision", "--on", "2021-03-12", now=SECOND_RUN)
        fcc = [s for s in doc["statuses"] if s["regime"] == "us.fcc-covered-list"]
        self.assertEqual([(s["source"], s["recorded_at"]) for s in fcc], [("fcc-covered-list", FIRST_RUN)])

    def test_killed_after_the_database_records_once(self):
        self.run_rw("update", now=FIRST_RUN, fault="after_db_apply", expect=-9)
        record = self.record_snapshot()
        self.assertEqual(self.db_rows("SELECT queued_at FROM runs"), [(None,)])  # recorded, not queued yet
        self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertEqual(self.db_rows("SELECT queued_at FROM runs"), [(SECOND_RUN,)])  # the next start queues it
        after = self.record_snapshot()
        after["runs"] = [r[:-1] + (None,) for r in after["runs"]]
        self.assertEqual(after, record)
        self.assertEqual(self.commits(), 1)
        self.assertEqual(len(record["runs"]), 1)
        integrity = self.db_rows("PRAGMA integrity_check")
        self.assertEqual(integrity, [("ok",)])


class BadInput(rwtest.Env):
    """Each failure: a clear message naming the source, exit 3, and the previous statuses in force."""

    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615507200)
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "removeAfter": "1", "timeout": "1500",
                            "tableHeader": "Date of Inclusion on Covered List"}])
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.record = self.record_snapshot()
        self.commit_count = self.commits()

    def assert_still_in_force(self, health, message):
        p = self.run_rw("update", now=LATER_RUN, expect=3)
        self.assertIn("source 'fcc-covered-list'", p.stderr)
        self.assertIn(message, p.stderr)
        for line in p.stderr.strip().splitlines():
            self.assertTrue(line.startswith("regwatch: "), line)
        for vendor in FIVE:
            doc = self.json("status", vendor, now=LATER_RUN)
            fcc = [s for s in doc["statuses"] if s["regime"] == "us.fcc-covered-list"]
            self.assertEqual([(s["since"], s["until"]) for s in fcc], [("2021-03-12", None)], vendor)
        after = self.record_snapshot()
        for table in ("intervals", "changes", "announcements"):
            self.assertEqual(after[table], self.record[table], table)
        src = self.json("sources", now=LATER_RUN)["sources"][0]
        self.assertEqual(src["health"], health)
        self.assertIn(message, src["reason"])
        return p

    def test_server_error(self):
        self.set_rules("coveredlist", [{"status": 500}])
        self.assert_still_in_force("failing", "HTTP 500")
        self.assertEqual(self.commits(), self.commit_count)
        src = self.json("sources", now=LATER_RUN)["sources"][0]
        self.assertEqual(src["consecutive_failures"], 1)
        self.assertEqual(src["last_success"], FIRST_RUN)

    def test_timeout(self):
        self.set_rules("coveredlist", [{"hang": True}])
        start = time.time()
        self.assert_still_in_force("failing", "timed out")
        self.assertLess(time.time() - start, 30)

    def test_page_without_the_table(self):
        self.write_www("coveredlist", covered_list_page(ROWS_2021, with_table=False))
        self.assert_still_in_force("quarantined", "no table with header 'Date of Inclusion on Covered List'")
        # The page is archived as evidence, apart from the accepted snapshot.
        self.assertIn("Conditional Approvals", self.git("show", "main:quarantine/fcc-covered-list/body"))
        self.assertEqual(self.git("show", "main:sources/fcc-covered-list/body"), covered_list_page(ROWS_2021))

    def test_truncated_page(self):
        # A new version of the page whose transfer is cut short.
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]))
        self.set_rules("coveredlist", [{"truncate": 900}])
        self.assert_still_in_force("failing", "truncated")

    def test_redirect_to_a_local_file(self):
        self.set_rules("coveredlist", [{"redirect": "file:///etc/passwd"}])
        p = self.assert_still_in_force("failing", "file:///etc/passwd")
        self.assertNotIn("root:", p.stdout + p.stderr)
        self.assertNotIn("root:", self.git("log", "-p", "--all"))

    def test_a_list_that_suddenly_empties(self):
        self.write_www("coveredlist", covered_list_page([]))
        self.assert_still_in_force("quarantined", "no list entries")

    def test_a_list_that_loses_most_rows(self):
        self.write_www("coveredlist", covered_list_page(ROWS_2021[:1]))
        self.assert_still_in_force("quarantined", "drops 4 of 5")

    def test_recovery_after_failure(self):
        self.set_rules("coveredlist", [{"status": 503}])
        self.run_rw("update", now=SECOND_RUN, expect=3)
        self.set_rules("coveredlist", None)
        self.run_rw("update", now=LATER_RUN, expect=0)
        src = self.json("sources", now=LATER_RUN)["sources"][0]
        self.assertEqual(src["health"], "ok")
        self.assertEqual(src["consecutive_failures"], 0)


if __name__ == "__main__":
    rwtest.main()
