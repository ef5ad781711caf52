"""Every rendering of a change agrees with the record: several nights of the real binary against
a loopback HTTP server (the FCC Covered List page and a headlines feed), a curated baseline that
grows, changes and ends between nights, a loopback SMTP server and a webhook receiver. For every
change recorded, the terminal line of `update` and of `diff`, `diff --json`, the member's email,
the webhook's JSON, the heartbeat and the report show the effective date and status the record holds for it.

The baseline holds, for one vendor and regime, an earlier interval and a later one (hikvision
under us.dod-1260h listed from 2021-06-03, prohibited from 2026-06-30): a rendering that takes
the date of another interval of the same vendor and regime shows 2021-06-03 for the later one."""

import html
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
import test_notify  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

REGIMES = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "change", "regimes.conf")
NIGHTS = ["2026-06-01T02:00:00Z", "2026-06-27T02:00:00Z", "2026-07-10T02:00:00Z"]
REPORT_DAY = "2026-07-11T02:00:00Z"

UAS = ("Uncrewed aircraft systems (UAS) and UAS critical components produced in a foreign country.",
       "December 22, 2025")
ITEM = ("FCC Directs Hangzhou Hikvision Digital Technology Company to Show Cause",
        "https://www.fcc.gov/document/fcc-directs-hikvision-show-cause",
        "Order directing Hangzhou Hikvision Digital Technology Company to show cause why its equipment "
        "authorizations should not be revoked.", "Fri, 26 Jun 2026 12:00:00 -0400")


def event(slug, vendor, regime, status, since, until=None, note=None, evidence=None):
    lines = ['[event "%s"]' % slug, "\tvendor = " + vendor, "\tregime = " + regime, "\tstatus = " + status,
             "\tsince = " + since]
    if until:
        lines.append("\tuntil = " + until)
    lines += ["\tcitation = test fixture " + slug,
              "\tevidence = " + (evidence or "https://www.federalregister.gov/d/" + slug), "\tconfidence = H"]
    if note:
        lines.append("\tnote = " + note)
    return "\n".join(lines) + "\n"


HIK_1260H = event("dod-1260h-hikvision", "hikvision", "us.dod-1260h", "listed", "2021-06-03")
DAHUA_1260H = event("dod-1260h-dahua", "dahua", "us.dod-1260h", "listed", "2022-10-05")
HYTERA_2284 = event("fcc-22-84-hytera", "hytera", "us.fcc-equipment-authorization", "prohibited", "2023-02-06")
HUAWEI_5G = event("uk-5g-2020-huawei", "huawei", "uk.telecoms-huawei", "restricted", "2020-07-14",
                  evidence="https://www.gov.uk/government/news/huawei-to-be-removed-from-uk-5g-networks")
HUAWEI_5G_ENDED = event("uk-5g-2020-huawei", "huawei", "uk.telecoms-huawei", "restricted", "2020-07-14",
                        until="2022-10-13",
                        evidence="https://www.gov.uk/government/news/huawei-to-be-removed-from-uk-5g-networks")
HIK_805 = event("dod-805-hikvision", "hikvision", "us.dod-1260h", "prohibited", "2026-06-30",
                note="takes effect 2026-06-30")
HIK_805_LATER = event("dod-805-hikvision", "hikvision", "us.dod-1260h", "prohibited", "2026-07-15",
                      note="takes effect 2026-07-15")
DAHUA_805 = event("dod-805-dahua", "dahua", "us.dod-1260h", "prohibited", "2026-06-30")
HUAWEI_DVD = event("uk-dvd-2022-huawei", "huawei", "uk.telecoms-huawei", "restricted", "2022-10-13",
                   evidence="https://www.gov.uk/government/publications/designated-vendor-directions")
HYTERA_NOTICE = event("fcc-import-marketing-hytera", "hytera", "us.fcc-equipment-authorization", "announced",
                      "2026-06-26")

# Each night: the curated events, the Covered List rows and the feed's items.
#   1: four of the five Covered List rows, no curated event;
#   2: two events each of one vendor and regime, an earlier and a later (added, recorded in
#      one run), Dahua's row (added), the UAS row (new-entity), an FCC order naming Hikvision
#      (announcement);
#   3: Hikvision's prohibition moved to a later date (changed), Huawei's 2020 decision given an
#      end (ended), Dahua's 1260H event withdrawn (removed), Hytera's row gone from the list.
SCRIPT = [
    ([], [r for r in ROWS_2021 if "Dahua" not in r[0]], []),
    ([HIK_1260H, HIK_805, DAHUA_1260H, DAHUA_805, HUAWEI_5G, HUAWEI_DVD, HYTERA_2284, HYTERA_NOTICE],
     ROWS_2021 + [UAS], [ITEM]),
    ([HIK_1260H, HIK_805_LATER, DAHUA_805, HUAWEI_5G_ENDED, HUAWEI_DVD, HYTERA_2284, HYTERA_NOTICE],
     [r for r in ROWS_2021 if "Hytera" not in r[0]] + [UAS], [ITEM]),
]


def rss(items):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>FCC Headlines</title>'
           '<link>https://www.fcc.gov/</link><description></description>']
    for title, link, text, date in items:
        out.append("<item><title>%s</title><link>%s</link><description>%s</description><pubDate>%s</pubDate>"
                   "</item>" % (title, link, text, date))
    out.append("</channel></rss>\n")
    return "\n".join(out)


def squeeze(text):
    """Runs of white space (line wrapping) as single spaces."""
    return " ".join(text.split())


def key(c):
    return (c["run"], c["kind"], c["vendor"], c["entity"], c["regime"])


class Agreement(test_notify.Notify):
    def configure(self, smtp_url=None, extra="", notify=""):
        self.write_config(
            [{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
              "regime": "us.fcc-covered-list", "timeout": "5000",
              "tableHeader": "Date of Inclusion on Covered List", "removeAfter": "1"},
             {"name": "fcc-headlines", "url": self.url("headlines.xml"), "format": "rss", "timeout": "5000"}],
            extra="[smtp]\n\turl = smtp://127.0.0.1:%d\n\tfrom = regwatch <alerts@usergroup.example.org>\n"
                  "[notify]\n\tretryDelay = 3600\n" % self.smtp.port)
        self.regimes = os.path.join(self.tmp, "regimes.conf")
        with open(self.config) as f:
            text = f.read().replace(os.path.join(rwtest.SOURCE_DIR, "db", "regimes.conf"), self.regimes)
        with open(self.config, "w") as f:
            f.write(text)

    def night(self, n):
        events, rows, items = SCRIPT[n]
        with open(REGIMES) as f:
            base = f.read()
        with open(self.regimes, "w") as f:
            f.write(base + "\n" + "\n".join(events))
        self.write_www("coveredlist", covered_list_page(rows))
        self.write_www("headlines.xml", rss(items))
        return self.run_rw("update", now=NIGHTS[n], expect=0).stdout

    def test_every_rendering_shows_the_recorded_date_and_status(self):
        self.set_rules("hook", [{"status": 200, "body": "ok"}])
        self.night(0)
        self.add_member("mail@example.org", now=NIGHTS[0])
        self.add_member("hook@example.org", "--webhook", self.url("hook"), now=NIGHTS[0])
        updates = {}
        for n in (1, 2):
            updates[n + 1] = self.night(n)

        # The record: each change with the interval the run recorded for it.
        stored = self.db_rows(
            "SELECT c.run, c.kind, c.vendor, c.entity, c.regime, c.from_status, c.to_status, c.effective, c.title"
            " FROM changes c WHERE c.run > 1 ORDER BY c.run, c.id")
        kinds = {r[1] for r in stored}
        self.assertEqual(kinds, {"added", "new-entity", "announcement", "changed", "ended", "removed"})
        dated = {(r[2], r[4], r[6], r[7]) for r in stored if r[1] == "added"}
        for later in [("hikvision", "us.dod-1260h", "prohibited", "2026-06-30"),
                      ("dahua", "us.dod-1260h", "prohibited", "2026-06-30"),
                      ("huawei", "uk.telecoms-huawei", "restricted", "2022-10-13"),
                      ("hytera", "us.fcc-equipment-authorization", "announced", "2026-06-26")]:
            self.assertIn(later, dated)
        for r in stored:
            if r[1] in ("added", "new-entity", "changed"):
                self.assertTrue(self.db_rows(
                    "SELECT 1 FROM intervals WHERE recorded_run = %d AND regime = '%s' AND status = '%s'"
                    " AND since = '%s'" % (r[0], r[4], r[6], r[7])), r)

        doc = self.json("diff", "--since", "#1", now=REPORT_DAY)
        changes = doc["changes"]
        self.assertEqual(len(changes), len(stored))
        text = self.run_rw("diff", "--since", "#1", now=REPORT_DAY, expect=0).stdout
        lines = [line.strip() for line in text.splitlines()[1:] if not line.strip().startswith("run #")]
        self.assertEqual(len(lines), len(changes))

        # diff --json against the record, and each terminal line against both.
        for c, r, line in zip(changes, stored, lines):
            run, kind, vendor, entity, regime, frm, to, effective, title = r
            with self.subTest(change=key(c)):
                self.assertEqual((c["run"], c["kind"], c["vendor"], c["regime"]), (run, kind, vendor, regime))
                self.assertEqual(c["effective"], effective)
                self.assertEqual((c["from"], c["to"]), (frm, to))
                who = ("%s: " % vendor) if vendor else ("new entity '%s': " % entity)
                if kind in ("added", "new-entity"):
                    self.assertTrue(line.startswith("%s%s %s from %s" % (who, regime, to, effective)), line)
                    self.assertEqual(c["since"], effective)
                elif kind == "changed":
                    self.assertIn(" -> from %s" % effective if c["from_since"] != effective else
                                  "%s from %s" % (to, effective), line)
                    self.assertTrue(line.startswith("%s%s " % (who, regime)), line)
                elif kind == "ended":
                    self.assertTrue(line.startswith("%s%s %s" % (who, regime, frm)), line)
                    self.assertIn(" ended on %s " % effective, line)
                    self.assertEqual(c["until"], effective)
                elif kind == "removed":
                    self.assertTrue(line.startswith("%s%s %s" % (who, regime, frm)), line)
                else:
                    self.assertTrue(line.startswith('%sannouncement of %s: "%s"' % (who, effective, title)), line)
                self.assertEqual(c.get("status"), to if kind in ("added", "new-entity", "changed") else frm)

        # update printed, night by night, the very lines diff gives for that run.
        for run in (2, 3):
            mine = [line for c, line in zip(changes, lines) if c["run"] == run]
            printed = [line.strip() for line in updates[run].splitlines() if line.startswith("  ")]
            self.assertEqual(printed, mine)

        # The member's email: the same line for every change of its run.
        mails = {}
        for rec, msg, _ in self.smtp.accepted():
            mails[int(msg["X-Regwatch-Run"])] = squeeze(msg.get_content())
        self.assertEqual(sorted(mails), [2, 3])
        for c, line in zip(changes, lines):
            with self.subTest(change=key(c)):
                self.assertIn(squeeze(line), mails[c["run"]])

        # The webhook: the same JSON object for every change.
        posts = [json.loads(p["body"]) for p in self.posts()]
        self.assertEqual(sorted(p["run"] for p in posts), [2, 3])
        self.assertEqual(sum(len(p["changes"]) for p in posts), len(changes))
        for p in posts:
            mine = [c for c in changes if c["run"] == p["run"]]
            self.assertEqual(p["changes"], mine)

        # The heartbeat: the same line and the same JSON for every change of its period.
        self.run_rw("notify", "--digest", now=REPORT_DAY, expect=0)
        (rec, msg, _), = [m for m in self.smtp.accepted() if m[1]["X-Regwatch-Run"] is None]
        beat = squeeze(msg.get_content())
        for c, line in zip(changes, lines):
            with self.subTest(change=key(c)):
                self.assertIn(squeeze(line), beat)
        beats = [json.loads(p["body"]) for p in self.posts() if json.loads(p["body"]).get("digest")]
        self.assertEqual(len(beats), 1)
        self.assertEqual(beats[0]["change_list"], changes)

        # The report: the same line for every change of its recent runs.
        report = self.run_rw("report", "--format", "html", now=REPORT_DAY, expect=0).stdout
        shown = squeeze(html.unescape(re.sub(r"<[^>]+>", " ", report)))
        for c, line in zip(changes, lines):
            with self.subTest(change=key(c)):
                self.assertIn(squeeze(line), shown)


if __name__ == "__main__":
    rwtest.main()
