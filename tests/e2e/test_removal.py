"""Removals and evidence end to end: the trade.gov consolidated screening list (CSV) served by
the loopback HTTP server, a member following Dahua on a loopback SMTP server, one update a
night. A live list dropping an entry is not a removal until removeAfter healthy snapshots
confirm it; a change of only evidence is recorded, never sent; validators belong to their URL."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from test_notify import SmtpServer  # noqa: E402

CSL = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "lists", "csl.csv")
NIGHTS = ["2026-12-01T02:00:00Z", "2026-12-02T02:00:00Z", "2026-12-03T02:00:00Z",
          "2026-12-04T02:00:00Z", "2026-12-05T02:00:00Z"]


def csl_lines():
    with open(CSL, encoding="utf-8") as f:
        return f.readlines()


def without_dahua():
    return "".join(line for line in csl_lines() if "Zhejiang Dahua" not in line)


def entity_list(doc):
    return [s for s in doc["statuses"] if s["regime"] == "us.entity-list"]


class Removal(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.smtp = SmtpServer(os.path.join(self.tmp, "smtp"))
        self.serve("".join(csl_lines()))
        self.configure(self.url("csl"))

    def tearDown(self):
        self.smtp.stop()
        super().tearDown()

    def configure(self, url, remove_after=None):
        source = {"name": "trade-csl", "url": url, "format": "csv", "timeout": "3000",
                  "listRegime": "Entity List (EL)=us.entity-list"}
        if remove_after is not None:
            source["removeAfter"] = str(remove_after)
        self.write_config([source], extra="[smtp]\n\turl = smtp://127.0.0.1:%d\n"
                                          "\tfrom = regwatch <alerts@usergroup.example.org>\n" % self.smtp.port)

    def serve(self, text, name="csl"):
        self.write_www(name, text)

    def night(self, i):
        return self.run_rw("update", now=NIGHTS[i], expect=0)

    def first_night_and_member(self):
        self.night(0)
        self.run_rw("member", "add", "police@example.org", "--vendor", "dahua", now=NIGHTS[0], expect=0)

    def mails(self):
        return [msg for _, msg, _ in self.smtp.accepted()]

    def status(self, night):
        return self.json("status", "dahua", "--on", NIGHTS[night][:10], now=NIGHTS[night])

    def last_diff(self, night, *args):
        return self.json("diff", *args, now=NIGHTS[night])

    def csl_intervals(self):
        hist = self.json("history", "dahua", "--regime", "us.entity-list", now=NIGHTS[-1])
        return [i for i in hist["intervals"] if i["source"] == "trade-csl"], hist

    def test_a_drop_stays_in_force_unconfirmed_and_a_return_leaves_no_gap(self):
        self.first_night_and_member()
        before, _ = self.csl_intervals()
        self.assertEqual([(i["since"], i["until"]) for i in before], [("2019-10-09", None)])
        self.serve(without_dahua())
        for n in (1, 2):
            self.night(n)
            st = entity_list(self.status(n))
            self.assertEqual(len(st), 1, st)
            self.assertEqual(st[0]["removal"],
                             {"source": "trade-csl", "first_absent": "2026-12-02", "confirmed": False})
            text = self.run_rw("status", "dahua", now=NIGHTS[n], expect=0).stdout
            self.assertIn("us.entity-list listed: dropped from trade-csl on 2026-12-02, removal not confirmed", text)
            self.assertEqual(self.mails(), [], "no member is told of an unconfirmed drop")
        # Night 2's diff says what happened; night 3 (the same document) adds no change.
        doc = self.json("diff", "--since", "#1", "--until", "#2", now=NIGHTS[2])
        drops = [c for c in doc["changes"] if c["vendor"] == "dahua"]
        self.assertEqual([(c["kind"], c["effective"], c["source"]) for c in drops],
                         [("unconfirmed-removal", "2026-12-02", "trade-csl")])
        text = self.run_rw("diff", "--since", "#1", "--until", "#2", now=NIGHTS[2], expect=0).stdout
        self.assertIn("dahua: us.entity-list listed still in force: dropped from 'trade-csl' on 2026-12-02, "
                      "removal not confirmed (unconfirmed-removal; trade-csl", text)
        self.assertEqual([c for c in self.last_diff(2)["changes"] if c["vendor"] == "dahua"], [])
        hist = self.json("history", "dahua", now=NIGHTS[2])
        marked = [i for i in hist["intervals"] if i["removal"]]
        self.assertEqual([(i["source"], i["removal"]["first_absent"]) for i in marked], [("trade-csl", "2026-12-02")])
        report = os.path.join(self.tmp, "report.md")
        self.run_rw("report", "--format", "md", "-o", report, now=NIGHTS[2], expect=0)
        with open(report, encoding="utf-8") as f:
            self.assertIn("(dropped from trade-csl on 2026-12-02, removal not confirmed)", f.read())

        # Night 4: the row is back. The interval was never broken and the mark is gone.
        self.serve("".join(csl_lines()))
        self.night(3)
        st = entity_list(self.status(3))
        self.assertEqual([(s["since"], s["removal"]) for s in st], [("2019-10-09", None)])
        after, _ = self.csl_intervals()
        self.assertEqual(after, before)
        self.assertEqual([c for c in self.last_diff(3)["changes"] if c["vendor"] == "dahua"], [])
        self.assertEqual(self.mails(), [])
        self.assertEqual(self.db_rows("SELECT count(*) FROM changes WHERE vendor = 'dahua' AND kind IN"
                                      " ('ended', 'removed', 'changed')"), [(0,)])
        # The archive is the record: a rebuild derives the same history, absences included.
        record = self.record_snapshot()
        absences = self.db_rows("SELECT * FROM absences ORDER BY id")
        self.run_rw("rebuild", now=NIGHTS[3], expect=0)
        self.assertEqual(self.record_snapshot()["intervals"], record["intervals"])
        self.assertEqual(self.record_snapshot()["changes"], record["changes"])
        self.assertEqual(self.db_rows("SELECT * FROM absences ORDER BY id"), absences)

    def test_absent_for_remove_after_nights_ends_on_the_first_absence_with_one_email(self):
        self.first_night_and_member()
        self.serve(without_dahua())
        for n in (1, 2):
            self.night(n)
            self.assertEqual(self.mails(), [])
        self.night(3)  # the third healthy night without the row: confirmed
        changes = [c for c in self.last_diff(3)["changes"] if c["vendor"] == "dahua"]
        self.assertEqual([(c["kind"], c["effective"]) for c in changes], [("ended", "2026-12-02")])
        self.assertEqual(entity_list(self.status(3)), [])
        self.assertEqual(len(entity_list(self.json("status", "dahua", "--on", "2026-12-01", now=NIGHTS[3]))), 1)
        ivs, _ = self.csl_intervals()
        self.assertEqual([(i["since"], i["until"], i["removal"]) for i in ivs], [("2019-10-09", "2026-12-02", None)])
        mails = self.mails()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails[0]["To"], "police@example.org")
        self.assertIn("2026-12-02", mails[0].get_content())
        # Nothing more on the next night, and a rebuild gives the same history.
        self.night(4)
        self.assertEqual(len(self.mails()), 1)
        record = self.record_snapshot()
        self.run_rw("rebuild", now=NIGHTS[4], expect=0)
        rebuilt = self.record_snapshot()
        self.assertEqual(rebuilt["intervals"], record["intervals"])
        self.assertEqual(rebuilt["changes"], record["changes"])

    def test_remove_after_one_ends_on_the_first_absence(self):
        self.configure(self.url("csl"), remove_after=1)
        self.first_night_and_member()
        self.serve(without_dahua())
        self.night(1)
        changes = [c for c in self.last_diff(1)["changes"] if c["vendor"] == "dahua"]
        self.assertEqual([(c["kind"], c["effective"]) for c in changes], [("ended", "2026-12-02")])
        self.assertEqual(len(self.mails()), 1)

    def test_evidence_only_changes_are_recorded_not_sent(self):
        self.first_night_and_member()
        moved = "".join(line.replace("https://www.bis.doc.gov/", "https://www.bis.gov/")
                        for line in csl_lines())
        self.assertNotEqual(moved, "".join(csl_lines()))
        self.serve(moved)
        self.night(1)
        doc = self.last_diff(1)
        self.assertEqual(doc["changes"], [])
        self.assertGreater(doc["hidden_evidence"], 0)
        text = self.run_rw("diff", now=NIGHTS[1], expect=0).stdout
        self.assertIn("of only evidence, citation or note hidden (diff --all shows them)", text)
        every = self.last_diff(1, "--all")["changes"]
        self.assertEqual({c["kind"] for c in every}, {"evidence"})
        dahua = [c for c in every if c["vendor"] == "dahua"]
        self.assertEqual(len(dahua), 1)
        self.assertTrue(dahua[0]["evidence"].startswith("https://www.bis.gov/"), dahua[0])
        self.assertEqual(self.mails(), [])
        st = entity_list(self.status(1))
        self.assertEqual([s["since"] for s in st], ["2019-10-09"])

    def test_validators_are_sent_only_to_the_url_they_came_from(self):
        self.night(0)
        old = [r for r in self.requests() if r["path"] == "/csl"]
        self.assertEqual(len(old), 1)
        etag = json.loads(json.dumps(self.db_rows("SELECT etag FROM sources WHERE name = 'trade-csl'")))[0][0]
        self.assertTrue(etag)
        # The new address would answer 304 to the old validators (same ETag), yet has news.
        self.serve(without_dahua(), name="csl-v2")
        self.set_rules("csl-v2", [{"headers": {"ETag": etag}}])
        self.configure(self.url("csl-v2"))
        p = self.night(1)
        self.assertIn("trade-csl", p.stdout + p.stderr)
        new = [r for r in self.requests() if r["path"] == "/csl-v2"]
        self.assertEqual(len(new), 1)
        self.assertNotIn("if-none-match", new[0]["headers"])
        self.assertNotIn("if-modified-since", new[0]["headers"])
        src = self.json("sources", now=NIGHTS[1])["sources"][0]
        self.assertEqual((src["http_status"], src["url"]), (200, self.url("csl-v2")))
        st = entity_list(self.status(1))
        self.assertEqual(st[0]["removal"]["first_absent"], "2026-12-02")
        # The next night, the new URL's own validators are sent.
        self.night(2)
        again = [r for r in self.requests() if r["path"] == "/csl-v2"]
        self.assertEqual(again[-1]["headers"].get("if-none-match"), etag)


if __name__ == "__main__":
    rwtest.main()
