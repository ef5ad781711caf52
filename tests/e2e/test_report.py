"""The status report end to end: the real binary records the FCC Covered List, FCC
headlines with hostile titles and a failing source from a loopback server, then
writes the report as HTML and Markdown. The HTML is read back with an XML parser
(and, where Chromium is installed, rendered by it); every interval the database
holds must be a bar of the timeline, and no text from a source may become markup."""

import collections
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

DATA = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "report")
NOW = "2026-08-20T02:00:00Z"
H = "{http://www.w3.org/1999/xhtml}"
S = "{http://www.w3.org/2000/svg}"
CHROMIUM = "/usr/bin/chromium"
HOSTILE = ("Hikvision <script>alert(\"pwned\")</script> & \"quoted\" 'single' "
           "<img src=x onerror=alert(1)>")
HOSTILE_MD = "Dahua | table ](https://evil.example/x) [click](javascript:alert(1)) *bold* _em_ `code` # &amp;"
COLOURS = {"prohibited": (0xb2, 0x18, 0x2b), "listed": (0x21, 0x66, 0xac), "restricted": (0xe6, 0x61, 0x01)}


def text_of(el):
    return "".join(el.itertext())


def md_cells(line):
    """Cells of a Markdown table row, split on pipes no backslash escapes."""
    cells, cur, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 2
            continue
        if line[i] == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += line[i]
        i += 1
    cells.append(cur)
    return [c.strip() for c in cells[1:-1]]


def png_colours(path):
    """Width, height and a Counter of the (r, g, b) pixels of an 8-bit RGB or RGBA PNG (no third-party modules)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 3
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    colours, prev = collections.Counter(), bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 2:
            line = bytearray((x + b) & 0xFF for x, b in zip(line, prev))
        elif ftype in (1, 3, 4):
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                if ftype == 1:
                    line[x] = (line[x] + a) & 0xFF
                elif ftype == 3:
                    line[x] = (line[x] + (a + b) // 2) & 0xFF
                else:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 0xFF
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return width, height, colours


class Report(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021))
        shutil.copy(os.path.join(DATA, "headlines.rss"), os.path.join(self.www, "headlines.rss"))
        self.write_config([
            {"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
             "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List",
             "timeout": "3000"},
            {"name": "fcc-headlines", "url": self.url("headlines.rss"), "format": "rss", "timeout": "3000"},
            {"name": "federal-register", "url": self.url("missing.rss"), "format": "rss", "timeout": "3000"},
        ])
        self.run_rw("update", now=NOW, expect=3)
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.out)

    def intervals(self):
        return self.db_rows("SELECT vendor, regime, status, coalesce(since, ''), coalesce(until, ''), source"
                            " FROM intervals WHERE vendor IS NOT NULL AND superseded_run IS NULL")

    def html(self, *args):
        path = os.path.join(self.out, "report.html")
        p = self.run_rw("report", "-o", path, *args, now=NOW, expect=0)
        self.assertEqual(p.stdout, "")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return text, ET.fromstring(text)

    def md(self, *args):
        return self.run_rw("report", "--format", "md", *args, now=NOW, expect=0).stdout

    def test_html_report_is_well_formed_and_written_atomically(self):
        path = os.path.join(self.out, "report.html")
        with open(path, "w") as f:
            f.write("an older report")
        inode = os.stat(path).st_ino
        text, root = self.html()
        self.assertTrue(text.startswith("<!DOCTYPE html>\n"))
        self.assertEqual(root.tag, H + "html")
        self.assertEqual(os.listdir(self.out), ["report.html"])  # no temporary file left behind
        self.assertNotEqual(os.stat(path).st_ino, inode)  # replaced by rename, never rewritten in place
        self.assertEqual(root.find(H + "head/" + H + "title").text, "regwatch status report, 2026-08-20")
        # The same clock gives the same page, on stdout without -o.
        p = self.run_rw("report", now=NOW, expect=0)
        self.assertEqual(p.stdout, text)
        self.assertEqual(p.stderr, "")

    def test_page_is_self_contained(self):
        text, root = self.html()
        csp = [m for m in root.iter(H + "meta") if m.get("http-equiv") == "Content-Security-Policy"]
        self.assertEqual(len(csp), 1)
        self.assertTrue(csp[0].get("content").startswith("default-src 'none'"))
        for tag in ("script", "link", "img", "iframe", "object", "embed"):
            self.assertEqual(list(root.iter(H + tag)), [], tag)
        self.assertEqual(list(root.iter(S + "script")), [])
        for el in root.iter():
            self.assertNotIn("src", el.attrib)
            self.assertEqual([a for a in el.attrib if a.lower().startswith("on")], [])
        self.assertNotIn("url(", text)
        self.assertNotIn("@import", text)
        hrefs = [a.get("href") for a in root.iter(H + "a")]
        self.assertTrue(hrefs)
        for href in hrefs:
            self.assertTrue(href.startswith("#") or href.startswith("https://") or href.startswith("http://"), href)
        ids = {el.get("id") for el in root.iter() if el.get("id")}
        for href in hrefs:
            if href.startswith("#"):
                self.assertIn(href[1:], ids)

    def test_every_interval_is_a_bar_of_the_timeline(self):
        _, root = self.html()
        svgs = list(root.iter(S + "svg"))
        self.assertEqual(len(svgs), 1)
        bars = [r for r in svgs[0].iter(S + "rect") if (r.get("class") or "").startswith("bar ")]
        got = sorted((b.get("data-vendor"), b.get("data-regime"), b.get("data-status"), b.get("data-since"),
                      b.get("data-until"), b.get("data-source")) for b in bars)
        want = sorted(self.intervals())
        self.assertGreater(len(want), 40)
        self.assertEqual(got, want)
        for b in bars:
            self.assertGreaterEqual(float(b.get("width")), 2.0)
            self.assertGreaterEqual(float(b.get("x")), 300.0)
            self.assertEqual(b.get("class"), "bar st-" + b.get("data-status"))
            if b.get("data-status") in COLOURS:
                self.assertEqual(tuple(int(b.get("fill")[i:i + 2], 16) for i in (1, 3, 5)),
                                 COLOURS[b.get("data-status")])
        # The live list's rows are there beside the baseline's: both sources of Hikvision's Covered List entry.
        fcc = {b.get("data-source") for b in bars
               if b.get("data-vendor") == "hikvision" and b.get("data-regime") == "us.fcc-covered-list"}
        self.assertEqual(fcc, {"baseline", "fcc-covered-list"})
        # One labelled row per vendor and regime.
        labels = [text_of(t) for t in svgs[0].iter(S + "text") if t.get("class") == "label"]
        pairs = {(v, g) for v, g, *_ in self.intervals()}
        for v, g in pairs:
            self.assertEqual(labels.count("%s \u00b7 %s" % (v, g)), 1, (v, g))
        # Announcements are dots on their vendor's row, the 2021 one included; a legend names each status.
        dots = [(c.get("data-vendor"), c.get("data-date")) for c in svgs[0].iter(S + "circle")
                if c.get("data-vendor")]
        self.assertIn(("hikvision", "2021-03-12"), dots)
        self.assertIn(("dahua", "2025-06-06"), dots)
        legend = [g for g in svgs[0].iter(S + "g") if g.get("class") == "legend"][0]
        words = [text_of(t) for t in legend.iter(S + "text")]
        for word in ("prohibited", "restricted", "listed", "under-review", "announced", "announcement"):
            self.assertTrue(any(w.startswith(word) for w in words), word)

    def test_statuses_in_force_today_with_evidence(self):
        _, root = self.html()
        section = [s for s in root.iter(H + "section") if s.get("id") == "v-hikvision"][0]
        table = section.find(H + "table")
        rows = [[text_of(td) for td in tr.findall(H + "td")] for tr in table.iter(H + "tr") if tr.findall(H + "td")]
        doc = self.json("status", "hikvision", "--on", "2026-08-20", now=NOW)
        self.assertEqual(len(rows), len(doc["statuses"]))
        self.assertEqual([r[2] for r in rows], [s["status"] for s in doc["statuses"]])
        self.assertEqual(rows[0][2], "prohibited")
        fcc = [r for r in rows if r[0] == "us.fcc-covered-list" and r[6] == "fcc-covered-list"]
        self.assertEqual(len(fcc), 1)
        self.assertEqual(fcc[0][3], "2021-03-12")
        summary = {text_of(tr.findall(H + "td")[0]): [text_of(td) for td in tr.findall(H + "td")]
                   for tr in root.find(".//" + H + "table").iter(H + "tr") if tr.findall(H + "td")}
        self.assertEqual(summary["hikvision"], ["hikvision", "prohibited", str(len(rows)), "2"])
        links = [a.get("href") for tr in table.iter(H + "tr") for a in tr.iter(H + "a")]
        self.assertIn(self.url("coveredlist"), links)
        self.assertTrue(any(h.startswith("https://www.federalregister.gov/") for h in links))

    def test_recent_announcements_only_from_the_last_90_days(self):
        _, root = self.html()
        section = [s for s in root.iter(H + "section") if s.get("id") == "v-hikvision"][0]
        tables = section.findall(H + "table")
        anns = [[text_of(td) for td in tr.findall(H + "td")] for tr in tables[1].iter(H + "tr")
                if tr.findall(H + "td")]
        self.assertEqual([a[0] for a in anns], ["2026-08-10", "2026-07-21"])
        # The hostile title is text, exactly as published; its URL held a quote, so it is no link.
        self.assertEqual(anns[0][1], HOSTILE)
        link = tables[1].find(".//" + H + "a")
        self.assertEqual(link.get("href"),
                         "https://www.fcc.gov/document/fcc-proposes-prohibit-import-marketing-covered-equipment")
        dahua = [s for s in root.iter(H + "section") if s.get("id") == "v-dahua"][0]
        titles = [text_of(a) for a in dahua.findall(H + "table")[1].iter(H + "a")]
        self.assertIn(HOSTILE_MD, titles)
        self.assertNotIn("FCC Directs Luminys Systems Corporation to Show Cause", titles)  # 2025: too old

    def test_hostile_texts_never_become_markup(self):
        text, root = self.html()
        self.assertNotIn("<script", text)
        self.assertNotIn("<img", text)
        self.assertIn("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; "
                      "&#39;single&#39;", text)
        self.assertNotIn("javascript:alert(document.cookie)\"", text)
        hytera = [s for s in root.iter(H + "section") if s.get("id") == "v-hytera"][0]
        cells = [text_of(td) for td in hytera.iter(H + "td")]
        self.assertIn("Hytera notice with a script link", cells)
        self.assertEqual([a for a in hytera.iter(H + "a") if "javascript" in (a.get("href") or "")], [])
        # And in the timeline's tooltips.
        titles = [text_of(t) for t in root.iter(S + "title")]
        self.assertIn("2026-08-10: %s (fcc-headlines)" % HOSTILE, titles)

    def test_source_health(self):
        _, root = self.html()
        h2 = [h for h in root.iter(H + "h2") if h.get("id") == "sources"][0]
        sections = [s for s in root.iter(H + "section") if h2 in list(s)]
        rows = {}
        for tr in sections[0].iter(H + "tr"):
            tds = [text_of(td) for td in tr.findall(H + "td")]
            if tds:
                rows[tds[0]] = tds
        self.assertEqual(sorted(rows), ["fcc-covered-list", "fcc-headlines", "federal-register"])
        self.assertEqual(rows["fcc-covered-list"][1], "ok")
        self.assertEqual(rows["fcc-covered-list"][6], "200")
        self.assertEqual(rows["federal-register"][1], "failing")
        self.assertIn("404", rows["federal-register"][2])
        self.assertEqual(rows["federal-register"][3], NOW)

    def test_markdown_report(self):
        md = self.md()
        self.assertTrue(md.startswith("# Regulatory status report, 2026-08-20\n"))
        # No raw HTML, and no link or emphasis from a source's text.
        self.assertNotIn("<script", md)
        self.assertNotIn("<img", md)
        self.assertIn("Hikvision &lt;script&gt;alert(\"pwned\")&lt;/script&gt; &amp; \"quoted\" 'single' "
                      "&lt;img src=x onerror=alert(1)&gt;", md)
        self.assertIn("[Dahua \\| table \\](https://evil.example/x) \\[click\\](javascript:alert(1)) \\*bold\\* "
                      "\\_em\\_ \\`code\\` \\# &amp;amp;](https://www.fcc.gov/document/hostile-two)", md)
        self.assertNotIn("](javascript", md.replace("\\](javascript", ""))
        # Every table row has its header's number of cells.
        header, in_code = None, False
        for line in md.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            if in_code or not line.startswith("|"):
                header = None
                continue
            if header is None:
                header = len(md_cells(line))
            self.assertEqual(len(md_cells(line)), header, line)
        # Every interval is a row of its vendor's table of every interval.
        sections = re.split(r"\n### ", md)
        for vendor, regime, status, since, until, source in self.intervals():
            sec = [s for s in sections if s.split("\n", 1)[0].endswith("(%s)" % vendor)]
            self.assertEqual(len(sec), 1, vendor)
            every = sec[0].split("Every interval (", 1)[1]
            rows = [md_cells(l) for l in every.splitlines() if l.startswith("| ") and not l.startswith("| Regime")]
            self.assertIn((regime, "**%s**" % status, since, until or "\u2014", source),
                          [(r[0], r[2], r[3], r[4], r[6]) for r in rows], (vendor, regime, since, source))
        # The text chart: one row per vendor and regime, a legend.
        chart = md.split("```text\n", 1)[1].split("```", 1)[0]
        for vendor, regime in {(v, g) for v, g, *_ in self.intervals()}:
            self.assertEqual(len([l for l in chart.splitlines() if l.split()[:2] == [vendor, regime]]), 1)
        self.assertIn("Legend: `P` prohibited", md)
        # -o FILE.md writes the same Markdown.
        path = os.path.join(self.out, "report.md")
        self.run_rw("report", "-o", path, now=NOW, expect=0)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(f.read(), md)

    def test_errors(self):
        p = self.run_rw("report", "--format", "pdf", now=NOW, expect=2)
        self.assertIn("--format: 'pdf' is not 'html' or 'md'", p.stderr)
        self.assertEqual(p.stdout, "")
        p = self.run_rw("report", "extra", now=NOW, expect=2)
        self.assertIn("unexpected argument 'extra'", p.stderr)
        missing = os.path.join(self.tmp, "no-such-dir", "report.html")
        p = self.run_rw("report", "-o", missing, now=NOW, expect=1)
        self.assertEqual(len(p.stderr.splitlines()), 1)
        self.assertIn("report '%s'" % missing, p.stderr)
        self.assertIn("No such file or directory", p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertFalse(os.path.exists(os.path.dirname(missing)))
        p = self.run_rw("report", "--inventory", os.path.join(self.tmp, "none.csv"), now=NOW, expect=1)
        self.assertIn("none.csv", p.stderr)
        self.assertEqual(p.stdout, "")
        shutil.rmtree(self.data)
        p = self.run_rw("report", now=NOW, expect=1)
        self.assertIn("no database", p.stderr)

    def test_inventory_adds_affected_assets_by_site(self):
        inv = os.path.join(self.tmp, "assets.csv")
        shutil.copy(os.path.join(DATA, "assets.csv"), inv)
        path = os.path.join(self.out, "report.html")
        p = self.run_rw("report", "--inventory", inv, "-o", path, now=NOW, expect=0)
        # The row without an asset id is reported with its line and skipped; the others are checked.
        self.assertRegex(p.stderr, r"assets\.csv:6: ")
        with open(path, encoding="utf-8") as f:
            root = ET.fromstring(f.read())
        h2 = [h for h in root.iter(H + "h2") if h.get("id") == "assets"]
        self.assertEqual(len(h2), 1)
        section = [s for s in root.iter(H + "section") if h2[0] in list(s)][0]
        sites = [text_of(h) for h in section.iter(H + "h3")]
        self.assertEqual([s.split(" (")[0] for s in sites], sorted(s.split(" (")[0] for s in sites))
        self.assertIn("Town Hall (1 asset, 4 units)", sites)
        assets = {}
        for tr in section.iter(H + "tr"):
            tds = [text_of(td) for td in tr.findall(H + "td")]
            if tds:
                assets[tds[0]] = tds
        self.assertIn("CAM-0001", assets)
        self.assertEqual(assets["CAM-0001"][4], "hikvision")
        self.assertEqual(assets["CAM-0001"][5], "manufacturer")
        self.assertIn("prohibited", assets["CAM-0001"][6])
        self.assertEqual(assets["CAM-0003"][4], "hikvision")
        self.assertEqual(assets["CAM-0003"][5], "brand")
        self.assertEqual(assets["CAM-0004"][4], "dahua")
        self.assertNotIn("CAM-0002", assets)  # Axis is not a listed vendor
        summary = text_of(section.find(H + "p"))
        self.assertIn("of 5 assets affected on 2026-08-20", summary)
        md = self.md("--inventory", inv)
        self.assertIn("\n## Affected assets by site\n", md)
        self.assertIn("\n### Town Hall (1 asset, 4 units)\n", md)

    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
               "--hide-scrollbars"] + list(args)
        env = dict(os.environ, HOME=self.tmp, TZ="UTC", LANG="C")
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=self.tmp)

    @unittest.skipUnless(os.access(CHROMIUM, os.X_OK),
                         "Chromium is not installed (%s): the render test needs Debian's chromium package"
                         % CHROMIUM)
    def test_chromium_renders_the_timeline(self):
        path = os.path.join(self.out, "report.html")
        self.run_rw("report", "-o", path, now=NOW, expect=0)
        # The browser's own HTML parser sees the same picture: every bar, no script.
        p = self.chromium("--dump-dom", "file://" + path)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        dom = p.stdout
        self.assertNotIn("<script", dom)
        self.assertEqual(len(re.findall(r'<rect class="bar st-', dom)), len(self.intervals()))
        self.assertIn("&lt;script&gt;alert", dom)
        # The screenshot (at half scale, to keep the test fast) holds the bars' colours, over enough
        # pixels to be the bars.
        shot = os.path.join(self.tmp, "shot.png")
        p = self.chromium("--screenshot=" + shot, "--window-size=1280,2000", "--force-device-scale-factor=0.5",
                          "file://" + path)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        width, height, colours = png_colours(shot)
        self.assertEqual((width, height), (640, 1000))
        counts = {word: sum(n for px, n in colours.items() if all(abs(px[i] - rgb[i]) <= 6 for i in range(3)))
                  for word, rgb in COLOURS.items()}
        for word, n in counts.items():
            self.assertGreater(n, 1000, (word, counts))


if __name__ == "__main__":
    rwtest.main()
