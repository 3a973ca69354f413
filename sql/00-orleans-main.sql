-- Orleans ADO.NET: the table of named queries every provider (clustering, persistence, reminders) loads at
-- start-up. Shape from dotnet/orleans src/AdoNet/Shared/PostgreSQL-Main.sql; written to be re-applied on
-- every start. Each file is one transaction under a shared advisory lock, so silos starting together cannot
-- race on CREATE ... IF NOT EXISTS (which is not safe against concurrent creators).
BEGIN;
SELECT pg_advisory_xact_lock(7428110531);
SET LOCAL client_min_messages = warning;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY(QueryKey)
);

COMMIT;
