"""What `update` shows: one live line per source on a terminal, only the summary and the errors
without one (cron, CI), nothing but errors with -q."""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

FIRST = "2026-11-28T02:00:00Z"
SECOND = "2026-11-29T02:00:00Z"
ESC = "\x1b"


def screen(raw, width=100):
    """The lines a terminal of the given width shows after raw output: the subset of VT100
    regwatch may use (\\r, \\n, ESC[nA up, ESC[2K erase line, ESC[J erase below), with
    long lines wrapping as they do on a real terminal."""
    lines, row, col = [[]], 0, 0
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == ESC:
            m = re.match(r"\x1b\[(\d*)([A-Za-z])", raw[i:])
            if not m:
                raise AssertionError("unexpected escape sequence %r" % raw[i:i + 8])
            n, cmd = int(m.group(1) or 1), m.group(2)
            if cmd == "A":
                row = max(0, row - n)
            elif cmd == "K" and m.group(1) == "2":
                lines[row] = []
            elif cmd == "J":
                del lines[row + 1:]
                lines[row] = lines[row][:col]
            else:
                raise AssertionError("unexpected escape sequence %r" % m.group(0))
            i += len(m.group(0))
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append([])
        else:
            if col == width:  # autowrap
                row += 1
                col = 0
                if row == len(lines):
                    lines.append([])
            line = lines[row]
            line.extend(" " * (col - len(line)))
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
        i += 1
    text = ["".join(l).rstrip() for l in lines]
    while text and not text[-1]:
        text.pop()
    return text


class Progress(rwtest.Env):
    def setUp(self):
        super().setUp()
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615507200)
        with open(os.path.join(rwtest.SOURCE_DIR, "tests", "data", "feeds", "fcc-headlines.rss")) as f:
            self.write_www("headlines.rss", f.read(), mtime=1615507200)
        self.write_config([
            {"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
             "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"},
            {"name": "fcc-headlines", "url": self.url("headlines.rss"), "format": "rss"},
            {"name": "gone", "url": self.url("no-such-page"), "format": "rss"},
        ])

    def env(self, now, term="xterm"):
        env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=now, HOME=self.tmp)
        for k in ("REGWATCH_CONFIG", "REGWATCH_DATA", "REGWATCH_FAULT"):
            env.pop(k, None)
        if term is None:
            env.pop("TERM", None)
        else:
            env["TERM"] = term
        return env

    def on_terminal(self, *args, now=FIRST, term="xterm", stdout_tty=True, stderr_tty=True, width=100,
                    height=24):
        """Runs regwatch with stdout and/or stderr on a pseudo-terminal: (status, terminal text,
        stdout if not on the terminal, stderr if not on the terminal)."""
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR  # bytes as written, no \n -> \r\n
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        cmd = [rwtest.BINARY, "--config", self.config, "--data", self.data] + list(args)
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=slave if stdout_tty else subprocess.PIPE,
                             stderr=slave if stderr_tty else subprocess.PIPE, env=self.env(now, term))
        os.close(slave)
        chunks = []
        pipes = [f for f in (p.stdout, p.stderr) if f is not None]
        captured = {id(f): [] for f in pipes}
        fds = {master: None}
        fds.update({f.fileno(): f for f in pipes})
        while fds:
            ready, _, _ = select.select(list(fds), [], [], 60)
            if not ready:
                p.kill()
                self.fail("regwatch did not finish")
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    del fds[fd]
                elif fd == master:
                    chunks.append(data)
                else:
                    captured[id(fds[fd])].append(data)
        os.close(master)
        status = p.wait()
        out = b"".join(captured[id(p.stdout)]).decode() if p.stdout else None
        err = b"".join(captured[id(p.stderr)]).decode() if p.stderr else None
        return status, b"".join(chunks).decode("utf-8", "replace"), out, err

    def test_a_slow_transfer_shows_how_far_it_has_got(self):
        self.set_rules("headlines.rss", [{"trickle": 0.001}])
        status, raw, _, _ = self.on_terminal("update")
        self.assertEqual(status, 3, raw)
        self.assertIn("fetching 1 kB", raw)
        shown = screen(raw)
        self.assertTrue([l for l in shown if l.startswith("fcc-headlines") and "parsed" in l], shown)

    def test_a_terminal_gets_one_line_per_source_with_its_outcome(self):
        status, raw, _, _ = self.on_terminal("update")
        self.assertEqual(status, 3, raw)
        self.assertIn(ESC + "[", raw)
        self.assertIn("waiting", raw)
        self.assertIn("fetching", raw)
        shown = screen(raw)
        lines = {l.split()[0]: l for l in shown if l.split() and l.split()[0] in
                 ("fcc-covered-list", "fcc-headlines", "gone")}
        self.assertEqual(len(lines), 3, shown)
        self.assertRegex(lines["fcc-covered-list"], r"^fcc-covered-list +parsed 5 records \(\d+ kB\)$")
        self.assertRegex(lines["fcc-headlines"], r"^fcc-headlines +parsed \d+ records? \(\d+ kB\)$")
        self.assertRegex(lines["gone"], r"^gone +failed: HTTP 404")
        # The lines were rewritten in place: each source appears once, no stale state is left.
        names = [l.split()[0] for l in shown if l.split()]
        for name in ("fcc-covered-list", "fcc-headlines", "gone"):
            self.assertEqual(names.count(name), 1, shown)
        self.assertFalse([l for l in shown if l.endswith("waiting") or l.endswith("fetching")], shown)
        # The names line up.
        columns = {l.index(l.split()[1]) for l in lines.values()}
        self.assertEqual(len(columns), 1, lines)
        # The error is logged above the lines and the summary comes after them.
        errors = [i for i, l in enumerate(shown) if "error" in l and "gone" in l and "404" in l]
        summary = [i for i, l in enumerate(shown) if "run 1 recorded" in l]
        self.assertEqual(len(errors), 1, shown)
        self.assertEqual(len(summary), 1, shown)
        block = sorted(shown.index(l) for l in lines.values())
        self.assertEqual(block, list(range(block[0], block[0] + 3)), shown)
        self.assertLess(errors[0], block[0])
        self.assertGreater(summary[0], block[-1])

    def test_the_second_run_shows_unchanged_sources(self):
        self.run_rw("update", now=FIRST, expect=3)
        status, raw, _, _ = self.on_terminal("update", now=SECOND)
        self.assertEqual(status, 3, raw)
        shown = screen(raw)
        self.assertTrue(any(re.match(r"^fcc-covered-list +unchanged$", l) for l in shown), shown)
        self.assertTrue(any(re.match(r"^fcc-headlines +unchanged$", l) for l in shown), shown)
        self.assertTrue(any("nothing changed" in l for l in shown), shown)

    def test_lines_never_wrap_on_a_narrow_terminal(self):
        status, raw, _, _ = self.on_terminal("update", width=30)
        self.assertEqual(status, 3)
        # A wrapped line would throw the redrawing off: stale or repeated lines would remain.
        shown = screen(raw, width=30)
        names = [l.split()[0] for l in shown if l.split()]
        for name in ("fcc-covered-list", "fcc-headlines", "gone"):
            self.assertEqual(names.count(name), 1, shown)
        self.assertFalse([l for l in shown if "waiting" in l or "fetching" in l], shown)
        self.assertTrue(any(re.match(r"^fcc-covered-list +parsed 5", l) for l in shown), shown)

    def test_more_sources_than_rows_print_each_outcome_once(self):
        status, raw, _, _ = self.on_terminal("update", height=3)
        self.assertEqual(status, 3)
        self.assertNotIn(ESC, raw)
        self.assertNotIn("waiting", raw)
        lines = raw.splitlines()
        for name in ("fcc-covered-list", "fcc-headlines", "gone"):
            self.assertEqual(len([l for l in lines if l.split() and l.split()[0] == name]), 1, lines)
        self.assertTrue(any(re.match(r"^gone +failed: HTTP 404", l) for l in lines), lines)

    def test_without_a_terminal_only_the_summary_and_the_errors(self):
        p = self.run_rw("update", now=FIRST, expect=3)
        out = p.stdout.splitlines()
        self.assertIn("run 1 recorded", out[0])
        self.assertIn("1 failed", out[0])
        self.assertRegex(out[1], r"^\d+ changes:$")
        self.assertTrue(all(l.startswith("  ") for l in out[2:]), out)
        self.assertNotIn(ESC, p.stdout + p.stderr)
        self.assertNotIn("parsed", p.stdout + p.stderr)
        self.assertNotIn("waiting", p.stderr)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertRegex(p.stderr, r"^regwatch: error: .*'gone'.*404")

    def test_a_pipe_on_stdout_stays_clean_while_the_terminal_shows_progress(self):
        status, raw, out, _ = self.on_terminal("update", stdout_tty=False)
        self.assertEqual(status, 3)
        self.assertNotIn(ESC, out)
        self.assertIn("run 1 recorded", out.splitlines()[0])
        self.assertNotIn("parsed", out)
        self.assertTrue(any(re.match(r"^fcc-covered-list +parsed 5 records", l) for l in screen(raw)))

    def test_stdout_is_the_terminal_when_stderr_is_not(self):
        status, raw, _, err = self.on_terminal("update", stderr_tty=False)
        self.assertEqual(status, 3)
        self.assertNotIn(ESC, err)
        self.assertIn("404", err)
        shown = screen(raw)
        self.assertTrue(any(re.match(r"^fcc-covered-list +parsed 5 records", l) for l in shown), shown)
        self.assertTrue(any("run 1 recorded" in l for l in shown), shown)

    def test_quiet_prints_nothing_but_errors(self):
        status, raw, _, _ = self.on_terminal("-q", "update")
        self.assertEqual(status, 3)
        self.assertNotIn(ESC, raw)
        self.assertEqual([l for l in raw.splitlines() if l.strip()],
                         [l for l in raw.splitlines() if l.startswith("regwatch: error:")])
        self.assertIn("404", raw)
        # A run where nothing failed prints nothing at all.
        os.unlink(self.config)
        self.write_config([
            {"name": "fcc-covered-list", "url": self.url("coveredlist"), "format": "html-table",
             "regime": "us.fcc-covered-list", "tableHeader": "Date of Inclusion on Covered List"}])
        p = self.run_rw("-q", "update", now=SECOND, expect=0)
        self.assertEqual((p.stdout, p.stderr), ("", ""))
        status, raw, _, _ = self.on_terminal("-q", "update", now="2026-11-30T02:00:00Z")
        self.assertEqual((status, raw), (0, ""))

    def test_a_dumb_terminal_gets_no_cursor_movement(self):
        for term in ("dumb", None):
            status, raw, _, _ = self.on_terminal("update", term=term)
            self.assertEqual(status, 3)
            self.assertNotIn(ESC, raw)
            self.assertNotIn("waiting", raw)
            self.assertIn("run 1 recorded", raw)
            self.tearDown()
            self.setUp()


if __name__ == "__main__":
    rwtest.main()
