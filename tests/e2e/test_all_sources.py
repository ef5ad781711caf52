"""Every shipped source, served from loopback in its real format: one update records the
regulatory record, with the baseline's dates and the live lists side by side; bad input in
each format is refused by that source alone."""

import gzip
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import regimes_of  # noqa: E402

DATA = os.path.join(rwtest.SOURCE_DIR, "tests", "data")
FIXTURES = {
    "fcc-covered-list": "fcc/coveredlist-2026-07.html",
    "fcc-headlines": "feeds/fcc-headlines.rss",
    "federal-register": "feeds/federalregister.rss",
    "govuk-news": "feeds/govuk-search.atom",
    "ofac-consolidated": "lists/sdn-current.xml",
    "trade-csl": "lists/csl.csv",
    "eu-presscorner": "feeds/eu-presscorner.rss",
}
NOW = "2026-11-29T02:00:00Z"
LATER = "2026-11-30T02:00:00Z"


class AllSources(rwtest.Env):
    def setUp(self):
        super().setUp()
        for name, path in FIXTURES.items():
            shutil.copy(os.path.join(DATA, path), os.path.join(self.www, name))
        # The shipped feeds.conf, pointed at the loopback server with git config itself.
        self.config = os.path.join(self.tmp, "feeds.conf")
        shutil.copy(os.path.join(rwtest.SOURCE_DIR, "feeds.conf"), self.config)
        sets = [("regwatch.vendors", os.path.join(rwtest.SOURCE_DIR, "db", "vendors.conf")),
                ("regwatch.regimes", os.path.join(rwtest.SOURCE_DIR, "db", "regimes.conf")),
                ("fetch.maxAttempts", "2"), ("fetch.retryDelay", "100"), ("fetch.connectTimeout", "2000")]
        sets += [("source.%s.url" % name, self.url(name)) for name in FIXTURES]
        sets += [("source.%s.timeout" % name, "3000") for name in FIXTURES]
        for key, value in sets:
            subprocess.run(["git", "config", "-f", self.config, key, value], check=True)

    def status(self, vendor, day, now=NOW):
        return self.json("status", vendor, "--on", day, now=now)

    def assert_change_on(self, vendor, regime, day, before):
        self.assertNotIn(regime, regimes_of(self.status(vendor, before)), (vendor, regime, before))
        self.assertIn(regime, regimes_of(self.status(vendor, day)), (vendor, regime, day))

    def test_one_update_records_every_source(self):
        p = self.run_rw("update", now=NOW, expect=0)
        self.assertIn("7 source(s) fetched", p.stdout)
        sources = {s["name"]: s for s in self.json("sources", now=NOW)["sources"]}
        self.assertEqual(sorted(sources), sorted(FIXTURES))
        for name, s in sources.items():
            self.assertEqual(s["health"], "ok", name)
            self.assertEqual(s["http_status"], 200, name)
        self.assertEqual(sources["fcc-covered-list"]["records"], 15)  # 14 rows, one naming two entities

        # Dates either side of each change (SOURCES.md, corrected timeline).
        self.assert_change_on("zte", "us.entity-list", "2016-03-08", "2016-03-07")
        self.assertNotIn("us.entity-list", regimes_of(self.status("zte", "2017-03-29")))
        self.assert_change_on("huawei", "us.entity-list", "2019-05-16", "2019-05-15")
        self.assert_change_on("hikvision", "us.entity-list", "2019-10-09", "2019-10-08")
        self.assert_change_on("dahua", "us.entity-list", "2019-10-09", "2019-10-08")
        for vendor in rwtest.FIVE:
            self.assert_change_on(vendor, "us.ndaa-889", "2019-08-13", "2019-08-12")
            self.assert_change_on(vendor, "us.fcc-covered-list", "2021-03-12", "2021-03-11")
            self.assert_change_on(vendor, "us.fcc-equipment-authorization", "2023-02-06", "2023-02-05")
        self.assert_change_on("huawei", "us.ns-cmic", "2021-06-03", "2021-06-02")
        self.assert_change_on("hikvision", "us.ns-cmic", "2021-06-03", "2021-06-02")
        self.assertNotIn("us.ns-cmic", regimes_of(self.status("dahua", "2026-11-29")))
        self.assert_change_on("hikvision", "us.dod-1260h", "2021-06-03", "2021-06-02")
        self.assert_change_on("dahua", "us.dod-1260h", "2022-10-05", "2022-10-04")
        self.assert_change_on("huawei", "uk.telecoms-huawei", "2020-07-14", "2020-07-13")
        self.assert_change_on("hikvision", "uk.sensitive-sites", "2022-11-24", "2022-11-23")
        self.assert_change_on("dahua", "uk.sensitive-sites", "2022-11-24", "2022-11-23")
        self.assert_change_on("huawei", "eu.5g-high-risk", "2023-06-15", "2023-06-14")
        self.assert_change_on("zte", "eu.5g-high-risk", "2023-06-15", "2023-06-14")

        # The Entity List: the baseline's legal date beats the screening list's publication date,
        # and history shows both observations.
        el = [s for s in self.status("huawei", "2019-05-16")["statuses"] if s["regime"] == "us.entity-list"]
        self.assertEqual(el[0]["since"], "2019-05-16")
        hist = self.json("history", "huawei", "--regime", "us.entity-list", now=NOW)
        seen = {(i["source"], i["since"]) for i in hist["intervals"]}
        self.assertIn(("baseline", "2019-05-16"), seen)
        self.assertIn(("trade-csl", "2019-05-21"), seen)
        dis = [d for d in hist["disagreements"] if d["list"]["source"] == "trade-csl"]
        self.assertEqual([(d["baseline"]["since"], d["list"]["since"]) for d in dis], [("2019-05-16", "2019-05-21")])
        table = self.run_rw("history", "huawei", now=NOW, expect=0).stdout
        self.assertIn("where a list and the curated baseline disagree", table)
        # NS-CMIC from both Treasury's list and the screening list.
        cmic = {s["source"] for s in self.status("hikvision", "2021-06-03")["statuses"] if s["regime"] == "us.ns-cmic"}
        self.assertEqual(cmic, {"ofac-consolidated", "trade-csl"})

        # Announcements from the feeds, for the vendors they name.
        titles = {a["title"]: a for a in self.json("history", "huawei", now=NOW)["announcements"]}
        self.assertIn("Addition of Entities to the Entity List", titles)
        self.assertEqual(titles["Addition of Entities to the Entity List"]["source"], "federal-register")
        self.assertEqual(titles["Addition of Entities to the Entity List"]["date"], "2019-05-21")
        self.assertIn("Huawei to be removed from UK 5G networks by 2027", titles)
        anns = self.json("history", "zte", now=NOW)["announcements"]
        self.assertIn("eu-presscorner", {a["source"] for a in anns})

    def bad(self, name, content=None, rules=None, message=None, health="quarantined"):
        self.run_rw("update", now=NOW, expect=0)
        record = self.record_snapshot()
        if content is not None:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(os.path.join(self.www, name), mode) as f:
                f.write(content)
        if rules is not None:
            self.set_rules(name, rules)
        # Another source changes in the same run and is applied.
        with open(os.path.join(self.www, "fcc-headlines"), "a") as f:
            f.write("\n")
        p = self.run_rw("update", now=LATER, expect=3)
        self.assertIn("source '%s'" % name, p.stderr)
        if message:
            self.assertIn(message, p.stderr)
        after = self.record_snapshot()
        for table in ("intervals", "announcements", "changes"):
            self.assertEqual(after[table], record[table], table)
        sources = {s["name"]: s for s in self.json("sources", now=LATER)["sources"]}
        self.assertEqual(sources[name]["health"], health)
        self.assertEqual(sources["fcc-headlines"]["health"], "ok")
        self.assertEqual(sources["fcc-headlines"]["last_change"], LATER)
        for vendor in rwtest.FIVE:
            self.assertIn("us.fcc-covered-list", regimes_of(self.status(vendor, "2026-11-29", now=LATER)))
        return p

    def test_billion_laughs_in_a_feed(self):
        lol = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "lol">'
               + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9))
               + ']>\n<rss version="2.0"><channel><title>&j;</title></channel></rss>\n')
        self.bad("fcc-headlines-x" if False else "govuk-news", content=lol)

    def test_external_entity_pointing_at_a_local_file(self):
        secret = os.path.join(self.tmp, "secret.txt")
        with open(secret, "w") as f:
            f.write("TOP-SECRET-MARKER")
        xxe = ('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY x SYSTEM "file://%s">]>\n'
               '<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title><entry><title>Huawei &x;</title>'
               '<id>x</id><updated>2026-11-01T00:00:00Z</updated></entry></feed>\n' % secret)
        p = self.bad("govuk-news", content=xxe)
        self.assertNotIn("TOP-SECRET-MARKER", p.stdout + p.stderr + self.git("log", "-p", "--", "state"))

    def test_deep_nesting(self):
        deep = '<?xml version="1.0"?>\n<rss version="2.0"><channel>' + "<x>" * 300 + "</x>" * 300 + "</channel></rss>\n"
        self.bad("eu-presscorner", content=deep)

    def test_body_over_the_cap(self):
        big = os.path.join(self.www, "fcc-covered-list")
        self.run_rw("update", now=NOW, expect=0)
        with open(big, "ab") as f:
            f.write(b"<!-- padding -->" * (50 * 1024 * 1024 // 16))
        record = self.record_snapshot()
        with open(os.path.join(self.www, "fcc-headlines"), "a") as f:
            f.write("\n")
        p = self.run_rw("update", now=LATER, expect=3)
        self.assertIn("source 'fcc-covered-list'", p.stderr)
        self.assertIn("larger than", p.stderr)
        self.assertEqual(self.record_snapshot()["intervals"], record["intervals"])

    def test_invalid_utf8_in_a_list(self):
        with open(os.path.join(DATA, FIXTURES["ofac-consolidated"]), "rb") as f:
            body = f.read()
        body = body.replace(b"HIKVISION", b"HIK\xff\xfeVISION", 1)
        self.bad("ofac-consolidated", content=body)

    def test_csv_row_with_an_unclosed_quote(self):
        with open(os.path.join(DATA, FIXTURES["trade-csl"]), encoding="utf-8") as f:
            lines = f.read().splitlines(True)
        lines.insert(3, lines[3].replace(",", ',"', 1))
        self.bad("trade-csl", content="".join(lines))

    def test_an_html_error_page_where_xml_was_expected(self):
        self.bad("ofac-consolidated", content="<html><body><h1>Service Unavailable</h1></body></html>\n",
                 message="root element")

    def test_gzip_encoded_source(self):
        self.set_rules("trade-csl", [{"gzip": True}])
        self.run_rw("update", now=NOW, expect=0)
        self.assertIn("us.entity-list", regimes_of(self.status("dahua", "2026-11-29")))
        self.assertEqual(self.requests()[0]["headers"].get("accept-encoding") is not None, True)


if __name__ == "__main__":
    rwtest.main()
