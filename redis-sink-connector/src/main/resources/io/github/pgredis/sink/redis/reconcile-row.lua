-- Reconciliation after an incremental snapshot: removes a row that neither the snapshot nor any change since it
-- started wrote, so its PostgreSQL row is gone (a delete lost, a key written by hand).
-- KEYS[1] row key; KEYS[2] its version key (same Redis Cluster hash slot).
-- ARGV[1] the version at which the snapshot started (37 hex characters); ARGV[2] version marker retention in ms;
-- ARGV[3] the version field: a hash row's version is there where it has one, else in its version key.
-- A row whose version is at or above ARGV[1] stays, and so does a key of a type this sink does not write, and a row
-- whose version is not a source position (a Kafka offset or a version.field value, which the start cannot be compared
-- with). A key without a version was not written by the sink. The version key of a removed row becomes a marker of
-- its version, so that a replayed older change cannot bring the row back while a newer one still applies.
-- Returns 1 when the row was removed.
local rowType = redis.call('TYPE', KEYS[1])['ok']
if rowType ~= 'hash' and rowType ~= 'string' then return 0 end
local stored = rowType == 'hash' and redis.call('HGET', KEYS[1], ARGV[3]) or redis.call('GET', KEYS[2])
if stored and (string.sub(stored, 5, 5) ~= '2' or string.sub(stored, 1, 37) >= ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
if stored then redis.call('SET', KEYS[2], stored, 'PX', ARGV[2]) end
return 1
