"""Crash safety, proven by killing update: at every named step (REGWATCH_FAULT), the next update
completes, the database passes PRAGMA integrity_check, git fsck is clean, the archive holds no
duplicate commit, the history equals that of a run that was never interrupted, and a member's
notifications arrive once each. Also: a stale
git lock left by a kill, a full disk (RLIMIT_FSIZE) and a read-only data directory."""

import os
import pwd
import random
import resource
import signal
import sqlite3
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROW_KASPERSKY, ROWS_2021, SURVEILLANCE, covered_list_page, regimes_of  # noqa: E402

FIRST = "2026-11-29T02:00:00Z"
SECOND = "2026-11-30T02:00:00Z"
HEADLINES = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "feeds", "fcc-headlines.rss")

# The steps of an update, in order, at which a test build can be killed.
FAULT_POINTS = ["after_fetch", "mid_archive", "after_archive_commit", "in_db_transaction", "after_db_apply",
                "before_queue", "in_queue_transaction"]

# What the record holds, without the instant a database applied a run (applied_at).
RECORD_QUERIES = {
    "runs": "SELECT id, commit_oid, recorded_at, message FROM runs ORDER BY id",
    "intervals": "SELECT * FROM intervals ORDER BY id",
    "announcements": "SELECT * FROM announcements ORDER BY id",
    "changes": "SELECT * FROM changes ORDER BY id",
    "vendors": "SELECT * FROM vendors ORDER BY id",
    "regimes": "SELECT * FROM regimes ORDER BY id",
}


def second_rows():
    """The second night's list: Kaspersky added, Hytera dropped."""
    return [r for r in ROWS_2021 if "Hytera" not in r[0]] + [ROW_KASPERSKY]


def many_rows(n):
    """A list with n entries naming makers the dictionary does not know (kept as entities)."""
    return ROWS_2021 + [(SURVEILLANCE.format("Example Camera Maker %05d Company Limited" % i), "March 12, 2021")
                        for i in range(n)]


class Crash(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_config([
            {"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
             "regime": "us.fcc-covered-list", "removeAfter": "1", "timeout": "3000",
             "tableHeader": "Date of Inclusion on Covered List"},
            {"name": "fcc-headlines", "url": self.url("headlines"), "format": "rss", "timeout": "3000"},
        ])
        with open(HEADLINES, encoding="utf-8") as f:
            self.headlines = f.read()
        later = self.headlines.replace(
            "</channel>", "<item><title>Huawei equipment: a later notice</title>"
            "<link>https://www.fcc.gov/document/later-notice</link>"
            "<pubDate>Sun, 29 Nov 2026 12:00:00 GMT</pubDate></item></channel>")
        # Two nights: (clock, covered list page, headlines feed).
        self.nights = [(FIRST, covered_list_page(ROWS_2021), self.headlines),
                       (SECOND, covered_list_page(second_rows()), later)]

    # --- common steps --------------------------------------------------------

    def serve(self, page, headlines):
        # Fixed modification times: Last-Modified is archived, and the runs compared must match.
        self.write_www("coveredlist", page, mtime=1764000000 + len(page))
        self.write_www("headlines", headlines, mtime=1764000000 + len(headlines))

    def use_data(self, name):
        self.data = os.path.join(self.tmp, name)

    def record(self):
        rec = {t: self.db_rows(q) for t, q in RECORD_QUERIES.items()}
        rec["commits"] = self.git("rev-list", "--first-parent", "main").split()
        return rec

    def add_webhook_member(self):
        """A member notified by webhook of every change (the receiver answers 200)."""
        self.set_rules("hook", [{"status": 200, "body": "ok"}])
        self.run_rw("member", "add", "hooks@example.org", "--webhook", self.url("hook"), now=FIRST, expect=0)

    def deliveries(self):
        """webhook-id of every POST the receiver got, in order."""
        return [r["headers"].get("webhook-id") for r in self.requests() if r["method"] == "POST"]

    def reference(self, nights=None, member=False):
        """The record after the same nights in another data directory, never interrupted."""
        saved = self.data
        self.use_data("reference")
        if member:
            self.add_webhook_member()
        for now, page, headlines in nights or self.nights:
            self.serve(page, headlines)
            self.run_rw("update", now=now, expect=0)
        rec = self.record()
        self.data = saved
        return rec

    def archive(self):
        return os.path.join(self.data, "archive.git")

    def assert_consistent(self, killed=False):
        """integrity_check ok, git fsck clean, one commit per distinct tree, and no lock left
        unless the job was just killed (a kill while the branch is being moved leaves its lock;
        the next run removes it, as test_a_stale_git_lock_does_not_block_the_next_run shows)."""
        db = os.path.join(self.data, "regwatch.db")
        if os.path.exists(db):
            # Read-write, as the next update opens it: a kill in the first instants can leave a
            # hot journal that only a writer may roll back.
            con = sqlite3.connect(db)
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            finally:
                con.close()
        if os.path.exists(os.path.join(self.archive(), "HEAD")):
            fsck = subprocess.run(["git", "--git-dir", self.archive(), "fsck", "--strict", "--no-dangling"],
                                  capture_output=True, text=True)
            self.assertEqual(fsck.returncode, 0, fsck.stdout + fsck.stderr)
            if not killed:
                self.assertFalse(os.path.exists(os.path.join(self.archive(), "refs", "heads", "main.lock")))
            has_main = subprocess.run(["git", "--git-dir", self.archive(), "rev-parse", "--verify", "-q", "main"],
                                      capture_output=True).returncode == 0
            if has_main:
                trees = self.git("log", "--format=%T", "main").split()
                self.assertEqual(len(trees), len(set(trees)), "two commits of the same content")
                # Every commit the database recorded is on main.
                on_main = set(self.git("rev-list", "main").split())
                for (oid,) in self.db_rows("SELECT commit_oid FROM runs"):
                    self.assertIn(oid, on_main)

    def run_limited(self, *args, now, fsize):
        """update with RLIMIT_FSIZE: a file system that is full past fsize bytes per file."""
        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=now, HOME=self.tmp)
        for k in ("REGWATCH_FAULT", "REGWATCH_CONFIG", "REGWATCH_DATA"):
            env.pop(k, None)
        return subprocess.run([rwtest.BINARY, "--config", self.config, "--data", self.data] + list(args),
                              capture_output=True, text=True, env=env, timeout=120, preexec_fn=limit)

    # --- killed at each step ------------------------------------------------------

    def killed_at(self, point):
        ref = self.reference(member=True)
        ref_deliveries = self.deliveries()
        ref_outbox = self.db_rows_in("reference", "SELECT member, channel, state, attempts, run FROM outbox")
        self.use_data("data")
        self.add_webhook_member()
        for now, page, headlines in self.nights:
            self.serve(page, headlines)
            p = self.run_rw("update", now=now, fault=point)
            self.assertEqual(p.returncode, -signal.SIGKILL, "%s: not killed\n%s" % (point, p.stderr))
            self.assert_consistent()
            # The job runs again (the same night: a retry, so the same clock).
            p = self.run_rw("update", now=now, expect=0)
            self.assert_consistent()
        rec = self.record()
        for table in RECORD_QUERIES:
            self.assertEqual(rec[table], ref[table], "%s: table %s differs" % (point, table))
        self.assertEqual(rec["commits"], ref["commits"], point)
        self.assertEqual(len(rec["commits"]), 2)
        # Every run's notification delivered once: none lost, none sent twice.
        deliveries = self.deliveries()[len(ref_deliveries):]
        self.assertEqual(len(ref_deliveries), 2)
        self.assertEqual(deliveries, ref_deliveries, point)
        self.assertEqual(self.db_rows("SELECT member, channel, state, attempts, run FROM outbox"), ref_outbox)
        # Exactly one message per member and run, and every run queued.
        self.assertEqual(self.db_rows("SELECT member, run, count(*) FROM outbox GROUP BY member, run ORDER BY run"),
                         [("hooks@example.org", 1, 1), ("hooks@example.org", 2, 1)], point)
        self.assertEqual(self.db_rows("SELECT count(*) FROM runs WHERE queued_at IS NULL"), [(0,)], point)
        # The questions users ask have the same answers.
        for vendor in ("hytera", "hikvision", "huawei"):
            self.assertEqual(self.json("status", vendor, now=SECOND),
                             self.json_in("reference", "status", vendor, now=SECOND), vendor)

    def db_rows_in(self, data, sql):
        saved = self.data
        self.use_data(data)
        try:
            return self.db_rows(sql)
        finally:
            self.data = saved

    def json_in(self, data, *args, now):
        saved = self.data
        self.use_data(data)
        try:
            return self.json(*args, now=now)
        finally:
            self.data = saved

    def test_killed_after_fetch(self):
        self.killed_at("after_fetch")

    def test_killed_mid_archive(self):
        self.killed_at("mid_archive")

    def test_killed_after_archive_commit(self):
        self.killed_at("after_archive_commit")

    def test_killed_inside_the_database_transaction(self):
        self.killed_at("in_db_transaction")

    def test_killed_after_the_database_transaction(self):
        self.killed_at("after_db_apply")

    def test_killed_after_the_run_is_recorded_before_it_is_queued(self):
        self.killed_at("before_queue")

    def test_killed_inside_the_queueing_transaction(self):
        self.killed_at("in_queue_transaction")

    def test_killed_before_queueing_the_next_update_queues_once(self):
        """The run is recorded but not queued; the retry records nothing new and queues it once."""
        self.use_data("data")
        self.add_webhook_member()
        now, page, headlines = self.nights[0]
        self.serve(page, headlines)
        p = self.run_rw("update", now=now, fault="before_queue")
        self.assertEqual(p.returncode, -signal.SIGKILL, p.stderr)
        self.assertEqual(self.db_rows("SELECT id, queued_at IS NULL FROM runs"), [(1, 1)])
        self.assertEqual(self.db_rows("SELECT count(*) FROM outbox"), [(0,)])
        p = self.run_rw("update", now=now, expect=0)
        self.assertIn("nothing changed", p.stdout)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.assertEqual(self.db_rows("SELECT id, queued_at IS NULL FROM runs"), [(1, 0)])
        self.assertEqual(self.db_rows("SELECT member, run, state FROM outbox"), [("hooks@example.org", 1, "sent")])
        self.run_rw("update", now=now, expect=0)
        self.assertEqual(len(self.deliveries()), 1)

    def test_killed_mid_archive_leaves_main_where_it_was(self):
        self.use_data("data")
        now, page, headlines = self.nights[0]
        self.serve(page, headlines)
        self.run_rw("update", now=now, expect=0)
        tip = self.git("rev-parse", "main").strip()
        now, page, headlines = self.nights[1]
        self.serve(page, headlines)
        self.run_rw("update", now=now, fault="mid_archive")
        self.assertEqual(self.git("rev-parse", "main").strip(), tip)
        self.assertEqual(self.db_rows("SELECT count(*) FROM runs"), [(1,)])
        self.assertIn("us.fcc-covered-list", regimes_of(self.json("status", "hytera", now=now)))

    def test_killed_at_random_instants(self):
        """SIGKILL after a random delay, then a clean run: the same invariants every time."""
        ref = self.reference()
        self.use_data("data")
        rng = random.Random(20261129)
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", HOME=self.tmp)
        for k in ("REGWATCH_FAULT", "REGWATCH_CONFIG", "REGWATCH_DATA"):
            env.pop(k, None)
        for now, page, headlines in self.nights:
            self.serve(page, headlines)
            for _ in range(4):
                env["REGWATCH_NOW"] = now
                proc = subprocess.Popen([rwtest.BINARY, "--config", self.config, "--data", self.data, "update"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                try:
                    proc.wait(timeout=rng.uniform(0.0, 0.25))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                self.assert_consistent(killed=True)
            self.run_rw("update", now=now, expect=0)
            self.assert_consistent()
        rec = self.record()
        for table in RECORD_QUERIES:
            self.assertEqual(rec[table], ref[table], table)
        self.assertEqual(rec["commits"], ref["commits"])

    # --- locks ------------------------------------------------------------------

    def test_a_stale_git_lock_does_not_block_the_next_run(self):
        self.use_data("data")
        now, page, headlines = self.nights[0]
        self.serve(page, headlines)
        self.run_rw("update", now=now, expect=0)
        # What a job killed while moving main leaves behind.
        lock = os.path.join(self.archive(), "refs", "heads", "main.lock")
        with open(lock, "w") as f:
            f.write(self.git("rev-parse", "main"))
        now, page, headlines = self.nights[1]
        self.serve(page, headlines)
        p = self.run_rw("update", now=now, expect=0)
        self.assertIn("removed stale lock 'refs/heads/main.lock'", p.stderr)
        self.assertFalse(os.path.exists(lock))
        self.assertEqual(self.commits(), 2)
        self.assert_consistent()

    # --- a full disk ------------------------------------------------------------

    def test_full_disk_while_writing_the_archive(self):
        """A body too big for the disk: the archive write fails and nothing changes; with space
        again, the same night's run records it all (the same history as without the full disk)."""
        big = covered_list_page(second_rows()).replace(
            "</body>", "<!-- %s --></body>" % os.urandom(1536 * 1024).hex())
        nights = [self.nights[0], (SECOND, big, self.nights[1][2])]
        ref = self.reference(nights)
        self.use_data("data")
        self.serve(*self.nights[0][1:])
        self.run_rw("update", now=FIRST, expect=0)
        before = self.record()
        self.serve(*nights[1][1:])
        p = self.run_limited("update", now=SECOND, fsize=1024 * 1024)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("regwatch: archive '%s'" % self.archive(), p.stderr)
        self.assertEqual(self.record(), before)
        self.assert_consistent()
        self.run_rw("update", now=SECOND, expect=0)
        self.assert_consistent()
        rec = self.record()
        for table in RECORD_QUERIES:
            self.assertEqual(rec[table], ref[table], table)
        self.assertEqual(rec["commits"], ref["commits"])
        self.assertEqual(self.db_rows("SELECT vendor, effective FROM changes WHERE kind = 'ended'"),
                         [("hytera", "2026-11-30")])

    def test_full_disk_while_writing_the_database(self):
        """The archive commit fits, the database transaction does not: the database keeps its
        previous state, and the next run records the archived commit (the same history)."""
        page = covered_list_page(many_rows(2500))
        nights = [self.nights[0], (SECOND, page, self.headlines)]
        ref = self.reference(nights)
        self.use_data("data")
        self.serve(*self.nights[0][1:])
        self.run_rw("update", now=FIRST, expect=0)
        before = {t: self.db_rows(q) for t, q in RECORD_QUERIES.items()}
        self.serve(page, self.headlines)
        p = self.run_limited("update", now=SECOND, fsize=384 * 1024)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertRegex(p.stderr, r"database '[^']*regwatch.db'")
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertEqual({t: self.db_rows(q) for t, q in RECORD_QUERIES.items()}, before)
        self.assert_consistent()
        p = self.run_rw("update", now=SECOND, expect=0)
        self.assertIn("recorded archived run", p.stderr)
        self.assert_consistent()
        rec = self.record()
        for table in RECORD_QUERIES:
            self.assertEqual(rec[table], ref[table], table)
        self.assertEqual(rec["commits"], ref["commits"])

    # --- a read-only data directory ----------------------------------------------

    def test_read_only_data_directory(self):
        self.use_data("data")
        self.serve(*self.nights[0][1:])
        self.run_rw("update", now=FIRST, expect=0)
        before = self.record()
        as_root = os.geteuid() == 0
        if as_root:
            # Permission bits do not stop root: run as an ordinary user who owns the data.
            nobody = pwd.getpwnam("nobody")
            for d, dirs, files in os.walk(self.data):
                for name in [d] + [os.path.join(d, x) for x in dirs + files]:
                    os.lchown(name, nobody.pw_uid, nobody.pw_gid)
            for path in (self.tmp, self.config):
                os.chmod(path, os.stat(path).st_mode | stat.S_IROTH | stat.S_IXOTH)
        for d, dirs, files in os.walk(self.data):
            for name in [d] + [os.path.join(d, x) for x in dirs + files]:
                os.chmod(name, os.lstat(name).st_mode & ~0o222)
        try:
            self.serve(*self.nights[1][1:])
            env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=SECOND, HOME=self.tmp)
            env.pop("REGWATCH_FAULT", None)

            def drop():
                if as_root:
                    os.setgroups([])
                    os.setgid(nobody.pw_gid)
                    os.setuid(nobody.pw_uid)
            p = subprocess.run([rwtest.BINARY, "--config", self.config, "--data", self.data, "update"],
                               capture_output=True, text=True, env=env, timeout=60, preexec_fn=drop)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            lines = p.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, p.stderr)
            self.assertIn(self.data, lines[0])
            self.assertIn("Permission denied", lines[0])
        finally:
            for d, dirs, files in os.walk(self.data):
                for name in [d] + [os.path.join(d, x) for x in dirs + files]:
                    os.chmod(name, os.lstat(name).st_mode | 0o200)
        self.assertEqual(self.record(), before)
        self.assert_consistent()


if __name__ == "__main__":
    rwtest.main()
