-- Changes and as-known-on queries look intervals up by the run that recorded or superseded them.
CREATE INDEX intervals_by_recorded_run ON intervals(recorded_run);
CREATE INDEX intervals_by_superseded_run ON intervals(superseded_run) WHERE superseded_run IS NOT NULL;
