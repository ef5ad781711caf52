"""rebuild: the history re-derived from the archive answers exactly as before, and a
dictionary change reaches runs recorded years ago."""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROW_KASPERSKY, ROWS_2021, covered_list_page, regimes_of  # noqa: E402

PACIFIC = ("International telecommunications services provided by <strong>Pacific Networks Corp</strong> and its "
           "wholly-owned subsidiary <strong>ComNet (USA) LLC</strong> subject to section 214 of the "
           "Communications Act of 1934.", "September 20, 2022")
RUNS = [
    ("2021-03-20T02:00:00Z", ROWS_2021),
    ("2022-03-27T02:00:00Z", ROWS_2021 + [ROW_KASPERSKY]),
    ("2022-09-22T02:00:00Z", ROWS_2021 + [ROW_KASPERSKY, PACIFIC]),
    ("2023-01-10T02:00:00Z", [r for r in ROWS_2021 if "Hytera" not in r[0]] + [ROW_KASPERSKY, PACIFIC]),
]
LAST = RUNS[-1][0]


class Rebuild(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.vendors = os.path.join(self.tmp, "vendors.conf")
        shutil.copy(os.path.join(rwtest.SOURCE_DIR, "db", "vendors.conf"), self.vendors)
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "removeAfter": "1",
                            "tableHeader": "Date of Inclusion on Covered List"}], vendors=self.vendors)
        for now, rows in RUNS:
            self.write_www("coveredlist", covered_list_page(rows))
            self.run_rw("update", now=now, expect=0)

    def record(self):
        rec = self.record_snapshot()
        rec["runs"] = [r[:3] + r[4:5] for r in rec["runs"]]  # not applied_at, queued_at: when this database did them
        return rec

    def answers(self):
        out = {}
        for vendor in ("hikvision", "hytera", "huawei", "hisilicon"):
            for day in ("2021-03-11", "2021-03-12", "2023-01-09", "2023-01-10", "2026-11-29"):
                out[(vendor, day)] = self.json("status", vendor, "--on", day, now=LAST)
            out[(vendor, "history")] = self.json("history", vendor, now=LAST)
        out["vendors"] = self.json("vendors", now=LAST)
        return out

    def test_rebuild_answers_exactly_as_before(self):
        record, answers = self.record(), self.answers()
        self.assertEqual(len(record["runs"]), 4)
        p = self.run_rw("rebuild", now="2026-11-29T02:00:00Z", expect=0)
        self.assertIn("rebuilt 4 run(s)", p.stdout)
        self.assertEqual(self.record(), record)
        self.assertEqual(self.answers(), answers)
        self.assertEqual(self.db_rows("PRAGMA integrity_check"), [("ok",)])
        # A second rebuild changes nothing either, and update still follows on.
        self.run_rw("rebuild", now="2026-11-29T02:00:00Z", expect=0)
        self.assertEqual(self.record(), record)
        self.run_rw("update", now="2026-11-29T02:00:00Z", expect=0)
        self.assertEqual(self.commits(), 4)

    def test_a_new_dictionary_entry_reaches_old_runs(self):
        before = self.json("vendors", now=LAST)
        self.assertIn("Pacific Networks Corp", [u["name"] for u in before["unmatched"]])
        with open(self.vendors, "a") as f:
            f.write('\n[vendor "pacific-networks"]\n\tname = Pacific Networks Corp.\n'
                    '\tlegalName = Pacific Networks Corp\n\taffiliate = ComNet (USA) LLC\n')
        self.run_rw("rebuild", now="2026-11-29T02:00:00Z", expect=0)
        after = self.json("vendors", now=LAST)
        self.assertEqual([u["name"] for u in after["unmatched"]], ["AO Kaspersky Lab"])
        hist = self.json("history", "pacific-networks", now=LAST)
        got = sorted((i["entity"], i["since"], i["recorded_at"]) for i in hist["intervals"])
        self.assertEqual(got, [("ComNet (USA) LLC", "2022-09-20", "2022-09-22T02:00:00Z"),
                               ("Pacific Networks Corp", "2022-09-20", "2022-09-22T02:00:00Z")])
        # As known before that run, nothing; the transaction time is the archived run's.
        known = self.json("status", "pacific-networks", "--on", "2022-09-21", "--as-known-on", "2022-09-21",
                          now=LAST)
        self.assertEqual(known["statuses"], [])
        self.assertEqual(regimes_of(self.json("status", "pacific-networks", "--on", "2022-09-21", now=LAST)),
                         ["us.fcc-covered-list"])
        kinds = self.db_rows("SELECT kind, vendor FROM changes WHERE run = 3 ORDER BY entity")
        self.assertEqual(kinds, [("added", "pacific-networks"), ("added", "pacific-networks")])

    def test_rebuild_without_an_archive_is_a_clear_error(self):
        shutil.rmtree(self.data)
        p = self.run_rw("rebuild", expect=2)
        self.assertIn("no archive at", p.stderr)

    def test_rebuild_waits_for_no_one(self):
        lock = self.hold_lock()
        try:
            p = self.run_rw("rebuild", expect=1)
            self.assertIn("another 'regwatch update' is running", p.stderr)
        finally:
            lock.close()


if __name__ == "__main__":
    rwtest.main()
