"""Members and notifications end to end: the real binary, the FCC Covered List served by the
loopback HTTP server, a loopback SMTP server (tests/tools/smtpd.py) and webhook receivers
(tests/tools/httpd.py), with a fixed clock."""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

DATA = os.path.join(rwtest.SOURCE_DIR, "tests", "data", "notify")
FIRST_RUN = "2021-03-20T02:00:00Z"
SECOND_RUN = "2021-03-21T02:00:00Z"
THIRD_RUN = "2021-03-22T02:00:00Z"
FOURTH_RUN = "2021-03-23T02:00:00Z"
# The first run sees ZTE and Hytera; the second the page as published on 2021-03-12.
ROWS_FIRST = [r for r in ROWS_2021 if "ZTE" in r[0] or "Hytera" in r[0]]
PASSWORD = "correct-horse-battery-staple-7d1f"


class SmtpServer:
    """tests/tools/smtpd.py in a private directory."""

    def __init__(self, directory, tls=None, auth=None):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        port_file = os.path.join(directory, "port")
        cmd = [sys.executable, os.path.join(rwtest.TOOLS, "smtpd.py"), "--dir", directory,
               "--port-file", port_file, "--exit-with-parent"]
        if tls:
            cmd += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        if auth:
            cmd += ["--auth", auth]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return
            time.sleep(0.05)
        raise RuntimeError("the test SMTP server did not start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()

    def script(self, steps):
        with open(os.path.join(self.dir, "script.json"), "w") as f:
            json.dump(steps, f)

    def log(self):
        path = os.path.join(self.dir, "messages.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def accepted(self):
        """(log record, parsed message) of every stored message, in order."""
        out = []
        for rec in self.log():
            if rec["file"]:
                with open(os.path.join(self.dir, rec["file"]), "rb") as f:
                    raw = f.read()
                out.append((rec, email.message_from_bytes(raw, policy=email.policy.default), raw))
        return out


def body_of(msg):
    """The decoded text with runs of white space (line wrapping) made single spaces."""
    return " ".join(msg.get_content().split())


class Notify(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.smtp = SmtpServer(os.path.join(self.tmp, "smtp"))
        self.write_www("coveredlist", covered_list_page(ROWS_FIRST), mtime=1615507200)
        self.configure()

    def tearDown(self):
        self.smtp.stop()
        super().tearDown()

    def configure(self, smtp_url=None, extra="", notify=""):
        smtp_url = smtp_url or "smtp://127.0.0.1:%d" % self.smtp.port
        # removeAfter 1: a vendor the list drops has left it that night (test_removal.py
        # covers the wait for confirmation).
        self.write_config(
            [{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
              "regime": "us.fcc-covered-list", "removeAfter": "1", "timeout": "1500",
              "tableHeader": "Date of Inclusion on Covered List"}],
            extra="[smtp]\n\turl = %s\n\tfrom = regwatch alerts <alerts@usergroup.example.org>\n%s"
                  "[notify]\n\tretryDelay = 3600\n\tmaxRetryDelay = 86400\n%s" % (smtp_url, extra, notify))

    def publish_all_five(self):
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615593600)

    def add_member(self, *args, expect=0, now=FIRST_RUN):
        return self.run_rw("member", "add", *args, expect=expect, now=now)

    def outbox(self):
        return self.db_rows("SELECT member, channel, state, attempts, run FROM outbox ORDER BY id")

    def posts(self, path="/hook"):
        return [r for r in self.requests() if r["method"] == "POST" and r["path"] == path]


class Members(Notify):
    def test_each_member_gets_exactly_its_own_message_and_assets(self):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("council@example.org", "--vendor", "hikvision",
                        "--inventory", os.path.join(DATA, "council-assets.csv"))
        self.add_member("police@example.org", "--vendor", "dahua", "--jurisdiction", "us",
                        "--inventory", os.path.join(DATA, "police-assets.csv"))
        self.add_member("estates@example.ac.uk", "--vendor", "huawei",
                        "--inventory", os.path.join(DATA, "university-assets.csv"))
        self.add_member("ops@example.gov.uk", "--jurisdiction", "UK")
        self.add_member("hooks@example.org", "--vendor", "hikvision", "--vendor", "dahua",
                        "--webhook", self.url("hook"), "--inventory", os.path.join(DATA, "police-assets.csv"))
        self.set_rules("hook", [{"status": 200, "body": "ok"}])
        self.publish_all_five()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("notifications: 4 sent, 0 to retry, 0 failed for good", p.stdout)

        got = {rec["rcpt"][0]: (msg, rec) for rec, msg, _ in self.smtp.accepted()}
        self.assertEqual(sorted(got), ["council@example.org", "estates@example.ac.uk", "police@example.org"])
        for to, (msg, rec) in got.items():
            self.assertEqual(rec["mail_from"], "alerts@usergroup.example.org")
            self.assertEqual(msg["To"], to)
            self.assertEqual(msg["From"], "regwatch alerts <alerts@usergroup.example.org>")
            self.assertEqual(msg["Date"], "Sun, 21 Mar 2021 02:00:00 +0000")
            self.assertRegex(msg["Message-ID"], r"^<regwatch\.run-2\.[0-9a-f]{16}@usergroup\.example\.org>$")
            self.assertEqual(msg.get_content_type(), "text/plain")
            self.assertEqual(msg.get_content_charset(), "utf-8")
        ids = {msg["Message-ID"] for msg, _ in got.values()}
        self.assertEqual(len(ids), 3)

        council = body_of(got["council@example.org"][0])
        self.assertIn("Hikvision", council)
        self.assertIn("hikvision: us.fcc-covered-list listed from 2021-03-12 (added; fcc-covered-list, "
                      + self.url("coveredlist") + ")", council)
        self.assertIn("Regime: FCC Covered List (Secure Networks Act section 2) [us.fcc-covered-list, US]", council)
        self.assertIn("Town Hall", council)
        self.assertIn("CAM-0042", council)
        self.assertIn("quantity 4", council)
        for other in ("CAM-0043", "CAM-0107", "PCC-", "UNI-", "(dahua)", "(huawei)"):
            self.assertNotIn(other, council)
        self.assertIn("1 change", got["council@example.org"][0]["Subject"])

        police = body_of(got["police@example.org"][0])
        self.assertIn("dahua: us.fcc-covered-list listed from 2021-03-12", police)
        self.assertIn("PCC-001", police)
        self.assertIn("Headquarters", police)
        for other in ("PCC-002", "PCC-003", "CAM-", "UNI-", "(hikvision)"):
            self.assertNotIn(other, police)

        # HiSilicon is a subsidiary of Huawei and the Covered List covers affiliates: the
        # white-label camera with a Hi3516 chip is reached through its chipset.
        estates = body_of(got["estates@example.ac.uk"][0])
        self.assertIn("huawei: us.fcc-covered-list listed from 2021-03-12", estates)
        self.assertIn("UNI-LIB-01", estates)
        self.assertIn("matched by chipset", estates)
        self.assertIn("UNI-NET-07", estates)
        for other in ("UNI-LAB-02", "CAM-", "PCC-"):
            self.assertNotIn(other, estates)

        posts = self.posts()
        self.assertEqual(len(posts), 1)
        doc = json.loads(posts[0]["body"])
        self.assertEqual(doc["run"], 2)
        self.assertEqual(doc["member"], "hooks@example.org")
        self.assertEqual(sorted(c["vendor"] for c in doc["changes"]), ["dahua", "hikvision"])
        for c in doc["changes"]:
            self.assertEqual(c["kind"], "added")
            self.assertEqual(c["regime"], "us.fcc-covered-list")
            self.assertEqual(c["to"], "listed")
            self.assertEqual(c["effective"], "2021-03-12")
            self.assertEqual(c["evidence"], self.url("coveredlist"))
        # Asset objects as `check` writes them, only this member's, only those the changes reach.
        assets = {a["asset_id"]: a for a in doc["affected_assets"]}
        self.assertEqual(sorted(assets), ["PCC-001", "PCC-002"])
        self.assertEqual((assets["PCC-001"]["site"], assets["PCC-001"]["quantity"], assets["PCC-001"]["vendor"],
                          assets["PCC-001"]["matched_by"]), ("Headquarters", 6, "dahua", "manufacturer"))
        self.assertEqual(assets["PCC-002"]["vendor"], "hikvision")
        self.assertIn("us.fcc-covered-list", [s["regime"] for s in assets["PCC-002"]["statuses"]])
        headers = posts[0]["headers"]
        self.assertEqual(headers["content-type"], "application/json")
        self.assertRegex(headers["webhook-id"], r"^regwatch\.run-2\.[0-9a-f]{16}$")
        self.assertEqual(headers["idempotency-key"], headers["webhook-id"])
        self.assertEqual(headers["webhook-timestamp"], str(1616292000))

        # The UK-only member heard nothing: every change was a US one.
        self.assertEqual([r for r in self.outbox() if r[0] == "ops@example.gov.uk"], [])
        self.assertEqual(sorted(r[2] for r in self.outbox()), ["sent"] * 4)

        # A second update with no changes sends nothing.
        p = self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertIn("nothing changed", p.stdout)
        self.assertNotIn("notifications:", p.stdout)
        self.assertEqual(len(self.smtp.accepted()), 3)
        self.assertEqual(len(self.posts()), 1)
        self.assertEqual(len(self.outbox()), 4)


class Skipped(Notify):
    def big_inventory(self, rows=10000):
        """About 9 MB of Hikvision cameras: every one of them affected by a Hikvision change."""
        path = os.path.join(self.tmp, "depots.csv")
        note = "mounted on the depot gantry; " * 32
        with open(path, "w") as f:
            f.write("asset_id,site,manufacturer,brand,model,quantity,chipset,installed,purpose,notes\n")
            for i in range(rows):
                f.write("DEP-%05d,Depot %02d,Hikvision,,DS-2CD2143G2-I,1,,2019-05-02,public-safety,%s%d\n"
                        % (i, i % 40, note, i))
        self.assertGreater(os.path.getsize(path), 9 * 1000 * 1000)
        return path

    def test_a_member_whose_message_is_too_large_is_skipped_and_the_others_served(self):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("depots@example.org", "--vendor", "hikvision", "--inventory", self.big_inventory())
        self.add_member("council@example.org", "--vendor", "hikvision",
                        "--inventory", os.path.join(DATA, "council-assets.csv"))
        self.publish_all_five()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("run 2 recorded", p.stdout)
        self.assertIn("notifications: 1 sent, 0 to retry, 0 failed for good", p.stdout)
        skipped = r"member 'depots@example.org' skipped: message of \d+ bytes is over the 8 MiB limit"
        self.assertRegex(p.stderr, r"run 2: " + skipped)
        self.assertNotIn("out of memory", p.stderr)
        # The run is recorded: the history and the diff show it.
        self.assertEqual(self.db_rows("SELECT id, queued_at IS NOT NULL FROM runs ORDER BY id"), [(1, 1), (2, 1)])
        self.assertIn("us.fcc-covered-list", [s["regime"] for s in self.json("status", "hikvision",
                                                                            now=SECOND_RUN)["statuses"]])
        self.assertIn("hikvision", json.dumps(self.json("diff", "--since", FIRST_RUN, now=SECOND_RUN)))
        # The other member got its message through the loopback SMTP server.
        got = self.smtp.accepted()
        self.assertEqual([rec["rcpt"][0] for rec, _, _ in got], ["council@example.org"])
        self.assertIn("CAM-0042", body_of(got[0][1]))
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "sent", 1, 2)])
        # notify and sources name the member and the reason.
        reason = r"skipped: run 2 for depots@example\.org: message of \d+ bytes is over the 8 MiB limit"
        p = self.run_rw("notify", now=SECOND_RUN, expect=0)
        self.assertRegex(p.stdout, reason)
        doc = self.json("notify", now=SECOND_RUN)
        self.assertEqual([(s["run"], s["member"]) for s in doc["skipped"]], [(2, "depots@example.org")])
        self.assertRegex(doc["skipped"][0]["reason"], r"^message of \d+ bytes is over the 8 MiB limit$")
        p = self.run_rw("sources", now=SECOND_RUN, expect=0)
        self.assertIn("notifications: 1 message not queued (skipped; see 'regwatch notify')", p.stdout)
        self.assertRegex(p.stdout, reason)
        doc = self.json("sources", now=SECOND_RUN)
        self.assertEqual(doc["notifications"]["skipped"][0]["member"], "depots@example.org")

        # A second night still works: Hikvision leaves the list; the council hears of it.
        self.write_www("coveredlist", covered_list_page([r for r in ROWS_2021 if "Hikvision" not in r[0]]),
                       mtime=1615680000)
        p = self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertIn("run 3 recorded", p.stdout)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.assertEqual([rec["rcpt"][0] for rec, _, _ in self.smtp.accepted()],
                         ["council@example.org", "council@example.org"])
        self.assertEqual(self.db_rows("SELECT count(*) FROM runs WHERE queued_at IS NULL"), [(0,)])

        # Registered again with a small inventory, the member's reported problems are gone.
        self.add_member("depots@example.org", "--vendor", "hikvision", now=THIRD_RUN)
        self.assertEqual(self.json("notify", now=THIRD_RUN)["skipped"], [])

    def test_an_unreadable_stored_inventory_skips_only_that_member(self):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("depots@example.org", "--vendor", "hikvision",
                        "--inventory", os.path.join(DATA, "council-assets.csv"))
        self.add_member("council@example.org", "--vendor", "hikvision")
        # What a damaged database, or an inventory format that has since become stricter, holds.
        con = sqlite3.connect(os.path.join(self.data, "regwatch.db"))
        con.execute("UPDATE members SET inventory = 'no,header,here' WHERE email = 'depots@example.org'")
        con.commit()
        con.close()
        self.publish_all_five()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.assertRegex(p.stderr, r"run 2: member 'depots@example.org' skipped: stored inventory cannot be read: ")
        self.assertEqual([rec["rcpt"][0] for rec, _, _ in self.smtp.accepted()], ["council@example.org"])
        self.assertRegex(self.run_rw("notify", now=SECOND_RUN, expect=0).stdout,
                         r"skipped: run 2 for depots@example\.org: stored inventory cannot be read: ")


class Delivery(Notify):
    def one_member_then_changes(self, *extra):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("council@example.org", "--vendor", "hikvision", *extra)
        self.publish_all_five()

    def test_a_refused_message_arrives_on_the_next_run_and_only_once(self):
        self.one_member_then_changes()
        self.smtp.script([{"data": 451}, {}])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("notifications: 0 sent, 1 to retry, 0 failed for good", p.stdout)
        self.assertRegex(p.stderr, r"notification run-2\.[0-9a-f]{16} to 'council@example.org' failed "
                                   r"\(attempt 1 of 8\): smtp 'smtp://127\.0\.0\.1:\d+': server answered 451")
        self.assertIn("next attempt after 2021-03-21T03:00:00Z", p.stderr)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "pending", 1, 2)])
        self.assertEqual([r["reply"] for r in self.smtp.log()], [451])
        # Not due yet: an immediate `notify` leaves it alone.
        p = self.run_rw("notify", now=SECOND_RUN, expect=0)
        self.assertIn("0 sent", p.stdout)
        self.assertIn("1 queued for a later attempt", p.stdout)
        self.assertEqual(len(self.smtp.log()), 1)
        p = self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.assertEqual([r["reply"] for r in self.smtp.log()], [451, 250])
        accepted = self.smtp.accepted()
        self.assertEqual(len(accepted), 1)
        msg = accepted[0][1]
        # The same message as the refused one: Date and Message-ID come from the run.
        self.assertEqual(msg["Date"], "Sun, 21 Mar 2021 02:00:00 +0000")
        self.assertRegex(msg["Message-ID"], r"^<regwatch\.run-2\.")
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "sent", 2, 2)])
        self.run_rw("update", now=FOURTH_RUN, expect=0)
        self.run_rw("notify", now=FOURTH_RUN, expect=0)
        self.assertEqual(len(self.smtp.log()), 2)

    def test_a_webhook_answering_500_then_200_gets_one_delivery(self):
        key = os.path.join(self.tmp, "webhook-key")
        with open(key, "w") as f:
            f.write("whsec-test-key-4f1b\n")
        os.chmod(key, 0o600)
        self.configure(notify="\twebhookSecretFile = %s\n" % key)
        self.one_member_then_changes("--webhook", self.url("hook"))
        self.set_rules("hook", [{"status": 500}, {"status": 200, "body": "thanks"}])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("1 to retry", p.stdout)
        self.assertIn("HTTP status 500", p.stderr)
        p = self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.run_rw("update", now=FOURTH_RUN, expect=0)
        posts = self.posts()
        self.assertEqual(len(posts), 2)
        self.assertEqual(posts[0]["headers"]["webhook-id"], posts[1]["headers"]["webhook-id"])
        self.assertEqual(posts[0]["body"], posts[1]["body"])
        # Signed over id, timestamp and body with the key from webhookSecretFile.
        self.assertEqual([p["headers"]["webhook-timestamp"] for p in posts], ["1616292000", "1616378400"])
        for p in posts:
            h = p["headers"]
            signed = "%s.%s.%s" % (h["webhook-id"], h["webhook-timestamp"], p["body"])
            mac = hmac.new(b"whsec-test-key-4f1b", signed.encode(), hashlib.sha256).digest()
            self.assertEqual(h["webhook-signature"], "v1," + base64.b64encode(mac).decode())
        self.assertEqual(json.loads(posts[1]["body"])["member"], "council@example.org")
        self.assertEqual(self.outbox(), [("council@example.org", "webhook", "sent", 2, 2)])
        self.assertEqual(self.smtp.log(), [])

    def test_killed_after_the_commit_before_delivery_loses_no_message(self):
        self.one_member_then_changes()
        p = self.run_rw("update", now=SECOND_RUN, fault="after_outbox_commit")
        self.assertEqual(p.returncode, -signal.SIGKILL)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "pending", 0, 2)])
        self.assertEqual(self.smtp.log(), [])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("nothing changed", p.stdout)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertEqual(len(self.smtp.accepted()), 1)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "sent", 1, 2)])

    def test_killed_after_the_server_accepted_resends_the_same_message(self):
        self.one_member_then_changes()
        p = self.run_rw("update", now=SECOND_RUN, fault="after_smtp_accept")
        self.assertEqual(p.returncode, -signal.SIGKILL)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "sending", 1, 2)])
        # The claim is another delivery's until its lease ends; then the message goes again.
        self.run_rw("notify", now="2021-03-21T02:05:00Z", expect=0)
        self.assertEqual(len(self.smtp.accepted()), 1)
        self.run_rw("update", now=THIRD_RUN, expect=0)
        accepted = self.smtp.accepted()
        self.assertEqual(len(accepted), 2)
        self.assertEqual(accepted[0][1]["Message-ID"], accepted[1][1]["Message-ID"])
        self.assertEqual(accepted[0][2], accepted[1][2])
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "sent", 2, 2)])

    def test_dead_after_the_last_attempt_and_reported(self):
        self.configure(notify="\tmaxAttempts = 2\n")
        self.one_member_then_changes()
        self.smtp.script([{"data": 452}])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("1 to retry", p.stdout)
        p = self.run_rw("update", now=THIRD_RUN, expect=0)
        self.assertIn("notifications: 0 sent, 0 to retry, 1 failed for good", p.stdout)
        self.assertIn("failed for good after 2 attempts", p.stderr)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "dead", 2, 2)])
        self.run_rw("update", now=FOURTH_RUN, expect=0)
        self.assertEqual(len(self.smtp.log()), 2)
        p = self.run_rw("notify", now=FOURTH_RUN, expect=0)
        self.assertRegex(p.stdout, r"dead: run-2\.[0-9a-f]{16} to council@example.org \(smtp, 2 attempts\): "
                                   r"smtp '[^']+': server answered 452")
        p = self.run_rw("sources", now=FOURTH_RUN, expect=0)
        self.assertIn("notifications: 1 could not be delivered", p.stdout)
        self.assertIn("dead: run-2.", p.stdout)
        doc = self.json("sources", now=FOURTH_RUN)
        self.assertEqual(doc["notifications"]["dead"], 1)
        dead = doc["notifications"]["dead_messages"][0]
        self.assertEqual((dead["member"], dead["attempts"], dead["last_code"], dead["run"]),
                         ("council@example.org", 2, 452, 2))
        notify = self.json("notify", now=FOURTH_RUN)
        self.assertEqual(len(notify["dead"]), 1)

    def test_a_permanent_refusal_is_dead_at_once(self):
        self.one_member_then_changes()
        self.smtp.script([{"rcpt": 550}])
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("0 sent, 0 to retry, 1 failed for good", p.stdout)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "dead", 1, 2)])
        self.assertEqual(self.smtp.accepted(), [])

    def test_email_waits_for_an_smtp_section(self):
        self.write_config([{"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
                            "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"}])
        self.one_member_then_changes()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("1 waiting for an [smtp] section", p.stdout)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "pending", 0, 2)])
        self.configure()
        self.run_rw("notify", now=SECOND_RUN, expect=0)
        self.assertEqual(len(self.smtp.accepted()), 1)

    def test_no_notify_queues_and_notify_delivers(self):
        self.one_member_then_changes()
        self.run_rw("update", "--no-notify", now=SECOND_RUN, expect=0)
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "pending", 0, 2)])
        p = self.run_rw("notify", "--dry-run", now=SECOND_RUN, expect=0)
        self.assertIn("=== email to council@example.org (changes, attempt 1 of 8)", p.stdout)
        self.assertIn("Subject: regwatch: 1 change for hikvision (run 2)", p.stdout)
        self.assertRegex(p.stdout, r"Message-ID: <regwatch\.run-2\.[0-9a-f]{16}@usergroup\.example\.org>")
        self.assertIn("1 message would be sent now", p.stdout)
        doc = self.json("notify", "--dry-run", now=SECOND_RUN)
        self.assertEqual(len(doc["messages"]), 1)
        self.assertEqual(doc["messages"][0]["payload"]["run"], 2)
        self.assertIn("hikvision: us.fcc-covered-list listed", doc["messages"][0]["text"])
        self.assertEqual(self.smtp.log(), [])
        self.assertEqual(self.outbox(), [("council@example.org", "smtp", "pending", 0, 2)])
        p = self.run_rw("notify", now=SECOND_RUN, expect=0)
        self.assertIn("notifications: 1 sent", p.stdout)
        self.assertEqual(len(self.smtp.accepted()), 1)
        p = self.run_rw("notify", "--dry-run", now=SECOND_RUN, expect=0)
        self.assertIn("0 messages would be sent now", p.stdout)

    def test_heartbeat_even_when_nothing_changed(self):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("council@example.org", "--vendor", "hikvision")
        self.add_member("hooks@example.org", "--webhook", self.url("hook"))
        self.set_rules("hook", [{"status": 204}])
        later = "2021-03-31T02:00:00Z"  # the source has not succeeded for 11 days: stale
        p = self.run_rw("notify", "--digest", now=later, expect=0)
        self.assertIn("2 heartbeats queued", p.stdout)
        self.assertIn("notifications: 2 sent", p.stdout)
        (rec, msg, _), = self.smtp.accepted()
        self.assertEqual(msg["Subject"],
                         "regwatch heartbeat 2021-03-31: 1 source checked, 0 changes, 1 source stale")
        text = body_of(msg)
        self.assertIn("1 source checked, 0 changes, 1 source stale.", text)
        self.assertIn("fcc-covered-list stale", text)
        self.assertRegex(msg["Message-ID"], r"^<regwatch\.digest-2021-03-31\.[0-9a-f]{16}@")
        doc = json.loads(self.posts()[0]["body"])
        self.assertEqual(doc["sources"], {"checked": 1, "ok": 0, "stale": 1, "failing": 0, "quarantined": 0})
        self.assertEqual(doc["changes"], 0)
        # One heartbeat a day.
        p = self.run_rw("notify", "--digest", now="2021-03-31T09:00:00Z", expect=0)
        self.assertIn("0 heartbeats queued", p.stdout)
        self.assertEqual(len(self.smtp.accepted()), 1)


class Secrets(Notify):
    def password_file(self, mode):
        path = os.path.join(self.tmp, "smtp-password")
        with open(path, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(path, mode)
        return path

    def with_auth_server(self):
        self.smtp.stop()
        self.smtp = SmtpServer(os.path.join(self.tmp, "smtp-auth"), auth="alerts:" + PASSWORD)

    def test_a_password_file_readable_by_others_is_refused(self):
        self.with_auth_server()
        path = self.password_file(0o644)
        self.configure(extra="\tusername = alerts\n\tpasswordFile = %s\n" % path)
        p = self.run_rw("update", now=FIRST_RUN, expect=2)
        self.assertEqual(p.stdout, "")
        line, = p.stderr.strip().splitlines()
        self.assertIn("passwordFile '%s': mode 0644 lets group or others read it; it must be 0600" % path, line)
        self.assertEqual(self.requests(), [])  # refused before anything was fetched
        self.assertNotIn(PASSWORD, p.stderr)
        p = self.run_rw("notify", now=FIRST_RUN, expect=2)
        self.assertIn("mode 0644", p.stderr)
        os.symlink(path, path + ".link")
        os.chmod(path, 0o600)
        self.configure(extra="\tusername = alerts\n\tpasswordFile = %s.link\n" % path)
        p = self.run_rw("update", now=FIRST_RUN, expect=2)
        self.assertIn("symbolic link", p.stderr)
        # With --no-notify the job runs without reading it.
        self.run_rw("update", "--no-notify", now=FIRST_RUN, expect=0)

    def test_the_password_authenticates_and_is_never_shown(self):
        self.with_auth_server()
        path = self.password_file(0o600)
        self.configure(extra="\tusername = alerts\n\tpasswordFile = %s\n" % path)
        outputs = []
        outputs.append(self.run_rw("-v", "-v", "update", now=FIRST_RUN, expect=0))
        outputs.append(self.add_member("council@example.org", "--vendor", "hikvision"))
        self.publish_all_five()
        outputs.append(self.run_rw("-v", "-v", "update", now=SECOND_RUN, expect=0))
        self.assertIn("notifications: 1 sent", outputs[-1].stdout)
        (rec, msg, raw), = self.smtp.accepted()
        self.assertEqual(rec["auth"], "alerts")
        # A wrong password: the server refuses the login, the message waits, nothing leaks.
        with open(path, "w") as f:
            f.write("wrong-" + PASSWORD + "\n")
        outputs.append(self.run_rw("-v", "-v", "notify", "--digest", now=SECOND_RUN, expect=1))
        self.assertIn("server answered 535", outputs[-1].stderr)
        self.assertIn("1 to retry", outputs[-1].stdout)
        outputs.append(self.run_rw("notify", "--dry-run", now=SECOND_RUN, expect=0))
        outputs.append(self.run_rw("sources", now=SECOND_RUN, expect=0))
        outputs.append(self.run_rw("member", "list", "--json", now=SECOND_RUN, expect=0))
        # Through the environment instead of a file.
        self.configure(extra="\tusername = alerts\n")
        os.environ["REGWATCH_SMTP_PASSWORD"] = PASSWORD
        try:
            outputs.append(self.run_rw("-v", "notify", now="2021-03-22T02:00:00Z", expect=0))
        finally:
            del os.environ["REGWATCH_SMTP_PASSWORD"]
        self.assertIn("1 sent", outputs[-1].stdout)
        p = self.run_rw("notify", now=SECOND_RUN, expect=2)
        self.assertIn("username 'alerts' needs a password: give passwordFile", p.stderr)

        for p in outputs:
            self.assertNotIn(PASSWORD, p.stdout + p.stderr)
        objects = subprocess.run(["git", "--git-dir", os.path.join(self.data, "archive.git"), "cat-file",
                                  "--batch-all-objects", "--batch"], capture_output=True, check=True).stdout
        self.assertGreater(len(objects), 1000)
        self.assertNotIn(PASSWORD.encode(), objects)
        for name in os.listdir(self.data):
            full = os.path.join(self.data, name)
            if os.path.isfile(full):
                with open(full, "rb") as f:
                    self.assertNotIn(PASSWORD.encode(), f.read(), name)
        for name in os.listdir(self.smtp.dir):
            with open(os.path.join(self.smtp.dir, name), "rb") as f:
                self.assertNotIn(PASSWORD.encode(), f.read(), name)

    def test_a_password_in_feeds_conf_is_refused(self):
        self.configure(extra="\tusername = alerts\n\tpassword = %s\n" % PASSWORD)
        p = self.run_rw("update", now=FIRST_RUN, expect=2)
        self.assertIn("key 'password': a password is never read from feeds.conf", p.stderr)
        self.assertNotIn(PASSWORD, p.stderr)
        self.configure(smtp_url="smtp://alerts:%s@127.0.0.1:25" % PASSWORD)
        p = self.run_rw("update", now=FIRST_RUN, expect=2)
        self.assertIn("credentials do not belong in the url", p.stderr)

    def make_certificates(self):
        d = os.path.join(self.tmp, "tls")
        os.makedirs(d)
        cmds = [
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
            "-subj /CN=regwatch-test-ca -keyout ca.key -out ca.pem",
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost "
            "-keyout server.key -out server.csr",
            "printf 'subjectAltName=DNS:localhost\\n' > ext.cnf",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
            "-extfile ext.cnf -out server.pem",
        ]
        for c in cmds:
            subprocess.run(c, shell=True, cwd=d, check=True, capture_output=True)
        return d

    def test_starttls_is_required_beyond_loopback(self):
        tls = self.make_certificates()
        # "localhost" is a name, not a loopback address: TLS is required.
        self.configure(smtp_url="smtp://localhost:%d" % self.smtp.port,
                       notify="\tcaFile = %s\n" % os.path.join(tls, "ca.pem"))
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("council@example.org", "--vendor", "hikvision")
        self.publish_all_five()
        p = self.run_rw("update", now=SECOND_RUN, expect=0)
        self.assertIn("1 to retry", p.stdout)
        self.assertEqual(self.smtp.log(), [])
        with open(os.path.join(self.smtp.dir, "connections.log")) as f:
            sessions = [json.loads(line) for line in f]
        self.assertTrue(sessions)
        for s in sessions:
            self.assertNotIn("MAIL", s["commands"])
        # A server that offers STARTTLS with a certificate the CA vouches for gets it over TLS.
        self.smtp.stop()
        self.smtp = SmtpServer(os.path.join(self.tmp, "smtp-tls"),
                               tls=(os.path.join(tls, "server.pem"), os.path.join(tls, "server.key")))
        self.configure(smtp_url="smtp://localhost:%d" % self.smtp.port,
                       notify="\tcaFile = %s\n" % os.path.join(tls, "ca.pem"))
        p = self.run_rw("notify", now=THIRD_RUN, expect=0)
        self.assertIn("1 sent", p.stdout)
        (rec, msg, _), = self.smtp.accepted()
        self.assertTrue(rec["tls"])


class MemberCommands(Notify):
    def test_bad_input_is_a_clear_error_and_stores_nothing(self):
        cases = [
            (["not-an-email"], "'not-an-email' is not an email address"),
            (["a@example.org", "--vendor", "hikvison"], "unknown vendor 'hikvison' (closest: 'hikvision')"),
            (["a@example.org", "--jurisdiction", "FR"], "unknown jurisdiction 'FR' (known: EU, UK, US)"),
            (["a@example.org", "--inventory", os.path.join(self.tmp, "missing.csv")],
             os.path.join(self.tmp, "missing.csv")),
            (["a@example.org", "--inventory", os.path.join(DATA, "no-asset-id.csv")], "asset_id"),
            (["a@example.org", "--webhook", "http://hooks.example.org/x?token=s3cr3t"],
             "plain http only to a loopback address"),
        ]
        for args, message in cases:
            p = self.add_member(*args, expect=2)
            self.assertIn(message, p.stderr, args)
            self.assertEqual(p.stdout, "")
            self.assertNotIn("s3cr3t", p.stderr)
        self.assertEqual(self.json("member", "list")["members"], [])

    def test_add_list_replace_remove(self):
        inventory = os.path.join(self.tmp, "assets.csv")
        shutil.copy(os.path.join(DATA, "council-assets.csv"), inventory)
        p = self.add_member("Council@Example.org", "--vendor", "hikvision", "--vendor", "dahua",
                            "--jurisdiction", "uk", "--inventory", inventory)
        self.assertIn("member Council@Example.org added: vendors dahua, hikvision; jurisdictions UK; "
                      "inventory '%s' (3 assets); notified by email" % inventory, p.stdout)
        os.unlink(inventory)  # the inventory is stored with the member
        doc = self.json("member", "list")
        m, = doc["members"]
        self.assertEqual(m["email"], "Council@Example.org")
        self.assertEqual(m["vendors"], ["dahua", "hikvision"])
        self.assertEqual(m["jurisdictions"], ["UK"])
        self.assertEqual(m["inventory"], {"name": inventory, "assets": 3})
        self.assertEqual(m["channel"], "email")
        self.assertIsNone(m["webhook"])
        p = self.run_rw("member", "list", expect=0)
        self.assertIn("EMAIL", p.stdout.splitlines()[0])
        self.assertIn("dahua,hikvision", p.stdout)
        p = self.add_member("council@example.org", "--webhook", "https://hooks.example.org/x?token=s3cr3t")
        self.assertIn("member council@example.org updated: every vendor; every jurisdiction; notified by "
                      "webhook https://hooks.example.org/x", p.stdout)
        self.assertNotIn("s3cr3t", p.stdout)
        m, = self.json("member", "list")["members"]
        self.assertEqual((m["vendors"], m["jurisdictions"], m["inventory"], m["webhook"]),
                         ([], [], None, "https://hooks.example.org/x"))
        p = self.run_rw("member", "remove", "COUNCIL@example.org", expect=0)
        self.assertIn("member COUNCIL@example.org removed", p.stdout)
        p = self.run_rw("member", "remove", "council@example.org", expect=2)
        self.assertIn("no member 'council@example.org'", p.stderr)
        p = self.run_rw("member", "list", expect=0)
        self.assertIn("no members", p.stdout)

    def test_removing_a_member_cancels_its_queued_messages(self):
        self.run_rw("update", now=FIRST_RUN, expect=0)
        self.add_member("council@example.org", "--vendor", "hikvision")
        self.publish_all_five()
        self.run_rw("update", "--no-notify", now=SECOND_RUN, expect=0)
        p = self.run_rw("member", "remove", "council@example.org", expect=0)
        self.assertIn("1 queued notification cancelled", p.stdout)
        self.run_rw("notify", now=SECOND_RUN, expect=0)
        self.assertEqual(self.smtp.log(), [])


def main():
    rwtest.main()


if __name__ == "__main__":
    main()
