-- regwatch schema 5: removals a live list has not confirmed yet, evidence-only changes, and
-- validators tied to the URL they were received from.
--
-- absences: an open interval of a live list that healthy snapshots of its source no longer
-- list (bitemporal like intervals). It stays in force until removeAfter snapshots confirm
-- the removal; the row says since when (first_absent) and how many days it has been absent.
CREATE TABLE absences (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  regime TEXT NOT NULL,
  ref TEXT NOT NULL,
  first_absent TEXT NOT NULL,
  days INTEGER NOT NULL,
  recorded_run INTEGER NOT NULL REFERENCES runs(id),
  superseded_run INTEGER REFERENCES runs(id)
);
CREATE INDEX absences_current ON absences(source, regime, ref) WHERE superseded_run IS NULL;
CREATE INDEX absences_by_recorded_run ON absences(recorded_run);

-- Change kinds gain evidence (only evidence, citation or note changed: never notified),
-- unconfirmed-removal (a live list dropped an entry the record still holds in force) and
-- the kinds of announcements that became events or were withdrawn.
CREATE TABLE changes_v5 (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL CHECK (kind IN ('added', 'ended', 'changed', 'announcement', 'new-entity', 'removed',
                                     'evidence', 'unconfirmed-removal', 'upcoming', 'confirmed', 'retracted')),
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
INSERT INTO changes_v5(id, run, kind, vendor, entity, regime, from_status, to_status, effective, source, evidence, title)
  SELECT id, run, kind, vendor, entity, regime, from_status, to_status, effective, source, evidence, title FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v5 RENAME TO changes;
CREATE INDEX changes_by_run ON changes(run);

-- The URL the stored etag and last_modified were received from: they are sent only to it.
ALTER TABLE sources ADD COLUMN validators_url TEXT;
UPDATE sources SET validators_url = url WHERE etag IS NOT NULL OR last_modified IS NOT NULL;
