-- regwatch schema 4: a run's notifications are queued after the run is recorded, in a
-- transaction of their own. runs.queued_at is when that happened (NULL: not yet), so a job
-- killed in between queues them on its next start, and only once. Runs recorded before
-- this schema had their messages queued with them.
ALTER TABLE runs ADD COLUMN queued_at TEXT;
UPDATE runs SET queued_at = applied_at;
CREATE INDEX runs_unqueued ON runs(id) WHERE queued_at IS NULL;

-- A member whose message for a run could not be built (too large, an inventory that can
-- no longer be read): the member is skipped, the others are served, and `notify` and
-- `sources` show the reason until the member is registered again or removed.
CREATE TABLE queue_problems (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL,                 -- the run whose message it is
  member TEXT NOT NULL COLLATE NOCASE,  -- the member's email address
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (run, member)
);
