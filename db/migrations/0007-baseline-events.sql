-- regwatch: what the curated baseline says of each of its events beyond the interval itself:
-- the provision of its regime (889(a)(1)(B)), the confidence (H, M, L), whether its evidence
-- is primary (the regulator's or legislature's own document) or secondary, and the citation.
-- Written from regimes.conf with the vendors and regimes on every run; intervals of source
-- 'baseline' find theirs by ref (the event's id).
CREATE TABLE baseline_events (
  id TEXT PRIMARY KEY,
  regime TEXT NOT NULL,
  vendor TEXT NOT NULL,
  provision TEXT,
  confidence TEXT NOT NULL,
  evidence_kind TEXT NOT NULL,          -- primary or secondary
  citation TEXT NOT NULL
);

-- The identity within its source and regime (intervals.ref) of the row a change is about, so
-- that a change finds its own interval even where two share a vendor, regime, status and
-- date (two provisions of one statute in force the same day). NULL for changes recorded
-- before this schema and for announcements.
ALTER TABLE changes ADD COLUMN ref TEXT;
-- What the curated event said when the change was recorded (NULL for live lists and for
-- changes recorded before this schema): a change keeps its own event, whatever the
-- baseline says later.
ALTER TABLE changes ADD COLUMN provision TEXT;
ALTER TABLE changes ADD COLUMN confidence TEXT;
ALTER TABLE changes ADD COLUMN evidence_kind TEXT;
ALTER TABLE changes ADD COLUMN citation TEXT;
