-- The storage life cycle: every committed blob once, manifests as rows with what they reference, and the
-- one-off data migrations. The garbage collector and the usage queries read these tables; the blob protocol (upload
-- commit, link, sweep) locks a blob's row in `blobs`. Text keys are COLLATE "C" like sql/10-registry.sql.
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

-- Every committed blob, once, whatever repositories link it. A row exists before any link to it.
CREATE TABLE IF NOT EXISTS blobs
(
    digest         text COLLATE "C" NOT NULL PRIMARY KEY,
    size           bigint NOT NULL,
    last_linked_at timestamptz NOT NULL DEFAULT now(), -- upload commit or link (mount, re-upload): the grace clock
    deleting       boolean NOT NULL DEFAULT false      -- the collector has removed its links and is deleting the bytes
);
-- Blobs linked before this script: each linked digest gets its row (idempotent, so harmless when re-applied).
INSERT INTO blobs (digest, size, last_linked_at)
SELECT digest, max(size), max(created_at) FROM blob_links GROUP BY digest
ON CONFLICT (digest) DO NOTHING;

-- A manifest's durable state (ManifestGrain caches it): the bytes as pushed, served byte for byte.
CREATE TABLE IF NOT EXISTS manifests
(
    repository text COLLATE "C" NOT NULL,
    digest     text COLLATE "C" NOT NULL,
    media_type text NOT NULL,
    content    bytea NOT NULL,
    subject    text COLLATE "C" NULL,
    created_at timestamptz NOT NULL DEFAULT now(), -- an untagged manifest's age (retention)
    PRIMARY KEY (repository, digest)
);

-- What each manifest references, written with it in one transaction.
CREATE TABLE IF NOT EXISTS manifest_references
(
    repository text COLLATE "C" NOT NULL,
    manifest   text COLLATE "C" NOT NULL, -- the referring manifest
    digest     text COLLATE "C" NOT NULL, -- what it references
    kind       text NOT NULL,             -- 'blob' (config, layers, blobs), 'manifest' (index child), 'subject'
    size       bigint NOT NULL,           -- from the descriptor
    PRIMARY KEY (repository, manifest, kind, digest)
);
-- The collector asks whether any manifest of any repository references a digest.
CREATE INDEX IF NOT EXISTS manifest_references_digest ON manifest_references (digest);
-- Is this manifest a child (or the subject) of another manifest of the repository?
CREATE INDEX IF NOT EXISTS manifest_references_repository_digest ON manifest_references (repository, digest);

-- Set once a data migration is complete, e.g. 'manifests-as-rows' once every manifest is in `manifests` (a fresh
-- database: at once; an upgraded one: after the backfill of the manifests kept in grain state before).
CREATE TABLE IF NOT EXISTS storage_migrations
(
    name         text COLLATE "C" PRIMARY KEY,
    completed_at timestamptz NOT NULL DEFAULT now()
);

COMMIT;
