-- When each manifest and blob was last pulled (manifest GET/HEAD, blob GET), for the retention rule DeleteNotPulledFor.
-- Each silo batches its pulls and writes them every Registry:Retention:PullTimeFlushInterval, only ever moving a time
-- forward (Storage/Collection/PostgresPullTimes). NULL: not pulled since this column exists, so the rule falls back to
-- the manifest's creation time. Needs sql/11-storage-lifecycle.sql (blobs, manifests).
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

ALTER TABLE manifests ADD COLUMN IF NOT EXISTS last_pulled_at timestamptz NULL;
ALTER TABLE blobs ADD COLUMN IF NOT EXISTS last_pulled_at timestamptz NULL;

COMMIT;
