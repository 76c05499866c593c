-- A cache client's fill of a row it read from PostgreSQL after taking the lease (cache-read.lua). The fill lands
-- only if the lease is still the reader's and the row's version key is as it was when the lease was taken: the sink
-- changes the version key with every change it applies, in every write mode, so a fill never lands over, or after,
-- a change applied since the lease.
-- KEYS[1] row key; KEYS[2] its version key; KEYS[3] its lease key.
-- ARGV[1] the lease (token:version); ARGV[2] the version part of it; ARGV[3] hash | json | none (release the lease);
-- ARGV[4] time to live in milliseconds, 0 for none; ARGV[5] version marker retention in milliseconds; then for hash
-- the field/value pairs, for json the document. A version key (a marker, where the mode did not store the row) is
-- made to outlive the filled row, as the sink's own writes do.
-- Returns 1 when the row was filled, else 0.
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[3])
if ARGV[3] == 'none' or #ARGV < 6 then return 0 end
local version = redis.call('GET', KEYS[2])
if (version or '') ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[3] == 'hash' then
  redis.call('HSET', KEYS[1], unpack(ARGV, 6))
else
  redis.call('SET', KEYS[1], ARGV[6])
end
if ARGV[4] ~= '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  if version then redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) + tonumber(ARGV[5])) end
elseif version then
  redis.call('PERSIST', KEYS[2])
end
return 1
