-- Which sql/ files `OrleansRegistry.Server migrate` has applied, by name and SHA-256 of their content (one row per
-- version of a file, so rolling back to an older image finds its scripts recorded too). `migrate --wait`, the silos'
-- initContainer on Kubernetes, starts a silo only when every file its image ships is recorded here with that exact
-- content. scripts/run, scripts/cluster and scripts/bench run the same `migrate` before their servers start; nothing
-- there waits.
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS schema_scripts
(
    file_name  text COLLATE "C" NOT NULL,
    sha256     text COLLATE "C" NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_name, sha256)
);

COMMIT;
