-- CityOps: PostgreSQL schema for Orleans' ADO.NET providers, part 3 of 4: grain state storage.
--
-- Contract with Orleans.Persistence.AdoNet (AdoNetGrainStorage):
--   parameters  @GrainIdHash (int), @GrainIdN0 (bigint), @GrainIdN1 (bigint), @GrainTypeHash (int),
--               @GrainTypeString, @GrainIdExtensionString (or NULL), @ServiceId,
--               @GrainStateVersion (int or NULL: the ETag the grain holds), @PayloadBinary (bytea)
--   ReadFromStorageKey  at most one row with columns PayloadBinary, Version.
--   WriteToStorageKey   one row with column NewGrainStateVersion: the new version on success, the
--                       version the caller sent (or NULL) on a conflict, which the provider turns
--                       into an InconsistentStateException.
--   ClearStorageKey     the new version (payload set to NULL, row kept); no row on a conflict.
--   DeleteStorageKey    (DeleteStateOnClear = true) the deleted version + 1; no row on a conflict.
-- Version starts at 1 and goes up by one on every write or clear (optimistic concurrency).

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    -- Informational only.
    ModifiedOn             timestamptz  NOT NULL,
    Version                integer      NULL
);

-- Narrow on purpose: the hashes find the candidate rows, the natural key columns settle collisions.
CREATE INDEX IF NOT EXISTS IX_OrleansStorage
    ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

CREATE OR REPLACE FUNCTION WriteToStorage(
    _GrainIdHash            integer,
    _GrainIdN0              bigint,
    _GrainIdN1              bigint,
    _GrainTypeHash          integer,
    _GrainTypeString        varchar,
    _GrainIdExtensionString varchar,
    _ServiceId              varchar,
    _GrainStateVersion      integer,
    _PayloadBinary          bytea)
  RETURNS TABLE(NewGrainStateVersion integer)
  LANGUAGE plpgsql
AS $function$
DECLARE
    _NewGrainStateVersion integer := _GrainStateVersion;
    RowCountVar integer := 0;
BEGIN
    -- The grain has read or written its state before: update exactly that version.
    -- If another activation (e.g. during a split brain) wrote in between, nothing is updated,
    -- the version the grain sent is returned unchanged and Orleans reports a conflict.
    IF _GrainStateVersion IS NOT NULL
    THEN
        UPDATE OrleansStorage
        SET PayloadBinary = _PayloadBinary,
            ModifiedOn = now(),
            Version = Version + 1
        WHERE GrainIdHash = _GrainIdHash AND _GrainIdHash IS NOT NULL
          AND GrainTypeHash = _GrainTypeHash AND _GrainTypeHash IS NOT NULL
          AND GrainIdN0 = _GrainIdN0 AND _GrainIdN0 IS NOT NULL
          AND GrainIdN1 = _GrainIdN1 AND _GrainIdN1 IS NOT NULL
          AND GrainTypeString = _GrainTypeString AND _GrainTypeString IS NOT NULL
          AND ((_GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = _GrainIdExtensionString)
               OR (_GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
          AND ServiceId = _ServiceId AND _ServiceId IS NOT NULL
          AND Version IS NOT NULL AND Version = _GrainStateVersion;

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0
        THEN
            _NewGrainStateVersion := _GrainStateVersion + 1;
        END IF;
    END IF;

    -- The grain has no version yet: insert version 1 unless some version of this grain exists.
    IF _GrainStateVersion IS NULL
    THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT
            _GrainIdHash, _GrainIdN0, _GrainIdN1, _GrainTypeHash, _GrainTypeString, _GrainIdExtensionString,
            _ServiceId, _PayloadBinary, now(), 1
        WHERE NOT EXISTS
        (
            SELECT 1
            FROM OrleansStorage
            WHERE GrainIdHash = _GrainIdHash AND _GrainIdHash IS NOT NULL
              AND GrainTypeHash = _GrainTypeHash AND _GrainTypeHash IS NOT NULL
              AND GrainIdN0 = _GrainIdN0 AND _GrainIdN0 IS NOT NULL
              AND GrainIdN1 = _GrainIdN1 AND _GrainIdN1 IS NOT NULL
              AND GrainTypeString = _GrainTypeString AND _GrainTypeString IS NOT NULL
              AND ((_GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = _GrainIdExtensionString)
                   OR (_GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
              AND ServiceId = _ServiceId AND _ServiceId IS NOT NULL
        );

        GET DIAGNOSTICS RowCountVar = ROW_COUNT;
        IF RowCountVar > 0
        THEN
            _NewGrainStateVersion := 1;
        END IF;
    END IF;

    RETURN QUERY SELECT _NewGrainStateVersion AS NewGrainStateVersion;
END
$function$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
    SELECT * FROM WriteToStorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                                 @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
    SELECT
        PayloadBinary,
        Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
           OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
           OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
      AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND ((@GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString IS NOT NULL AND GrainIdExtensionString = @GrainIdExtensionString)
           OR (@GrainIdExtensionString IS NULL AND GrainIdExtensionString IS NULL))
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
      AND Version IS NOT NULL AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
