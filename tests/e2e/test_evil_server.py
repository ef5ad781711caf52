"""A hostile or broken server behind one source: slow drip, endless body, gzip bomb, redirect
loop, redirect to another scheme, wrong Content-Length, invalid UTF-8, an HTML error page
where a feed was expected. Each time: a clear one-line error naming that source, the other
source's news of the same night applied, nothing already known lost, exit status 3."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROW_KASPERSKY, ROWS_2021, covered_list_page, regimes_of  # noqa: E402

FIRST = "2026-11-29T02:00:00Z"
LATER = "2026-11-30T02:00:00Z"
HEADLINES = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "feeds", "fcc-headlines.rss")
CAP = 65536


class EvilServer(rwtest.Env):
    def setUp(self):
        super().setUp()
        with open(HEADLINES, "rb") as f:
            self.feed = f.read()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1764000000)
        self.write_bytes("evil", self.feed)
        self.write_config([
            {"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
             "regime": "us.fcc-covered-list", "timeout": "5000",
             "tableHeader": "Date of Inclusion on Covered List"},
            {"name": "evil", "url": self.url("evil"), "format": "rss", "timeout": "5000",
             "maxBytes": str(CAP)},
        ], extra="[fetch]\n\tlowSpeedLimit = 1000\n\tlowSpeedTime = 1\n")
        self.run_rw("update", now=FIRST, expect=0)
        self.announcements = self.db_rows("SELECT * FROM announcements ORDER BY id")
        self.assertTrue(self.announcements, "the good feed yields announcements")
        self.intervals = self.db_rows("SELECT * FROM intervals ORDER BY id")

    def write_bytes(self, name, data):
        with open(os.path.join(self.www, name), "wb") as f:
            f.write(data)

    def hostile_night(self, message, health="failing", max_seconds=30):
        """The covered list gains a row the same night; returns the completed update."""
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]), mtime=1764086400)
        start = time.monotonic()
        p = self.run_rw("update", now=LATER, expect=3)
        self.assertLess(time.monotonic() - start, max_seconds)
        lines = p.stderr.strip().splitlines()
        evil = [l for l in lines if "source 'evil'" in l]
        self.assertEqual(len(evil), 1, p.stderr)
        self.assertIn(message, evil[0])
        for line in lines:
            self.assertTrue(line.startswith("regwatch: "), line)
        self.assertNotIn("fcc-covered-list", p.stderr)
        self.assertIn("1 failed" if health == "failing" else "1 quarantined", p.stdout)
        # The other source was applied: its new row is the run's one change.
        self.assertEqual(self.db_rows("SELECT kind, entity, source FROM changes WHERE run = 2"),
                         [("new-entity", "AO Kaspersky Lab", "fcc-covered-list")])
        # Nothing known was lost: the feed's announcements and every earlier interval stand.
        self.assertEqual(self.db_rows("SELECT * FROM announcements ORDER BY id"), self.announcements)
        self.assertEqual(self.db_rows("SELECT * FROM intervals WHERE recorded_run = 1 ORDER BY id"), self.intervals)
        self.assertIn("us.fcc-covered-list", regimes_of(self.json("status", "hikvision", now=LATER)))
        sources = {s["name"]: s for s in self.json("sources", now=LATER)["sources"]}
        self.assertEqual(sources["evil"]["health"], health)
        self.assertIn(message, sources["evil"]["reason"])
        self.assertEqual(sources["evil"]["last_success"], FIRST)
        self.assertEqual(sources["fcc-covered-list"]["health"], "ok")
        self.assertEqual(sources["fcc-covered-list"]["last_change"], LATER)
        return p

    def evil_requests(self):
        return [r for r in self.requests() if r["path"].startswith("/evil")]

    def test_slow_drip(self):
        self.write_bytes("evil", self.feed.replace(b"</channel>", b"<!-- next -->\n</channel>"))
        self.set_rules("evil", [{"trickle": 0.2}])
        self.hostile_night("transfer too slow (less than 1000 bytes/s for 1 s)", max_seconds=15)

    def test_endless_chunked_body_over_the_cap(self):
        self.write_bytes("evil", self.feed.replace(b"</channel>", b"<!--" + b"x" * (4 << 20) + b"--></channel>"))
        self.set_rules("evil", [{"chunked": True}])
        self.hostile_night("body larger than %d bytes" % CAP)

    def test_gzip_bomb(self):
        # 32 MiB of zeros; on the wire about 32 KiB, under the cap: only the decoded bytes count.
        self.write_bytes("evil", b"\0" * (32 << 20))
        self.set_rules("evil", [{"gzip": True}])
        self.hostile_night("body larger than %d bytes" % CAP)
        self.assertIn("accept-encoding", self.evil_requests()[-1]["headers"])

    def test_redirect_loop(self):
        self.set_rules("evil", [{"redirect": "/evil"}])
        self.hostile_night("too many redirects (more than 5)")
        self.assertEqual(len(self.evil_requests()) - 1, 6)  # the first night's, then 1 + 5 redirects

    def test_redirect_to_another_scheme(self):
        target = "ftp://127.0.0.1:%d/evil" % self.port
        self.set_rules("evil", [{"redirect": target}])
        self.hostile_night("redirect to a disallowed scheme (%s)" % target)
        self.assertEqual(len(self.evil_requests()) - 1, 1)

    def test_wrong_content_length(self):
        self.write_bytes("evil", self.feed.replace(b"</channel>", b"<!-- next -->\n</channel>"))
        self.set_rules("evil", [{"truncate": 700}])
        self.hostile_night("transfer truncated")

    def test_invalid_utf8(self):
        self.write_bytes("evil", self.feed.replace(b"<title>", b"<title>\xff\xfe\xc3(", 2))
        self.hostile_night("the document is damaged", health="quarantined")

    def test_html_error_page_where_a_feed_was_expected(self):
        self.write_www("evil", "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
                       "<body><h1>Service Unavailable</h1><p>Please try again later.</p></body></html>\n")
        p = self.hostile_night("source 'evil'", health="quarantined")
        self.assertRegex(p.stderr, r"source 'evil': .*(html|rss|root)")


if __name__ == "__main__":
    rwtest.main()
