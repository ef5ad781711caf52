"""Shared pieces of the regwatch benchmarks: the Release build, timing a child
process (wall, CPU and peak memory through wait4), loopback HTTP servers, and
the one-line figures every benchmark prints:

    name value unit target verdict  min=.. max=.. n=..  # note

value is the median of the repetitions (min and max beside it). verdict is
PASS or MISS against a target, REF for a reference tool's figure, INFO for a
figure without a target and SKIP when a figure cannot be measured."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
BUILD = os.environ.get("REGWATCH_BENCH_BUILD", os.path.join(SOURCE, "build-bench-release"))
HTTPD = os.path.join(SOURCE, "tests", "tools", "httpd.py")
REPS = max(5, int(os.environ.get("REGWATCH_BENCH_REPS", "5")))

_built = False


def log(msg):
    """Progress on stderr; figures alone go to stdout."""
    print("# " + msg, file=sys.stderr, flush=True)


def build():
    """Configures and builds the Release configuration with the benchmark programs."""
    global _built
    if _built or os.environ.get("REGWATCH_BENCH_BUILT") == BUILD:
        _built = True
        return
    steps = [["cmake", "-S", SOURCE, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release", "-DREGWATCH_BENCH=ON",
              "-DREGWATCH_TESTS=OFF"],
             ["cmake", "--build", BUILD, "-j2", "--target", "regwatch", "bench_parse", "bench_status",
              "bench_history_gen", "bench_startup"]]
    for cmd in steps:
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
            sys.exit("bench: '%s' failed" % " ".join(cmd))
    _built = True


def regwatch():
    return os.path.join(BUILD, "regwatch")


def program(name):
    return os.path.join(BUILD, "bench", name)


def scratch(prefix):
    """A private directory for one benchmark (REGWATCH_BENCH_TMP, default the system's)."""
    base = os.environ.get("REGWATCH_BENCH_TMP") or None
    if base:
        os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix="regwatch-bench-" + prefix + "-", dir=base)


def memory_scratch(prefix, need_mib):
    """A private directory in memory (/dev/shm) when it has need_mib free, else on disk.
    Returns (path, in_memory). In memory, fsync costs nothing: what remains is the work."""
    shm = "/dev/shm"
    if os.environ.get("REGWATCH_BENCH_TMP") is None and os.path.isdir(shm) and os.access(shm, os.W_OK):
        st = os.statvfs(shm)
        if st.f_bavail * st.f_frsize >= need_mib * 2 ** 20:
            return tempfile.mkdtemp(prefix="regwatch-bench-" + prefix + "-", dir=shm), True
    return scratch(prefix), False


class Result:
    def __init__(self, rc, wall, user, system, maxrss_kib, out, err):
        self.rc = rc
        self.wall = wall
        self.user = user
        self.sys = system
        self.cpu = user + system
        self.maxrss_kib = maxrss_kib
        self.out = out
        self.err = err


def run(cmd, env=None, cwd=None, check=True):
    """Runs cmd to completion; wall time, CPU (user + system) and peak RSS of that child alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        r = Result(p.returncode, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"))
    if check and r.rc != 0:
        sys.stderr.write(r.out[-3000:] + r.err[-3000:])
        sys.exit("bench: '%s' exited %d" % (" ".join(cmd), r.rc))
    return r


def rw_env(tmp, now):
    """The environment of a regwatch run: fixed clock, UTC, C locale, a private HOME."""
    env = dict(os.environ, TZ="UTC", LANG="C", LC_ALL="C", REGWATCH_NOW=now, HOME=tmp)
    for k in ("REGWATCH_CONFIG", "REGWATCH_DATA", "REGWATCH_FAULT", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        env.pop(k, None)
    return env


def write_config(path, sources, data_dir=None, fetch=None):
    """feeds.conf with the repository's dictionary and baseline. sources: dicts with name and keys."""
    lines = ["[regwatch]"]
    if data_dir:
        lines.append("\tdataDir = " + data_dir)
    lines += ["\tvendors = " + os.path.join(SOURCE, "db", "vendors.conf"),
              "\tregimes = " + os.path.join(SOURCE, "db", "regimes.conf")]
    if fetch:
        lines.append("[fetch]")
        lines += ["\t%s = %s" % kv for kv in fetch.items()]
    for s in sources:
        lines.append('[source "%s"]' % s["name"])
        for k, v in s.items():
            if k == "name":
                continue
            for one in (v if isinstance(v, list) else [v]):
                lines.append("\t%s = %s" % (k, one))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


class Servers:
    """Loopback HTTP servers (tests/tools/httpd.py), one per web root."""

    def __init__(self, roots):
        self.procs = []
        self.ports = []
        for root in roots:
            os.makedirs(root, exist_ok=True)
            port_file = os.path.join(root, ".port")
            self.procs.append((subprocess.Popen(
                [sys.executable, HTTPD, "--root", root, "--port", "0", "--port-file", port_file,
                 "--exit-with-parent"], stdout=subprocess.DEVNULL), port_file))
        for proc, port_file in self.procs:
            for _ in range(400):
                if os.path.exists(port_file):
                    with open(port_file) as f:
                        text = f.read().strip()
                    if text:
                        self.ports.append(int(text))
                        break
                if proc.poll() is not None:
                    self.close()
                    sys.exit("bench: a loopback HTTP server did not start")
                time.sleep(0.025)
            else:
                self.close()
                sys.exit("bench: a loopback HTTP server did not start")

    def close(self):
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def fmt(v):
    if isinstance(v, int):
        return str(v)
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3g" % v


def figure(name, value, unit, target="-", verdict="INFO", samples=None, note=None):
    """Prints one figure line. samples: the repetitions (value is usually their median)."""
    line = "%s %s %s %s %s" % (name, fmt(value), unit, target, verdict)
    if samples:
        line += "  min=%s max=%s n=%d" % (fmt(min(samples)), fmt(max(samples)), len(samples))
    if note:
        line += "  # " + note
    print(line, flush=True)


def verdict(ok):
    return "PASS" if ok else "MISS"


def reference_python(*modules):
    """An interpreter that imports modules (Debian's packages live under /usr/bin/python3), or None."""
    seen = []
    for cand in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if not cand or cand in seen or not os.path.exists(cand):
            continue
        seen.append(cand)
        code = "import " + ", ".join(modules)
        if subprocess.run([cand, "-c", code], capture_output=True).returncode == 0:
            return cand
    return None


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def du_bytes(path):
    """Disk usage of a tree in bytes (allocated blocks, like du)."""
    total = 0
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            st = os.lstat(os.path.join(root, name))
            total += st.st_blocks * 512
    return total + os.lstat(path).st_blocks * 512


def git_count_objects(git_dir):
    """git count-objects -v as a dict of ints (size fields in KiB)."""
    out = subprocess.run(["git", "--git-dir", git_dir, "count-objects", "-v"], capture_output=True, text=True,
                         check=True).stdout
    res = {}
    for line in out.splitlines():
        k, _, v = line.partition(":")
        try:
            res[k.strip()] = int(v.strip())
        except ValueError:
            pass
    return res


def git_commits(git_dir):
    p = subprocess.run(["git", "--git-dir", git_dir, "rev-list", "--count", "main"], capture_output=True,
                       text=True)
    return int(p.stdout.strip()) if p.returncode == 0 else 0


def has_command(name):
    """1 when this build's regwatch lists the command in its help."""
    p = subprocess.run([regwatch(), "--help"], capture_output=True, text=True)
    return any(line.split()[:1] == [name] for line in p.stdout.splitlines())


def json_dump(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f)
