"""Shared helpers for the end-to-end tests: a private data directory, a loopback
HTTP server (tests/tools/httpd.py) and the real regwatch binary, with a fixed
clock, TZ=UTC and LANG=C."""

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("RW_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
TOOLS = os.path.join(SOURCE_DIR, "tests", "tools")
BINARY = None  # set from argv by main()


def covered_list_page(rows, with_table=True, extra_tables=True):
    """An FCC Covered List page in the page's real markup. rows: (cell html, date text)."""
    th = ('<th style="background-color:#FFFDF2;border-collapse:collapse;border:1px solid black;'
          'width:516px;"><p class="text-align-center"><strong>{}</strong></p></th>')
    td = '<td style="border-collapse:collapse;border:1px solid black;width:516px;">{}</td>'
    tdd = ('<td style="border-collapse:collapse;border:1px solid black;width:174px;">'
           '<p class="rtecenter">{}</p></td>')
    body = []
    if extra_tables:
        body.append('<h3>Conditional Approvals</h3><table border="1"><thead><tr>'
                    + th.format("UAS Conditional Approvals") + th.format("Dates of Conditional Approval*")
                    + '</tr></thead><tbody><tr>' + td.format("Example UAS maker") + tdd.format("March 18, 2026")
                    + '</tr></tbody></table>')
    if with_table:
        body.append('<h3>Covered List</h3><table style="width:690px;" border="1" cellpadding="0" '
                    'cellspacing="0" width="690"><thead><tr>' + th.format("Covered Equipment or Services*")
                    + th.format("Date of Inclusion on Covered List") + '</tr></thead><tbody>')
        for cell, date in rows:
            body.append('<tr>' + td.format(cell) + tdd.format(date) + '</tr>')
        body.append('</tbody></table>')
    return ('<!DOCTYPE html>\n<html dir="ltr"><head><meta charset="utf-8" />\n'
            '<title>List of Equipment and Services Covered By Section 2 of The Secure Networks Act | '
            'Federal Communications Commission</title></head>\n<body><div class="page__body">'
            '<p>Section 1.50002 of the Commission\u2019s rules directs the Public Safety and Homeland '
            'Security Bureau to publish a list of communications equipment and services (Covered List).</p>'
            + "\n".join(body) + '</div></body></html>\n')


SURVEILLANCE = ("Video surveillance and telecommunications equipment produced by <strong>{}</strong>, to the "
                "extent it is used for the purpose of public safety, security of government facilities, "
                "physical security surveillance of critical infrastructure, and other national security "
                "purposes, including telecommunications or video surveillance services provided by such "
                "entity or using such equipment.")
TELECOM = ("Telecommunications equipment produced by <strong>{}</strong>, including telecommunications or "
           "video surveillance services provided by such entity or using such equipment.")

ROWS_2021 = [
    (TELECOM.format("Huawei Technologies Company"), "March 12, 2021"),
    (TELECOM.format("ZTE Corporation"), "March 12, 2021"),
    (SURVEILLANCE.format("Hytera Communications Corporation"), "March 12, 2021"),
    (SURVEILLANCE.format("Hangzhou Hikvision Digital Technology Company"), "March 12, 2021"),
    (SURVEILLANCE.format("Dahua Technology Company"), "March 12, 2021"),
]
ROW_KASPERSKY = ("Information security products, solutions, and services supplied, directly or indirectly, by "
                 "<strong>AO Kaspersky Lab</strong> or any of its predecessors, successors, parents, "
                 "subsidiaries, or affiliates.", "March 25, 2022")
FIVE = ["huawei", "zte", "hytera", "hikvision", "dahua"]


class Env(unittest.TestCase):
    """A private data directory, web root and feeds.conf; a loopback HTTP server."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="regwatch-e2e-")
        self.www = os.path.join(self.tmp, "www")
        self.data = os.path.join(self.tmp, "data")
        os.makedirs(self.www)
        self.server = None
        self.start_server()

    def tearDown(self):
        if self.server:
            self.server.kill()
            self.server.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start_server(self):
        port_file = os.path.join(self.tmp, "port")
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(TOOLS, "httpd.py"), "--root", self.www, "--port-file", port_file,
             "--exit-with-parent"], stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return
            time.sleep(0.05)
        self.fail("the test HTTP server did not start")

    def url(self, path):
        return "http://127.0.0.1:%d/%s" % (self.port, path)

    def write_www(self, name, text, mtime=None):
        path = os.path.join(self.www, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    def set_rules(self, name, steps):
        path = os.path.join(self.www, name + ".rules")
        if steps is None:
            if os.path.exists(path):
                os.unlink(path)
            return
        with open(path, "w") as f:
            json.dump(steps, f)

    def requests(self):
        path = os.path.join(self.www, "requests.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def write_config(self, sources, vendors=None, extra=""):
        """sources: list of dicts with name, url, format and further keys."""
        vendors = vendors or os.path.join(SOURCE_DIR, "db", "vendors.conf")
        lines = ["[regwatch]", "\tvendors = " + vendors,
                 "\tregimes = " + os.path.join(SOURCE_DIR, "db", "regimes.conf"),
                 "[fetch]", "\tmaxAttempts = 2", "\tretryDelay = 100", "\tmaxRetryDelay = 500",
                 "\tconnectTimeout = 2000"]
        for s in sources:
            lines.append('[source "%s"]' % s["name"])
            for k, v in s.items():
                if k != "name":
                    lines.append("\t%s = %s" % (k, v))
        self.config = os.path.join(self.tmp, "feeds.conf")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)

    def run_rw(self, *args, now="2026-11-29T02:00:00Z", expect=None, timeout=120, fault=None):
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=now, HOME=self.tmp)
        env.pop("REGWATCH_FAULT", None)
        if fault:
            env["REGWATCH_FAULT"] = fault
        env.pop("REGWATCH_CONFIG", None)
        env.pop("REGWATCH_DATA", None)
        cmd = [BINARY, "--config", self.config, "--data", self.data] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        if expect is not None and p.returncode != expect:
            self.fail("%s exited %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                      % (" ".join(args), p.returncode, expect, p.stdout, p.stderr))
        return p

    def json(self, *args, now="2026-11-29T02:00:00Z"):
        p = self.run_rw(*args, "--json", now=now, expect=0)
        return json.loads(p.stdout)

    def git(self, *args):
        return subprocess.run(["git", "--git-dir", os.path.join(self.data, "archive.git")] + list(args),
                              capture_output=True, text=True, check=True).stdout

    def commits(self):
        return int(self.git("rev-list", "--count", "main").strip())

    def db_rows(self, sql):
        con = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.data, "regwatch.db"), uri=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def record_snapshot(self):
        """Everything the record holds, to compare across runs."""
        return {t: self.db_rows("SELECT * FROM %s ORDER BY 1" % t)
                for t in ("runs", "intervals", "announcements", "changes", "vendors", "regimes")}

    def hold_lock(self):
        os.makedirs(self.data, exist_ok=True)
        f = open(os.path.join(self.data, "update.lock"), "w")
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return f


def regimes_of(doc):
    return sorted({s["regime"] for s in doc["statuses"]})


def main():
    global BINARY
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
