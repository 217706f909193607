-- CityOps: PostgreSQL schema for Orleans' ADO.NET providers (invariant "Npgsql"), part 1 of 4:
-- the query registry.
--
-- Orleans never embeds SQL of its own. At start-up each ADO.NET provider (clustering, grain
-- storage, reminders) reads OrleansQuery and runs the text registered under each well-known
-- QueryKey, binding parameters by name (@DeploymentId, @GrainIdHash, ...) and reading result
-- columns by name. Those names are the contract; they follow the reference scripts shipped in
-- dotnet/orleans (src/AdoNet/**/PostgreSQL-*.sql).
--
-- Every script in this folder is idempotent (CREATE ... IF NOT EXISTS, CREATE OR REPLACE
-- FUNCTION, INSERT ... ON CONFLICT DO UPDATE): running it again leaves the data alone and
-- replaces the registered query texts and functions with the ones in the scripts.
-- The application runs them in one transaction under an advisory lock, so silos starting
-- together do not race each other.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
