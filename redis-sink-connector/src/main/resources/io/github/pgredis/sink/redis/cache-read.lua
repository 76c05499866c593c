-- A cache client's read of one row, in one round trip: the row on a hit, else a lease to fill it.
-- KEYS[1] row key; KEYS[2] its version key; KEYS[3] its lease key (all in one Redis Cluster hash slot).
-- ARGV[1] hash | json; ARGV[2] sliding time to live in milliseconds, 0 for none; ARGV[3] version marker retention
-- in milliseconds; ARGV[4] the reader's lease token (no ':'); ARGV[5] lease duration in milliseconds; ARGV[6] the
-- name of the version field of a hash row written with versions in rows.
-- Returns {1, row} on a hit (hash: its field/value list; json: the document). On a miss {0, lease}, where lease is
-- token:version (the version key's value when the lease was taken, empty if none), or {0} when another reader
-- holds the lease.
local row
if ARGV[1] == 'hash' then
  row = redis.call('HGETALL', KEYS[1])
  if #row == 0 then row = nil end
else
  row = redis.call('GET', KEYS[1])
end
if row then
  if ARGV[2] ~= '0' then
    -- the version outlives the row by the marker retention, as when the sink writes it: a version the row holds
    -- moves to the version key first, so that it does not expire with the row
    local versionTtl = tonumber(ARGV[2]) + tonumber(ARGV[3])
    if ARGV[1] == 'hash' then
      for i = 1, #row, 2 do
        if row[i] == ARGV[6] then
          redis.call('SET', KEYS[2], row[i + 1], 'PX', versionTtl)
          redis.call('HDEL', KEYS[1], ARGV[6])
          break
        end
      end
    end
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    redis.call('PEXPIRE', KEYS[2], versionTtl)
  end
  return {1, row}
end
local lease = ARGV[4] .. ':' .. (redis.call('GET', KEYS[2]) or '')
if redis.call('SET', KEYS[3], lease, 'NX', 'PX', ARGV[5]) then
  return {0, lease}
end
return {0}
