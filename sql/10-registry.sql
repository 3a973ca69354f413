-- The registry's own tables (IRegistryIndex): collections that grow without bound and queries no single
-- grain can answer. Every text key is COLLATE "C" so ORDER BY and keyset pagination (WHERE x > @last) follow
-- byte order, as the distribution spec's lexical order requires, whatever the database's default collation.
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS repositories
(
    name       text COLLATE "C" NOT NULL PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS tags
(
    repository text COLLATE "C" NOT NULL,
    tag        text COLLATE "C" NOT NULL,
    digest     text COLLATE "C" NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, tag)
);
-- Deleting a manifest removes the tags that point to it.
CREATE INDEX IF NOT EXISTS tags_repository_digest ON tags (repository, digest);

CREATE TABLE IF NOT EXISTS blob_links
(
    repository text COLLATE "C" NOT NULL,
    digest     text COLLATE "C" NOT NULL,
    size       bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, digest)
);
-- Garbage collection asks whether any repository still links a digest.
CREATE INDEX IF NOT EXISTS blob_links_digest ON blob_links (digest);

CREATE TABLE IF NOT EXISTS referrers
(
    repository    text COLLATE "C" NOT NULL,
    subject       text COLLATE "C" NOT NULL,
    digest        text COLLATE "C" NOT NULL,
    media_type    text NOT NULL,
    size          bigint NOT NULL,
    artifact_type text NULL,
    annotations   jsonb NULL,
    PRIMARY KEY (repository, subject, digest)
);
-- Deleting a referrer manifest finds its row by its own digest.
CREATE INDEX IF NOT EXISTS referrers_repository_digest ON referrers (repository, digest);

CREATE TABLE IF NOT EXISTS upload_sessions
(
    id            text COLLATE "C" NOT NULL PRIMARY KEY,
    repository    text COLLATE "C" NOT NULL,
    started_at    timestamptz NOT NULL,
    last_activity timestamptz NOT NULL
);
-- The expiry sweep reads the oldest sessions first.
CREATE INDEX IF NOT EXISTS upload_sessions_last_activity ON upload_sessions (last_activity);

COMMIT;
