-- regwatch schema 2: member organisations, what each follows, their inventories, and the
-- notification outbox. Outbox rows are written in the same transaction as the run whose
-- changes they report; delivery moves them from pending to sent (or dead).
-- Instants are RFC 3339 UTC text, so they compare as text.
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  webhook TEXT,                         -- NULL: notified by email
  inventory_name TEXT,                  -- the file the inventory was read from
  inventory TEXT,                       -- the inventory CSV as registered, NULL: none
  added_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE member_vendors (           -- none: every vendor
  member INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  vendor TEXT NOT NULL,
  PRIMARY KEY (member, vendor)
);

CREATE TABLE member_jurisdictions (     -- none: every jurisdiction
  member INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  jurisdiction TEXT NOT NULL,
  PRIMARY KEY (member, jurisdiction)
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,      -- 'run:N:EMAIL' or 'digest:DATE:EMAIL': never queued twice
  msg_key TEXT NOT NULL,                -- stable message identity: Message-ID, webhook-id
  kind TEXT NOT NULL CHECK (kind IN ('changes', 'digest')),
  run INTEGER,                          -- the run whose changes it reports (NULL: digest)
  member TEXT NOT NULL,                 -- the member's email address
  channel TEXT NOT NULL CHECK (channel IN ('smtp', 'webhook')),
  destination TEXT NOT NULL,            -- email address or webhook URL
  subject TEXT NOT NULL,
  body TEXT NOT NULL,                   -- the message text (UTF-8)
  payload TEXT NOT NULL,                -- the JSON document (webhook body)
  created_at TEXT NOT NULL,             -- the message's Date
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until TEXT,                     -- 'sending': another delivery owns it until then
  last_error TEXT,
  last_code INTEGER,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_by_member ON outbox(member, kind);
