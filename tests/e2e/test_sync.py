"""sync REMOTE --push|--pull: a user group's instance pushes its archive to a bare repository;
a member that pulls it (and polls no regulator itself) answers status and history exactly as
the publisher does. Fast-forward only: a diverged remote is a clear error, never a force-push."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import FIVE, ROW_KASPERSKY, ROWS_2021, covered_list_page  # noqa: E402

FIRST = "2026-11-29T02:00:00Z"
SECOND = "2026-11-30T02:00:00Z"
MEMBER = "2026-11-30T09:00:00Z"


class Sync(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1764000000)
        # A member polls no regulator: its feeds.conf has the publisher's source, disabled.
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "enabled": "false",
                            "tableHeader": "Date of Inclusion on Covered List"}])
        self.member = (os.path.join(self.tmp, "member.conf"), os.path.join(self.tmp, "member"))
        os.rename(self.config, self.member[0])
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "timeout": "3000",
                            "tableHeader": "Date of Inclusion on Covered List"}])
        self.publisher = (self.config, os.path.join(self.tmp, "publisher"))
        self.remote = os.path.join(self.tmp, "mirror.git")
        subprocess.run(["git", "init", "-q", "--bare", self.remote], check=True)

    def as_(self, who):
        self.config, self.data = who

    def remote_main(self):
        return subprocess.run(["git", "--git-dir", self.remote, "rev-parse", "main"], capture_output=True,
                              text=True, check=True).stdout.strip()

    def answers(self, now):
        """What members ask: every vendor's status today and on the day of listing, and its history."""
        out = {}
        for vendor in FIVE + ["hisilicon", "kaspersky"]:
            for day in ("2021-03-12", "2026-11-30"):
                p = self.run_rw("status", vendor, "--on", day, "--json", now=now)
                out[(vendor, day)] = (p.returncode, p.stdout)
            p = self.run_rw("history", vendor, "--json", now=now)
            out[(vendor, "history")] = (p.returncode, p.stdout)
        return out

    def test_a_member_that_pulls_answers_as_the_publisher_does(self):
        self.as_(self.publisher)
        self.run_rw("update", now=FIRST, expect=0)
        p = self.run_rw("sync", self.remote, "--push", now=FIRST, expect=0)
        self.assertIn("pushed 1 commit(s) to '%s'" % self.remote, p.stdout)
        self.assertEqual(self.remote_main(), self.git("rev-parse", "main").strip())

        self.as_(self.member)
        p = self.run_rw("sync", self.remote, "--pull", now=MEMBER, expect=0)
        self.assertIn("pulled 1 commit(s)", p.stdout)
        self.run_rw("update", now=MEMBER, expect=0)
        self.assertEqual(self.commits(), 1)  # the member's update recorded the publisher's commit, made none

        # The next night: the list gains a row; pushed by file:// URL this time.
        self.as_(self.publisher)
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]), mtime=1764086400)
        self.run_rw("update", now=SECOND, expect=0)
        p = self.run_rw("sync", "file://" + self.remote, "--push", now=SECOND, expect=0)
        self.assertIn("pushed 1 commit(s)", p.stdout)
        publisher = self.answers(MEMBER)
        publisher_runs = self.db_rows("SELECT commit_oid, recorded_at, message FROM runs ORDER BY id")

        self.as_(self.member)
        self.run_rw("sync", "file://" + self.remote, "--pull", now=MEMBER, expect=0)
        self.run_rw("update", now=MEMBER, expect=0)
        self.assertEqual(self.answers(MEMBER), publisher)
        self.assertEqual(self.db_rows("SELECT commit_oid, recorded_at, message FROM runs ORDER BY id"),
                         publisher_runs)
        self.assertEqual(self.db_rows("SELECT kind, entity FROM changes WHERE run = 2"),
                         [("new-entity", "AO Kaspersky Lab")])
        self.assertEqual(self.git("rev-parse", "main").strip(), self.remote_main())
        p = self.run_rw("sync", self.remote, "--pull", now=MEMBER, expect=0)
        self.assertIn("already up to date", p.stdout)

    def test_a_member_that_pulls_and_rebuilds_answers_as_the_publisher_does(self):
        self.as_(self.publisher)
        self.run_rw("update", now=FIRST, expect=0)
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]), mtime=1764086400)
        self.run_rw("update", now=SECOND, expect=0)
        self.run_rw("sync", self.remote, "--push", now=SECOND, expect=0)
        publisher = self.answers(MEMBER)
        self.as_(self.member)
        self.run_rw("sync", self.remote, "--pull", now=MEMBER, expect=0)
        # rebuild re-derives the member's database from the pulled archive.
        self.run_rw("rebuild", now=MEMBER, expect=0)
        self.assertEqual(self.answers(MEMBER), publisher)

    def test_a_diverged_remote_is_refused_never_forced(self):
        self.as_(self.publisher)
        self.run_rw("update", now=FIRST, expect=0)
        self.run_rw("sync", self.remote, "--push", now=FIRST, expect=0)
        # Someone commits to the mirror directly.
        env = dict(os.environ, GIT_AUTHOR_NAME="x", GIT_AUTHOR_EMAIL="x@example.org", GIT_COMMITTER_NAME="x",
                   GIT_COMMITTER_EMAIL="x@example.org")
        tree = subprocess.run(["git", "--git-dir", self.remote, "rev-parse", "main^{tree}"], capture_output=True,
                              text=True, check=True).stdout.strip()
        theirs = subprocess.run(["git", "--git-dir", self.remote, "commit-tree", tree, "-p", "main", "-m", "edit"],
                                capture_output=True, text=True, check=True, env=env).stdout.strip()
        subprocess.run(["git", "--git-dir", self.remote, "update-ref", "refs/heads/main", theirs], check=True)
        self.write_www("coveredlist", covered_list_page(ROWS_2021 + [ROW_KASPERSKY]), mtime=1764086400)
        self.run_rw("update", now=SECOND, expect=0)
        mine = self.git("rev-parse", "main").strip()
        p = self.run_rw("sync", self.remote, "--push", now=SECOND, expect=1)
        self.assertEqual(p.stdout, "")
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("remote '%s'" % self.remote, p.stderr)
        self.assertIn("diverged; nothing was pushed", p.stderr)
        self.assertEqual(self.remote_main(), theirs)
        # Pulling it is refused too: our main stays.
        p = self.run_rw("sync", self.remote, "--pull", now=SECOND, expect=1)
        self.assertIn("diverged; nothing was pulled", p.stderr)
        self.assertEqual(self.git("rev-parse", "main").strip(), mine)

    def test_sync_waits_for_no_running_update(self):
        self.as_(self.publisher)
        self.run_rw("update", now=FIRST, expect=0)
        lock = self.hold_lock()
        try:
            start = time.monotonic()
            p = self.run_rw("sync", self.remote, "--push", now=FIRST, expect=1)
            self.assertLess(time.monotonic() - start, 5)
            self.assertIn("another 'regwatch update' is running", p.stderr)
        finally:
            lock.close()
        self.assertNotEqual(subprocess.run(["git", "--git-dir", self.remote, "rev-parse", "--verify", "-q", "main"],
                                           capture_output=True).returncode, 0)

    def test_usage_errors(self):
        self.as_(self.publisher)
        # Without a direction, sync pushes (here: nothing to push yet).
        p = self.run_rw("sync", self.remote, now=FIRST, expect=1)
        self.assertIn("run 'regwatch update' first", p.stderr)
        p = self.run_rw("sync", "--push", now=FIRST, expect=2)
        self.assertIn("no remote given", p.stderr)
        p = self.run_rw("sync", self.remote, "--push", "--pull", now=FIRST, expect=2)
        self.assertIn("one of --push and --pull", p.stderr)
        p = self.run_rw("sync", self.remote, "--push", now=FIRST, expect=1)
        self.assertIn("run 'regwatch update' first", p.stderr)
        p = self.run_rw("sync", os.path.join(self.tmp, "nowhere.git"), "--pull", now=FIRST, expect=1)
        self.assertIn("nowhere.git", p.stderr)


if __name__ == "__main__":
    rwtest.main()
