-- regwatch schema 1: runs, bitemporal status intervals, announcements, changes, sources.
-- Valid time: intervals.since/until (dates, until exclusive).
-- Transaction time: the run that recorded a row and the run that superseded it.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  commit_oid TEXT NOT NULL UNIQUE,
  recorded_at TEXT NOT NULL,            -- the archive commit's time, RFC 3339 UTC
  applied_at TEXT NOT NULL,             -- when this database applied it
  message TEXT NOT NULL
);

CREATE TABLE intervals (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  regime TEXT NOT NULL,
  ref TEXT NOT NULL,                    -- the row's identity within its source and regime
  vendor TEXT,                          -- NULL: a list entry naming no known vendor
  entity TEXT NOT NULL,
  status TEXT NOT NULL,
  since TEXT,
  until TEXT,
  evidence TEXT,
  note TEXT,
  recorded_run INTEGER NOT NULL REFERENCES runs(id),
  superseded_run INTEGER REFERENCES runs(id)
);
CREATE INDEX intervals_by_vendor ON intervals(vendor, since);
CREATE INDEX intervals_current ON intervals(source, regime, ref) WHERE superseded_run IS NULL;

CREATE TABLE announcements (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  vendor TEXT NOT NULL,
  date TEXT,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  recorded_run INTEGER NOT NULL REFERENCES runs(id),
  UNIQUE (source, vendor, url, title)
);
CREATE INDEX announcements_by_vendor ON announcements(vendor, date);

CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL CHECK (kind IN ('added', 'ended', 'changed', 'announcement', 'new-entity', 'removed')),
  vendor TEXT,
  entity TEXT,
  regime TEXT,
  from_status TEXT,
  to_status TEXT,
  effective TEXT,
  source TEXT NOT NULL,
  evidence TEXT,
  title TEXT
);
CREATE INDEX changes_by_run ON changes(run);

CREATE TABLE sources (
  name TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  format TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  last_attempt TEXT,
  last_success TEXT,
  last_change TEXT,
  http_status INTEGER,
  records INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  health TEXT NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'stale', 'failing', 'quarantined')),
  reason TEXT,
  max_age_days INTEGER NOT NULL DEFAULT 7
);

CREATE TABLE vendors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent TEXT,
  aliases TEXT NOT NULL DEFAULT '[]',   -- JSON array
  brands TEXT NOT NULL DEFAULT '[]'     -- JSON array
);

CREATE TABLE regimes (
  id TEXT PRIMARY KEY,
  jurisdiction TEXT NOT NULL,
  title TEXT NOT NULL,
  instrument TEXT,
  evidence TEXT,
  covers_affiliates INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
