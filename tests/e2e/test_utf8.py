"""Text that is not UTF-8 where it enters: Windows-1252 bytes (0xE9, 0x92, 0x96) and lone
continuation bytes in a CSV list, in an RSS feed that declares windows-1252 and in an Atom
feed that claims UTF-8. After an update every --json document must be valid UTF-8 JSON."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402

NOW = "2026-11-29T02:00:00Z"

HEADER = (b'"_id","source","entity_number","name","start_date","source_list_url","alt_names",'
          b'"addresses","ids"\r\n')


def csl_row(uid, source, name, date, alt=b"", addresses=b""):
    return b",".join(b'"%s"' % f for f in (uid, source, b"", name, date,
                                            b"https://www.bis.doc.gov/el", alt, addresses, b"")) + b"\r\n"


CSV = (HEADER
       + csl_row(b"el-1", b"Entity List (EL) - Bureau of Industry and Security",
                 b"Hangzhou Hikvision Digital Technology Co., Ltd.", b"2019-10-09",
                 alt=b"Hikvision Caf\xe9 \x92Depot\x92 \x96 North",
                 addresses=b"No. 555 Qianmo Road \x80\xbf Binjiang")
       + csl_row(b"el-2", b"Entity List (EL) - Bureau of Industry and Security",
                 b"Soci\xe9t\xe9 G\xe9n\xe9rale d\x92Optique \x96 Lyon", b"2020-06-05")
       + csl_row(b"el-3", b"Entity List (EL) - Bureau of Industry and Security",
                 b"Caf\xc3\xa9 Mixte \x80 Import", b"2021-01-15"))

RSS = (b'<?xml version="1.0" encoding="windows-1252"?>\n<rss version="2.0"><channel>'
       b'<title>Federal Register</title><link>https://www.federalregister.gov/</link>'
       b'<item><title>Hikvision: Commerce\x92s rule \x96 entit\xe9s added</title>'
       b'<link>https://www.federalregister.gov/d/2019-22210</link>'
       b'<description>Hikvision caf\xe9 \x92quoted\x92</description>'
       b'<pubDate>Wed, 09 Oct 2019 04:00:00 +0000</pubDate></item>'
       b'</channel></rss>\n')

ATOM = (b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        b'<title>GOV.UK</title><id>urn:x</id><updated>2026-11-01T00:00:00Z</updated>'
        b'<entry><title>Huawei \xe9 \x92 \x96 \x80\xbf</title><id>urn:y</id>'
        b'<link href="https://www.gov.uk/x"/><updated>2026-11-01T00:00:00Z</updated></entry></feed>\n')


class Utf8Everywhere(rwtest.Env):
    def setUp(self):
        super().setUp()
        for name, body in (("csl", CSV), ("fr", RSS), ("govuk", ATOM)):
            with open(os.path.join(self.www, name), "wb") as f:
                f.write(body)
        self.write_config([
            {"name": "trade-csl", "url": self.url("csl"), "format": "csv",
             "listRegime": "Entity List (EL)=us.entity-list"},
            {"name": "federal-register", "url": self.url("fr"), "format": "rss"},
            {"name": "govuk-news", "url": self.url("govuk"), "format": "atom"},
        ])

    def raw_json(self, *args):
        """The --json output of a command, decoded as strict UTF-8 and parsed."""
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=NOW, HOME=self.tmp)
        for k in ("REGWATCH_FAULT", "REGWATCH_CONFIG", "REGWATCH_DATA"):
            env.pop(k, None)
        p = subprocess.run([rwtest.BINARY, "--config", self.config, "--data", self.data] + list(args)
                           + ["--json"], capture_output=True, env=env, timeout=120)
        self.assertIn(p.returncode, (0, 3), (args, p.stderr))
        text = p.stdout.decode("utf-8", errors="strict")
        return json.loads(text), text

    def test_every_json_document_is_valid_utf8(self):
        p = self.run_rw("update", now=NOW)
        self.assertIn(p.returncode, (0, 3), p.stderr)
        docs = {}
        for args in (("status", "hikvision"), ("history", "hikvision"), ("vendors",), ("sources",),
                     ("diff",), ("status", "huawei"), ("history", "huawei")):
            docs[args], text = self.raw_json(*args)
            self.assertNotIn("\udcff", text)
        everything = json.dumps(list(docs.values()), ensure_ascii=False)
        # the CSV's Windows-1252 cells are read as Windows-1252
        self.assertIn("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale d\u2019Optique \u2013 Lyon", everything)
        # a cell that mixes UTF-8 with a stray byte keeps its UTF-8 and marks the stray byte
        self.assertIn("Caf\u00e9 Mixte \ufffd Import", everything)
        # the feed declared windows-1252 and was read so
        sources = {s["name"]: s for s in docs[("sources",)]["sources"]}
        self.assertEqual(sources["trade-csl"]["health"], "ok", sources["trade-csl"])
        self.assertEqual(sources["federal-register"]["health"], "ok", sources["federal-register"])
        self.assertIn("Commerce\u2019s rule \u2013 entit\u00e9s added", everything)


if __name__ == "__main__":
    rwtest.main()
