"""The 50-source update set-up shared by bench_update.py and bench_update_serial.py:
web roots on loopback servers, one configuration per fetch setting, and nightly
updates in which every source publishes new bytes."""

import datetime
import os
import shutil
import sys

import benchlib as B
import fixtures

DELAY = 0.2
FIRST_NIGHT = datetime.datetime(2026, 11, 1, 2, 0, 0)


class UpdateSet:
    """n_roots web roots, each on its own server, holding 50 sources between them."""

    def __init__(self, tmp, n_roots, fetch, name, data_parent=None):
        self.tmp = tmp
        self.roots = [os.path.join(tmp, "%s-www%02d" % (name, k)) for k in range(n_roots)]
        self.servers = B.Servers(self.roots)
        urls = ["http://127.0.0.1:%d/" % p for p in self.servers.ports]
        self.sources = fixtures.make_sources(self.roots, urls, 50, None)
        self.config = os.path.join(tmp, "feeds-%s.conf" % name)
        B.write_config(self.config, self.sources, fetch=fetch)
        self.data = os.path.join(data_parent or tmp, "data-%s" % name)
        self.night = 0
        self.version = 0
        self.update()  # the first run, answered at once, records the baseline and the 50 documents
        self.set_delay(DELAY)

    def set_fetch(self, fetch):
        B.write_config(self.config, self.sources, fetch=fetch)

    def set_delay(self, delay):
        fixtures.set_all_delays(self.roots, self.sources, delay)

    def update(self):
        now = (FIRST_NIGHT + datetime.timedelta(days=self.night)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.night += 1
        r = B.run([B.regwatch(), "--config", self.config, "--data", self.data, "-q", "update", "--no-notify"],
                  env=B.rw_env(self.tmp, now), check=False)
        if r.rc != 0:
            sys.stderr.write(r.err[-3000:])
            sys.exit("bench: update exited %d" % r.rc)
        return r

    def nights(self, reps):
        """reps nightly updates in which all 50 documents changed; their wall and CPU seconds."""
        walls, cpus = [], []
        for _ in range(reps):
            self.version += 1
            fixtures.revise(self.roots, self.sources, self.version)
            r = self.update()
            walls.append(r.wall)
            cpus.append(r.cpu)
        return walls, cpus

    def close(self):
        self.servers.close()
        shutil.rmtree(self.data, ignore_errors=True)
