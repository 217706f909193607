-- CityOps: SQLite schema for Orleans' ADO.NET providers, part 1 of 3: the query registry.
--
-- How the providers use the database:
--   * Orleans never embeds SQL of its own. At start-up each ADO.NET provider reads the rows
--     of OrleansQuery and then runs the text registered under each well-known QueryKey.
--   * The provider binds parameters by name (@GrainIdHash, @ServiceId, ...) and reads result
--     columns by name (Version, NewGrainStateVersion, ...). Those names are the contract;
--     everything else (tables, indexes, column types) is ours to choose.
--   * In Orleans 10 the provider's invariant name for SQLite is "System.Data.SQLite"; it is
--     served by the Microsoft.Data.Sqlite driver, which executes a multi-statement command
--     text statement by statement and bundles a SQLite with RETURNING and UPSERT.
--
-- Every script in this folder is idempotent: running it again leaves the database as it is,
-- except that registered query texts are replaced by the ones in the scripts.

-- Write-ahead logging lets readers proceed while a grain state is being written.
-- The journal mode is stored in the database file, so this is needed only once per file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
