"""regwatch as a Debian administrator meets it: `cmake --install` into a scratch root, the manual
pages, the systemd units, bash completion and the package built by `cpack -G DEB`. The installed
program runs from the scratch root and finds its files with no environment variables. On a CI
machine (CI=true, as root) the package is also installed for real with apt-get and removed again."""

import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rwtest  # noqa: E402
from rwtest import ROWS_2021, covered_list_page  # noqa: E402

SRC = rwtest.SOURCE_DIR
NOW = "2026-11-29T02:00:00Z"
# The libraries' Debian packages the package must depend on.
LIBRARIES = ("libcurl4", "libxml2", "libgit2-1.5", "libsqlite3-0")


def run(cmd, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


def have(tool):
    return shutil.which(tool) is not None


class Built:
    """One build configured for /usr, installed into a scratch root and packaged (shared by the tests)."""
    top = None
    build = root = deb = None


def setUpModule():
    Built.top = tempfile.mkdtemp(prefix="regwatch-debian-")
    try:
        build_and_package()
    except BaseException:
        tearDownModule()
        raise


def build_and_package():
    Built.build = os.path.join(Built.top, "build")
    Built.root = os.path.join(Built.top, "root")
    steps = [
        ["cmake", "-S", SRC, "-B", Built.build, "-DCMAKE_INSTALL_PREFIX=/usr", "-DCMAKE_BUILD_TYPE=Release",
         "-DREGWATCH_TESTS=OFF", "-DREGWATCH_BENCH=OFF"],
        ["cmake", "--build", Built.build, "-j2"],
        ["cmake", "--install", Built.build],
    ]
    env = dict(os.environ, DESTDIR=Built.root)
    for cmd in steps:
        p = run(cmd, env=env)
        if p.returncode != 0:
            raise RuntimeError("%s failed:\n%s%s" % (" ".join(cmd), p.stdout[-4000:], p.stderr[-4000:]))
    p = run(["cpack", "-G", "DEB", "-B", os.path.join(Built.top, "pkg")], cwd=Built.build)
    if p.returncode != 0:
        raise RuntimeError("cpack failed:\n%s%s" % (p.stdout[-4000:], p.stderr[-4000:]))
    debs = glob.glob(os.path.join(Built.top, "pkg", "regwatch_*.deb"))
    if len(debs) != 1:
        raise RuntimeError("cpack made %r" % debs)
    Built.deb = debs[0]


def tearDownModule():
    if Built.top:
        shutil.rmtree(Built.top, ignore_errors=True)


def in_root_view(root, argv, home, cwd, extra_env=None):
    """Runs argv with the scratch root's /etc/regwatch and /usr/share/regwatch in place of the
    machine's (a private mount namespace; nothing outside the process changes), with a minimal
    environment: no REGWATCH_* variables. None when the machine does not allow namespaces."""
    script = r'''
set -e
R=$1; shift
mount -t tmpfs tmpfs /etc
mkdir /etc/regwatch
mount --bind "$R/etc/regwatch" /etc/regwatch
mount -t tmpfs tmpfs /usr/share
mkdir /usr/share/regwatch
mount --bind "$R/usr/share/regwatch" /usr/share/regwatch
exec "$@"
'''
    probe = run(["unshare", "-r", "-m", "true"]) if have("unshare") else None
    if probe is None or probe.returncode != 0:
        return None
    env = {"HOME": home, "TZ": "UTC", "LANG": "C", "PATH": "/usr/bin:/bin"}
    env.update(extra_env or {})
    return run(["unshare", "-r", "-m", "sh", "-c", script, "sh", root] + argv, env=env, cwd=cwd)


class Install(rwtest.Env):
    def path(self, rel):
        return os.path.join(Built.root, rel.lstrip("/"))

    def test_files_land_in_the_debian_places(self):
        for rel in ("usr/bin/regwatch", "etc/regwatch/feeds.conf", "usr/share/regwatch/db/vendors.conf",
                    "usr/share/regwatch/db/regimes.conf", "usr/share/man/man1/regwatch.1.gz",
                    "usr/share/man/man5/regwatch.conf.5.gz", "usr/lib/systemd/system/regwatch.service",
                    "usr/lib/systemd/system/regwatch.timer", "usr/lib/sysusers.d/regwatch.conf",
                    "usr/share/bash-completion/completions/regwatch"):
            self.assertTrue(os.path.isfile(self.path(rel)), rel)
        self.assertTrue(os.access(self.path("usr/bin/regwatch"), os.X_OK))
        self.assertFalse(os.path.exists(self.path("usr/etc")))
        self.assertFalse(os.path.exists(self.path("usr/local")))
        for name in ("vendors.conf", "regimes.conf"):
            with open(os.path.join(SRC, "db", name), "rb") as a, open(self.path("usr/share/regwatch/db/" + name),
                                                                        "rb") as b:
                self.assertEqual(a.read(), b.read(), name)
        for page in ("man1/regwatch.1", "man5/regwatch.conf.5"):
            with gzip.open(self.path("usr/share/man/%s.gz" % page), "rb") as a, \
                    open(os.path.join(SRC, "man", os.path.basename(page)), "rb") as b:
                self.assertEqual(a.read(), b.read(), page)

    def test_the_installed_configuration_uses_the_installed_dictionary(self):
        conf = self.path("etc/regwatch/feeds.conf")
        p = run(["git", "config", "-f", conf, "--list"])
        self.assertEqual(p.returncode, 0, p.stderr)
        keys = [l.split("=", 1)[0] for l in p.stdout.splitlines()]
        self.assertNotIn("regwatch.vendors", keys)
        self.assertNotIn("regwatch.regimes", keys)
        for name in ("fcc-covered-list", "fcc-headlines", "federal-register", "govuk-news", "ofac-consolidated",
                     "trade-csl", "eu-presscorner"):
            self.assertIn("source.%s.url" % name, keys)
        with open(conf) as f:
            self.assertIn("# vendors = /usr/share/regwatch/db/vendors.conf (the default)", f.read())

    def test_version_from_the_scratch_root(self):
        p = run([self.path("usr/bin/regwatch"), "--version"])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertRegex(lines[0], r"^regwatch \d+\.\d+\.\d+$")
        self.assertRegex(lines[1], r"^libcurl/7\.\d+\.\d+ ")
        self.assertRegex(lines[2], r"^libxml2/2\.\d+\.\d+$")
        self.assertRegex(lines[3], r"^libgit2/1\.\d+\.\d+ threads https")
        self.assertRegex(lines[4], r"^SQLite/3\.\d+\.\d+$")
        self.assertEqual(len(lines), 5)

    def test_the_installed_program_finds_its_files_without_environment(self):
        home = os.path.join(self.tmp, "home")
        os.mkdir(home)
        p = in_root_view(Built.root, [self.path("usr/bin/regwatch"), "doctor"], home, home)
        if p is None:
            self.skipTest("no private mount namespace on this machine")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("ok    configuration: /etc/regwatch/feeds.conf: 7 sources, 7 enabled", p.stdout)
        self.assertRegex(p.stdout, r"ok    dictionary: /usr/share/regwatch/db/vendors\.conf: \d+ vendors")
        self.assertRegex(p.stdout, r"ok    baseline: /usr/share/regwatch/db/regimes\.conf: \d+ regimes")
        self.assertIn("skip  data directory: '%s/.local/share/regwatch' does not exist yet" % home, p.stdout)
        # A night's update with the installed dictionary and baseline, against a loopback source.
        self.write_www("coveredlist", covered_list_page(ROWS_2021), mtime=1615507200)
        conf = os.path.join(self.tmp, "loopback", "feeds.conf")
        os.mkdir(os.path.dirname(conf))
        with open(conf, "w") as f:
            f.write('[source "fcc-covered-list"]\n\turl = %s\n\tformat = html-table\n'
                    '\tregime = us.fcc-covered-list\n\ttableHeader = Date of Inclusion on Covered List\n'
                    % self.url("coveredlist"))
        env = {"REGWATCH_NOW": NOW}
        p = in_root_view(Built.root, [self.path("usr/bin/regwatch"), "-c", conf, "update"], home, home, env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("run 1 recorded", p.stdout)
        p = in_root_view(Built.root, [self.path("usr/bin/regwatch"), "-c", conf, "status", "hikvision", "--on",
                                      "2021-03-12", "--json"], home, home, env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"regime": "us.fcc-covered-list"', p.stdout)
        self.assertTrue(os.path.isdir(os.path.join(home, ".local", "share", "regwatch", "archive.git")))
        self.assertEqual(os.stat(os.path.join(home, ".local", "share", "regwatch")).st_mode & 0o777, 0o700)


class Manual(unittest.TestCase):
    PAGES = [os.path.join(SRC, "man", "regwatch.1"), os.path.join(SRC, "man", "regwatch.conf.5")]

    def read(self, name):
        with open(os.path.join(SRC, "man", name)) as f:
            return f.read()

    def test_pages_are_clean(self):
        for page in self.PAGES:
            if have("mandoc"):
                p = run(["mandoc", "-T", "lint", "-W", "warning", page])
                self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""), page)
            elif have("man"):
                p = run(["man", "--warnings", "-E", "UTF-8", "-l", page], env=dict(os.environ, MANWIDTH="80"))
                self.assertEqual(p.returncode, 0, page)
                self.assertEqual(p.stderr, "", page)
            else:
                self.fail("checking the manual pages needs mandoc or man-db (apt-get install mandoc)")

    def test_every_command_and_option_is_documented(self):
        page = self.read("regwatch.1")
        p = run([rwtest.BINARY, "--help"])
        self.assertEqual(p.returncode, 0)
        commands = re.findall(r"^  ([a-z][a-z-]*) ", p.stdout, re.M)
        self.assertIn("update", commands)
        self.assertIn("doctor", commands)
        empty = tempfile.mkdtemp(prefix="regwatch-help-")
        self.addCleanup(shutil.rmtree, empty, True)
        env = {"HOME": empty, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C"}
        for cmd in commands:
            self.assertTrue(re.search(r"(?m)^\.It Cm %s\b" % re.escape(cmd), page), cmd)
            # Help needs no configuration and no database.
            usage = run([rwtest.BINARY, cmd, "--help"], cwd=empty, env=env)
            self.assertEqual((usage.returncode, usage.stderr), (0, ""), cmd)
            self.assertTrue(usage.stdout.startswith("usage: regwatch [global options] %s" % cmd), usage.stdout)
            self.assertEqual(run([rwtest.BINARY, cmd, "-h"], cwd=empty, env=env).stdout, usage.stdout)
            for opt in re.findall(r"--([a-z][a-z-]*)", usage.stdout.splitlines()[0]):
                self.assertTrue(re.search(r"Fl \\-%s\b" % re.escape(opt), page), "%s --%s" % (cmd, opt))
        options = page[page.index(".Ss Global options"):page.index(".Sh COMMANDS")]
        for short, long in (("c", "config"), ("d", "data"), ("q", "quiet"), ("v", "verbose"), ("h", "help")):
            self.assertTrue(re.search(r"(?m)^\.It Fl %s\b.*Fl \\-%s\b" % (short, long), options), long)
        self.assertTrue(re.search(r"(?m)^\.It Fl \\-version$", options))
        for status in range(5):
            self.assertTrue(re.search(r"(?m)^\.It %d$" % status, page), "exit status %d" % status)
        for var in ("REGWATCH_CONFIG", "REGWATCH_DATA", "REGWATCH_NOW", "REGWATCH_FAULT", "REGWATCH_SMTP_PASSWORD",
                    "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            self.assertTrue(".It Ev %s\n" % var in page, var)
        for f in ("/etc/regwatch/feeds.conf", "/usr/share/regwatch/db/vendors.conf", "DATA/archive.git",
                  "DATA/regwatch.db"):
            self.assertTrue(f in page, f)
        self.assertTrue(".Sh EXAMPLES" in page)

    def test_every_feeds_conf_key_is_documented_with_its_default(self):
        page = self.read("regwatch.conf.5")
        config = ""
        folder = os.path.join(SRC, "src", "config")
        for name in sorted(os.listdir(folder)):
            if name.endswith(".c"):
                with open(os.path.join(folder, name)) as f:
                    config += f.read()
        table = re.search(r"feeds_defs\[\] = \{(.*?)\};", config, re.S).group(1)
        sections = re.findall(r'\{"([a-z]+)", [01], ([a-z_]+)\}', table)
        self.assertGreaterEqual(len(sections), 3)
        for section, keys_name in sections:
            keys = re.search(r"%s\[\] = \{(.*?)KEY_END" % keys_name, config, re.S).group(1)
            names = re.findall(r'KEY(?:_RANGE)?\([a-z_]+, "([A-Za-z]+)"', keys)
            self.assertTrue(names, section)
            heading = ".Ss [%s" % section
            self.assertIn(heading, page, section)
            block = page[page.index(heading):]
            block = block[:block.find("\n.Ss ", 1) if "\n.Ss " in block[1:] else len(block)]
            for name in names:
                m = re.search(r"(?ms)^\.It Cm %s$(.*?)(?=^\.It |^\.El)" % name, block)
                self.assertIsNotNone(m, "[%s] %s" % (section, name))
                self.assertRegex(m.group(1), r"Default|Required|Refused", "[%s] %s" % (section, name))


class Systemd(unittest.TestCase):
    def unit(self, name):
        with open(os.path.join(SRC, "contrib", "systemd", name)) as f:
            settings = {}
            for line in f:
                line = line.strip()
                if line and not line.startswith(("#", "[")):
                    k, v = line.split("=", 1)
                    settings.setdefault(k, []).append(v)
            return settings

    def test_the_timer_is_nightly_randomised_and_persistent(self):
        t = self.unit("regwatch.timer")
        self.assertEqual(t["OnCalendar"], ["*-*-* 02:00:00"])
        self.assertEqual(t["Persistent"], ["true"])
        self.assertIn("RandomizedDelaySec", t)
        self.assertEqual(t["WantedBy"], ["timers.target"])

    def test_the_service_is_sandboxed(self):
        s = self.unit("regwatch.service")
        self.assertEqual(s["ExecStart"], ["/usr/bin/regwatch --config /etc/regwatch/feeds.conf "
                                          "--data /var/lib/regwatch update"])
        self.assertEqual(s["User"], ["regwatch"])
        self.assertEqual(s["StateDirectory"], ["regwatch"])
        self.assertEqual(s["ProtectSystem"], ["strict"])
        self.assertEqual(s["NoNewPrivileges"], ["yes"])
        self.assertEqual(s["PrivateTmp"], ["yes"])
        self.assertEqual(s["RestrictAddressFamilies"], ["AF_INET AF_INET6 AF_UNIX"])
        with open(os.path.join(SRC, "contrib", "systemd", "regwatch.sysusers")) as f:
            self.assertRegex(f.read(), r"(?m)^u regwatch - .* /var/lib/regwatch$")

    def test_systemd_accepts_the_units(self):
        if not have("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed")
        d = tempfile.mkdtemp(prefix="regwatch-units-")
        try:
            binary = os.path.join(Built.root, "usr", "bin", "regwatch")
            units = os.path.join(Built.root, "usr", "lib", "systemd", "system")
            with open(os.path.join(units, "regwatch.service")) as f:
                text = f.read()
            self.assertIn("ExecStart=/usr/bin/regwatch ", text)
            # The unit as installed, with the binary where the scratch root has it.
            with open(os.path.join(d, "regwatch.service"), "w") as f:
                f.write(text.replace("/usr/bin/regwatch", binary))
            shutil.copy(os.path.join(units, "regwatch.timer"), d)
            p = run(["systemd-analyze", "verify", "--man=no", os.path.join(d, "regwatch.service"),
                     os.path.join(d, "regwatch.timer")])
            self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))
            p = run(["systemd-analyze", "security", "--offline=yes", os.path.join(d, "regwatch.service")])
            m = re.search(r"Overall exposure level for regwatch\.service: ([0-9.]+)", p.stdout)
            if m:
                self.assertLessEqual(float(m.group(1)), 2.0, p.stdout)
        finally:
            shutil.rmtree(d, ignore_errors=True)


class Completion(rwtest.Env):
    def complete(self, line, extra=""):
        """The completions bash offers for the last word of line."""
        words = line.split(" ")
        script = ('source %s\n%s\nCOMP_WORDS=(%s)\nCOMP_CWORD=%d\n_regwatch\nprintf "%%s\\n" "${COMPREPLY[@]}"\n'
                  % (os.path.join(Built.root, "usr/share/bash-completion/completions/regwatch"), extra,
                     " ".join("'%s'" % w for w in words), len(words) - 1))
        env = dict(os.environ, PATH=os.path.dirname(rwtest.BINARY) + ":" + os.environ.get("PATH", ""),
                   HOME=self.tmp, XDG_CONFIG_HOME=os.path.join(self.tmp, "xdg"))
        env.pop("REGWATCH_CONFIG", None)
        p = run(["bash", "--norc", "--noprofile", "-c", script], env=env, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        return sorted(w for w in p.stdout.splitlines() if w)

    def test_commands_options_vendors_sources_and_regimes(self):
        self.write_config([{"name": "fcc-covered-list", "url": self.url("a"), "format": "html-table",
                            "tableHeader": "Date of Inclusion on Covered List"},
                           {"name": "fcc-headlines", "url": self.url("b"), "format": "rss"}])
        self.assertEqual(self.complete("regwatch st"), ["status"])
        everything = self.complete("regwatch ")
        for cmd in ("update", "status", "history", "vendors", "sources", "doctor"):
            self.assertIn(cmd, everything)
        self.assertEqual(self.complete("regwatch --ver"), ["--verbose", "--version"])
        self.assertEqual(self.complete("regwatch update --s"), ["--source"])
        self.assertEqual(self.complete("regwatch status hikvision --"),
                         ["--as-known-on", "--help", "--json", "--on"])
        cfg = "regwatch --config %s " % self.config
        self.assertEqual(self.complete(cfg + "update --source fcc-"), ["fcc-covered-list", "fcc-headlines"])
        self.assertEqual(self.complete(cfg + "status h"), ["hikvision", "hikvision-luopu", "hikvision-moyu", "hikvision-pishan", "hikvision-urumqi", "hikvision-yutian", "hisilicon", "huawei", "huawei-holding", "hytera"])
        self.assertEqual(self.complete(cfg + "history dahua --regime us.fcc-"),
                         ["us.fcc-covered-list", "us.fcc-equipment-authorization"])
        # The second positional argument of status is not a vendor.
        self.assertEqual(self.complete(cfg + "status dahua h"), [])


class Package(unittest.TestCase):
    def info(self, *args):
        p = run(["dpkg-deb"] + list(args) + [Built.deb])
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_control_fields(self):
        fields = {}
        for line in self.info("--field").splitlines():
            if line and not line.startswith(" "):
                k, v = line.split(":", 1)
                fields[k] = v.strip()
        self.assertEqual(fields["Package"], "regwatch")
        self.assertRegex(fields["Version"], r"^\d+\.\d+\.\d+-1$")
        self.assertEqual(fields["Architecture"], run(["dpkg", "--print-architecture"]).stdout.strip())
        self.assertTrue(fields["Maintainer"])
        self.assertTrue(fields["Description"])
        deps = {d.strip().split(" ")[0]: d.strip() for d in fields["Depends"].split(",")}
        for lib in LIBRARIES:
            self.assertIn(lib, deps)
        # Every dependency is satisfied by what this machine has installed, so `apt install ./regwatch_*.deb`
        # needs nothing new.
        for dep in deps.values():
            m = re.match(r"^(\S+)(?: \((>=) (\S+)\))?$", dep)
            self.assertIsNotNone(m, dep)
            q = run(["dpkg-query", "-W", "-f", "${Version}", m.group(1)])
            self.assertEqual(q.returncode, 0, "%s is not installed" % m.group(1))
            if m.group(2):
                self.assertEqual(run(["dpkg", "--compare-versions", q.stdout, "ge", m.group(3)]).returncode, 0,
                                 "%s %s is older than %s" % (m.group(1), q.stdout, m.group(3)))

    def test_conffile_and_user_creation(self):
        p = run(["dpkg-deb", "--info", Built.deb, "conffiles"])
        self.assertEqual(p.stdout.split(), ["/etc/regwatch/feeds.conf"])
        d = tempfile.mkdtemp(prefix="regwatch-control-")
        try:
            self.assertEqual(run(["dpkg-deb", "--control", Built.deb, d]).returncode, 0)
            postinst = os.path.join(d, "postinst")
            self.assertTrue(os.access(postinst, os.X_OK))
            self.assertEqual(run(["sh", "-n", postinst]).returncode, 0)
            with open(postinst) as f:
                self.assertIn("regwatch", f.read())
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_contents_match_the_install(self):
        listing = self.info("--contents")
        entries = {}
        for line in listing.splitlines():
            parts = line.split()
            entries[parts[-1].lstrip(".")] = (parts[0], parts[1])
        files = {p for p, (mode, _) in entries.items() if mode.startswith("-")}
        installed = set()
        for dirpath, _, names in os.walk(Built.root):
            for n in names:
                installed.add(os.path.join(dirpath, n)[len(Built.root):])
        self.assertEqual(files, installed)
        self.assertEqual({owner for _, owner in entries.values()}, {"root/root"})
        self.assertEqual(entries["/usr/bin/regwatch"][0], "-rwxr-xr-x")
        self.assertEqual(entries["/etc/regwatch/feeds.conf"][0], "-rw-r--r--")
        self.assertFalse([p for p in entries if p.startswith("/usr/local")])

    def test_the_extracted_package_runs(self):
        d = tempfile.mkdtemp(prefix="regwatch-deb-")
        try:
            self.assertEqual(run(["dpkg-deb", "-x", Built.deb, d]).returncode, 0)
            binary = os.path.join(d, "usr", "bin", "regwatch")
            p = run([binary, "--version"])
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertTrue(p.stdout.startswith("regwatch "))
            p = in_root_view(d, [binary, "doctor"], d, d)
            if p is not None:
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertIn("ok    configuration: /etc/regwatch/feeds.conf", p.stdout)
        finally:
            shutil.rmtree(d, ignore_errors=True)


@unittest.skipUnless(os.environ.get("CI") == "true" and os.geteuid() == 0,
                     "installs into the machine only as root on CI (CI=true)")
class OnTheMachine(unittest.TestCase):
    """apt install ./regwatch_*.deb as an administrator would, then remove it again."""

    def test_apt_install_version_doctor_and_purge(self):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if os.path.exists("/etc/regwatch") or run(["dpkg-query", "-W", "regwatch"]).returncode == 0:
            self.skipTest("regwatch is already installed on this machine")
        home = tempfile.mkdtemp(prefix="regwatch-home-")
        try:
            p = run(["apt-get", "install", "-y", "--no-install-recommends", Built.deb], env=env)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            p = run(["/usr/bin/regwatch", "--version"])
            self.assertEqual(p.returncode, 0, p.stderr)
            p = run(["regwatch", "doctor"], env={"HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C"}, cwd=home)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertIn("ok    configuration: /etc/regwatch/feeds.conf", p.stdout)
            self.assertIn("ok    dictionary: /usr/share/regwatch/db/vendors.conf", p.stdout)
            self.assertEqual(run(["getent", "passwd", "regwatch"]).returncode, 0)
            if have("systemd-analyze"):
                p = run(["systemd-analyze", "verify", "--man=no", "/usr/lib/systemd/system/regwatch.service",
                         "/usr/lib/systemd/system/regwatch.timer"])
                self.assertEqual((p.returncode, p.stderr), (0, ""))
        finally:
            run(["dpkg", "--purge", "regwatch"], env=env)
            shutil.rmtree(home, ignore_errors=True)
        self.assertFalse(os.path.exists("/etc/regwatch/feeds.conf"))
        self.assertFalse(os.path.exists("/usr/bin/regwatch"))


if __name__ == "__main__":
    rwtest.main()
