-- CityOps: SQLite schema for Orleans' ADO.NET providers, part 2 of 3: grain state storage.
--
-- Contract with Orleans.Persistence.AdoNet (AdoNetGrainStorage):
--   parameters  @GrainIdHash (int), @GrainIdN0 (long), @GrainIdN1 (long), @GrainTypeHash (int),
--               @GrainTypeString (text), @GrainIdExtensionString (text or NULL), @ServiceId (text),
--               @GrainStateVersion (int or NULL: the ETag the grain holds), @PayloadBinary (blob)
--   ReadFromStorageKey  returns at most one row with columns PayloadBinary and Version.
--   WriteToStorageKey   returns exactly one row with column NewGrainStateVersion: the new version
--                       on success; on a conflict the version the caller sent (or NULL), which the
--                       provider turns into an InconsistentStateException.
--   ClearStorageKey     same convention as the write; the row stays with a NULL payload and a new
--                       version, so a later write from the clearing grain continues the sequence.
--   DeleteStorageKey    (used only with DeleteStateOnClear = true) removes the row and returns the
--                       deleted version + 1; on a conflict the version the caller sent.
--
-- Optimistic concurrency: Version starts at 1 on the first write and goes up by one on every write
-- or clear. A write or clear applies only while the stored version still equals @GrainStateVersion;
-- a first write (@GrainStateVersion NULL) applies only while no row exists. The conflict row is
-- produced by "SELECT ... WHERE changes() = 0" right after the data-changing statement: changes()
-- is the number of rows changed by the connection's most recent INSERT, UPDATE or DELETE.
--
-- The embedded engine's writer (src/Silo/Storage/SqliteStateWriter.cs) runs WriteToStorageKey's two cases
-- (the update of a held version, the first insert) as statements of their own, one per write: keep them alike.
--
-- A grain is identified by (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString);
-- the two hashes that Orleans computes lead the index so that look-ups stay narrow.

BEGIN IMMEDIATE;

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    -- UTC, informational only.
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NULL
);

-- Unique for grains with a key extension. (SQLite treats NULLs as distinct in a unique index, so for
-- grains without an extension uniqueness rests on the write query: its INSERT runs only when no row
-- exists, and SQLite lets one writer at a time change the file.)
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT
    PayloadBinary,
    Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
LIMIT 1;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
-- The grain has read or written its state before: update that version only.
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary,
    ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''),
    Version = Version + 1
WHERE @GrainStateVersion IS NOT NULL
  AND GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

-- Stale version: report the version the grain sent, which the provider reads as a conflict.
SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE @GrainStateVersion IS NOT NULL AND changes() = 0;

-- The grain has no version yet: insert version 1, but only if nobody else has stored this grain.
INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
     ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
       @ServiceId, @PayloadBinary, strftime(''%Y-%m-%d %H:%M:%f'', ''now''), 1
WHERE @GrainStateVersion IS NULL
  AND NOT EXISTS
  (
      SELECT 1 FROM OrleansStorage
      WHERE GrainIdHash = @GrainIdHash
        AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId
        AND GrainIdN0 = @GrainIdN0
        AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString
  )
RETURNING Version AS NewGrainStateVersion;

-- Somebody else stored this grain first: report NULL, which the provider reads as a conflict.
SELECT NULL AS NewGrainStateVersion
WHERE @GrainStateVersion IS NULL AND changes() = 0;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''),
    Version = Version + 1
WHERE @GrainStateVersion IS NOT NULL
  AND GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE changes() = 0;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE @GrainStateVersion IS NOT NULL
  AND GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;

SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE changes() = 0;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

COMMIT;
