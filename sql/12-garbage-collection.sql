-- The garbage collector's record of its runs (Grains/Collection): the schedule asks when the last real run finished,
-- so that N silos each waking at Registry:GarbageCollection:Interval run the collection about once per interval, and
-- /metrics reads the last run time from here whichever silo ran it. Needs sql/11-storage-lifecycle.sql (blobs,
-- manifests, manifest_references), which the collector queries.
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS gc_runs
(
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    dry_run     boolean NOT NULL,
    silo        text NOT NULL,
    report      jsonb NOT NULL
);
-- "When did the last real run finish": the newest row first.
CREATE INDEX IF NOT EXISTS gc_runs_finished_at ON gc_runs (dry_run, finished_at DESC);

COMMIT;
