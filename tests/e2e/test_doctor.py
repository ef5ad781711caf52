"""`regwatch doctor` as an administrator runs it: after a good night, after a bad one, with a broken
configuration, and with damaged data; one line per check, exit 1 on any failure."""

import json
import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

NIGHT = "2026-11-28T02:00:00Z"
MORNING = "2026-11-28T08:00:00Z"
LINE = r"^(ok|skip|warn|FAIL)  +[a-z0-9 '._-]+: "


class Doctor(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615507200)
        self.sources = [{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                         "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"}]
        self.write_config(self.sources)

    def doctor(self, *args, expect, now=MORNING):
        p = self.run_rw("doctor", *args, now=now, expect=expect)
        self.assertEqual(p.stderr, "")
        return p

    def checks(self, p):
        lines = p.stdout.splitlines()
        for line in lines[:-1]:
            self.assertRegex(line, LINE)
        return {l.split(":", 1)[0].split(None, 1)[1]: l for l in lines[:-1]}

    def test_before_the_first_update_nothing_fails_and_nothing_is_created(self):
        p = self.doctor(expect=0)
        c = self.checks(p)
        self.assertTrue(c["configuration"].startswith("ok  "), c)
        self.assertIn(self.config, c["configuration"])
        self.assertIn("1 source, 1 enabled", c["configuration"])
        self.assertRegex(c["dictionary"], r"^ok +dictionary: .*vendors\.conf: \d+ vendors")
        self.assertRegex(c["baseline"], r"^ok +baseline: .*regimes\.conf: \d+ regimes, \d+ dated events")
        for lib in ("libcurl", "libxml2", "libgit2", "sqlite"):
            self.assertTrue(c[lib].startswith("ok  "), c[lib])
        for check in ("data directory", "archive", "database"):
            self.assertTrue(c[check].startswith("skip"), c[check])
            self.assertIn("the first update creates it", c[check])
        self.assertEqual(p.stdout.splitlines()[-1], "no problems found, 0 warnings")
        self.assertFalse(os.path.exists(self.data))

    def test_after_a_good_night_every_check_passes(self):
        self.run_rw("update", now=NIGHT, expect=0)
        p = self.doctor(expect=0)
        c = self.checks(p)
        self.assertRegex(c["data directory"], r"^ok +data directory: '.*': owner \S+, mode 0700$")
        self.assertRegex(c["archive"], r"^ok +archive: '.*archive\.git': 1 commit on main, \d+ objects read back")
        self.assertRegex(c["database"], r"^ok +database: '.*regwatch\.db': quick_check ok, 1 runs")
        self.assertEqual(c["source 'fcc-covered-list'"],
                         "ok    source 'fcc-covered-list': last success %s (HTTP 200, 5 records)" % NIGHT)
        doc = json.loads(self.run_rw("doctor", "--json", now=MORNING, expect=0).stdout)
        self.assertEqual(doc["failed"], 0)
        names = [x["check"] for x in doc["checks"]]
        self.assertEqual(names[:3], ["configuration", "dictionary", "baseline"])
        self.assertIn("source 'fcc-covered-list'", names)
        self.assertEqual({x["result"] for x in doc["checks"]} - {"ok", "skip"}, set())

    def test_a_failing_source_fails_the_doctor(self):
        self.run_rw("update", now=NIGHT, expect=0)
        self.set_rules("coveredlist", [{"status": 403}])
        self.run_rw("update", now="2026-11-29T02:00:00Z", expect=3)
        p = self.doctor(expect=1, now="2026-11-29T08:00:00Z")
        c = self.checks(p)
        line = c["source 'fcc-covered-list'"]
        self.assertTrue(line.startswith("FAIL  source 'fcc-covered-list': failing: "), line)
        self.assertIn("HTTP 403", line)
        self.assertIn("last success %s, 1 consecutive failure" % NIGHT, line)
        self.assertEqual(p.stdout.splitlines()[-1], "1 check failed, 0 warnings")

    def test_a_stale_source_fails_the_doctor(self):
        self.run_rw("update", now=NIGHT, expect=0)
        p = self.doctor(expect=1, now="2026-12-15T08:00:00Z")
        line = self.checks(p)["source 'fcc-covered-list'"]
        self.assertTrue(line.startswith("FAIL  source 'fcc-covered-list': stale: no success within 7 days"), line)

    def test_a_new_source_not_fetched_yet_is_a_warning(self):
        self.run_rw("update", now=NIGHT, expect=0)
        self.write_config(self.sources + [{"name": "fcc-headlines", "url": self.url("h.rss"), "format": "rss"},
                                          {"name": "old", "url": self.url("o.rss"), "format": "rss",
                                           "enabled": "false"}])
        p = self.doctor(expect=0)
        c = self.checks(p)
        self.assertEqual(c["source 'fcc-headlines'"], "warn  source 'fcc-headlines': not fetched yet: the next "
                         "update will")
        self.assertEqual(c["source 'old'"], "skip  source 'old': disabled in feeds.conf")
        self.assertEqual(p.stdout.splitlines()[-1], "no problems found, 1 warning")

    def test_a_broken_configuration_is_reported_and_the_rest_still_checked(self):
        with open(self.config, "a") as f:
            f.write('[source "x"]\n\turl = gopher://example.org/\n\tformat = rss\n')
        p = self.doctor(expect=1)
        c = self.checks(p)
        self.assertEqual(c["configuration"],
                         "FAIL  configuration: %s: source 'x': key 'url': scheme must be http, https or file"
                         % self.config)
        self.assertTrue(c["libgit2"].startswith("ok"))
        self.assertTrue(c["data directory"].startswith("skip"))
        # Every other command still refuses the file, with the same message and exit status 2.
        q = self.run_rw("sources", expect=2)
        self.assertIn("scheme must be http, https or file", q.stderr)

    def test_no_configuration_at_all(self):
        for installed in ("/etc/regwatch/feeds.conf", "/usr/local/etc/regwatch/feeds.conf"):
            if os.path.exists(installed):
                self.skipTest("this machine has %s" % installed)
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        env = dict(os.environ, HOME=empty, XDG_CONFIG_HOME=os.path.join(empty, "xdg"))
        env.pop("REGWATCH_CONFIG", None)
        p = subprocess.run([rwtest.BINARY, "--data", self.data, "doctor"], capture_output=True, text=True,
                           env=env, cwd=empty)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAIL  configuration: no feeds.conf found", p.stdout)
        self.assertIn("skip  dictionary: not checked: feeds.conf did not load", p.stdout)

    def test_a_world_writable_data_directory_fails(self):
        self.run_rw("update", now=NIGHT, expect=0)
        os.chmod(self.data, 0o777)
        p = self.doctor(expect=1)
        self.assertIn("writable by everyone (mode 0777): chmod 700 '%s'" % self.data,
                      self.checks(p)["data directory"])

    def test_a_damaged_archive_fails(self):
        self.run_rw("update", now=NIGHT, expect=0)
        blob = self.git("rev-parse", "main:state/statuses.tsv").strip()
        path = os.path.join(self.data, "archive.git", "objects", blob[:2], blob[2:])
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        with open(path, "r+b") as f:
            f.seek(10)
            f.write(b"\0\0\0\0\0\0\0\0")
        p = self.doctor(expect=1)
        line = self.checks(p)["archive"]
        self.assertTrue(line.startswith("FAIL  archive: archive '%s/archive.git': object %s is damaged"
                                        % (self.data, blob)), line)
        # The database is still checked, and git agrees.
        self.assertTrue(self.checks(p)["database"].startswith("ok"))

    def test_a_damaged_database_fails(self):
        self.run_rw("update", now=NIGHT, expect=0)
        path = os.path.join(self.data, "regwatch.db")
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            for page in range(4096, size, 4096):
                f.seek(page)
                f.write(b"\xa5" * 64)
        p = self.doctor(expect=1)
        self.assertTrue(self.checks(p)["database"].startswith("FAIL  database: database '%s'" % path),
                        p.stdout)

    def test_help(self):
        p = self.run_rw("doctor", "--help", expect=0)
        self.assertTrue(p.stdout.startswith("usage: regwatch [global options] doctor [--json]\n"), p.stdout)
        self.run_rw("doctor", "--no-such-option", expect=2)


if __name__ == "__main__":
    rwtest.main()
