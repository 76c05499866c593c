-- Applies one change to one row, atomically with its version guard.
-- KEYS[1] row key; KEYS[2] its version key (same Redis Cluster hash slot).
-- ARGV[1] operation: hash | json | delete | tombstone
-- ARGV[2] version of the change (37 hex characters: epoch, kind, major, minor); a tombstone is ordered by its
--   position instead and leaves a marker with the higher of this version and the stored one
-- ARGV[3] epoch and Kafka offset of the change (20 hex characters)
-- ARGV[4] delete marker retention in milliseconds
-- hash and json: ARGV[5] = n, ARGV[6 .. 5+n] the columns whose old value is kept (unchanged TOAST columns),
--   then for hash the field/value pairs of the row, for json the row document without the kept columns.
-- The version key holds the version (37) followed by the Kafka offset (16) of the change that wrote it.
-- Returns 1 when applied, 0 when the row already holds this change or a newer one.
local op = ARGV[1]
local stored = redis.call('GET', KEYS[2])
if stored then
  if op == 'tombstone' then
    if string.sub(stored, 1, 4) .. string.sub(stored, 38) >= ARGV[3] then return 0 end
  elseif string.sub(stored, 1, 37) >= ARGV[2] then
    return 0
  end
end

local rowType = redis.call('TYPE', KEYS[1])['ok']
local allowed = (op == 'hash' and rowType == 'hash') or (op == 'json' and rowType == 'string')
  or ((op == 'delete' or op == 'tombstone') and (rowType == 'hash' or rowType == 'string'))
if rowType ~= 'none' and not allowed then
  return redis.error_reply('WRONGTYPE key ' .. KEYS[1] .. ' holds a ' .. rowType .. ', not a row this sink wrote')
end

local position = string.sub(ARGV[3], 5)
if op == 'delete' or op == 'tombstone' then
  if rowType ~= 'none' then redis.call('DEL', KEYS[1]) end
  local version = ARGV[2]
  if stored and string.sub(stored, 1, 37) > version then version = string.sub(stored, 1, 37) end
  redis.call('SET', KEYS[2], version .. position, 'PX', ARGV[4])
  return 1
end

local kept = tonumber(ARGV[5])
if op == 'hash' then
  -- Overwrite in place; only when the row held fields beyond the new ones and the kept ones (a column became NULL,
  -- or a stranger's field) are those removed. Kept (unchanged TOAST) fields are not touched.
  local fieldCount = (#ARGV - 5 - kept) / 2
  if rowType == 'hash' then
    local before = redis.call('HLEN', KEYS[1])
    local keptPresent = 0
    for i = 6, 5 + kept do
      keptPresent = keptPresent + redis.call('HEXISTS', KEYS[1], ARGV[i])
    end
    local added = 0
    if fieldCount > 0 then added = redis.call('HSET', KEYS[1], unpack(ARGV, 6 + kept)) end
    if before + added > fieldCount + keptPresent then
      local wanted = {}
      for i = 6, 5 + kept do wanted[ARGV[i]] = true end
      for i = 6 + kept, #ARGV, 2 do wanted[ARGV[i]] = true end
      local stale = {}
      for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
        if not wanted[field] then stale[#stale + 1] = field end
      end
      redis.call('HDEL', KEYS[1], unpack(stale))
    end
  elseif fieldCount > 0 then
    redis.call('HSET', KEYS[1], unpack(ARGV, 6 + kept))
  end
else
  local doc = ARGV[6 + kept]
  if kept > 0 and rowType == 'string' then
    local old = cjson.decode(redis.call('GET', KEYS[1]))
    local members = {}
    for i = 6, 5 + kept do
      local value = old[ARGV[i]]
      if value ~= nil then members[#members + 1] = cjson.encode(ARGV[i]) .. ':' .. cjson.encode(value) end
    end
    if #members > 0 then
      local separator = ','
      if doc == '{}' then separator = '' end
      doc = string.sub(doc, 1, -2) .. separator .. table.concat(members, ',') .. '}'
    end
  end
  redis.call('SET', KEYS[1], doc)
end
redis.call('SET', KEYS[2], ARGV[2] .. position)
return 1
