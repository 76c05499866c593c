-- Applies changes to rows, each atomically with its version guard; one call carries the changes of one or more
-- rows, all in one Redis Cluster hash slot, applied in order. A row this script refuses (a key of another type) is
-- refused alone: the others of the call still apply. An error a command raises stops the call (see below).
-- KEYS, per row: its row key; its version key (same Redis Cluster hash slot); and, when its change goes to a change
--   feed, the table's stream.
-- ARGV[1] version marker retention in milliseconds; ARGV[2] the name of the version field; ARGV[3] where a hash row
--   keeps its version: row (in that field of its hash) or key (in its version key); then per row the number of its
--   arguments, then its arguments:
--   [1] operation: hash | json | delete | tombstone
--   [2] version of the change (37 hex characters: epoch, kind, major, minor); a tombstone is ordered by its
--     position instead and leaves a marker with the higher of this version and the stored one
--   [3] epoch and Kafka offset of the change (20 hex characters)
--   [4] write mode of a hash or json change: upsert (write the row) or cached (write it only if the key exists,
--     else leave a marker); write.mode=invalidate sends its changes as deletes
--   [5] the row's time to live in milliseconds, 0 for none: set by every write, except that a cached-mode refresh
--     keeps what the row has left
--   [6] the change feed entry, empty for none: "<key|row> <stream id> <max length> <op letter>"; the row's third key
--     is then the table's stream. The entry (op, key, version, and for row the row: hash fields as row.<column>, a
--     json document as row) is added with the change's source position as its ID, in the same call as the write, so
--     the stream shows exactly the changes applied. An ID the stream holds (or has trimmed) is a change it has; one
--     below its last that it never held is a gap, refused with FEEDGAP before anything of the row is written.
--   [7] n, the number of columns whose old value is kept (unchanged TOAST columns; 0 for a delete), [8 .. 7+n]
--     those columns, then for hash the field/value pairs of the row, for json the row document without them.
-- A version (in the version key, or in the version field of a hash row) is the change's version (37) followed by the
-- Kafka offset (16) of the change that wrote it. A row has at most one of the two: whatever ARGV[3] says, the script
-- finds the version where it is (with versions in rows the field first, else the key first), so that a row keeps
-- its guard when the setting changes, and a write moves it to where ARGV[3] says. A version key lasts as long as the
-- row, plus the marker retention when the row has a time to live; a marker (the version of a row not stored) is
-- always a version key, and lasts the retention. With versions in rows, the version goes into the row only for a
-- write without a time to live, of a row that does not expire (a row written with a time to live before, or filled
-- with one, keeps it) and that has columns: the other writes keep it in the key.
-- A hash or json change that lacks columns (kept > 0) for an absent key leaves a marker instead of a partial row.
-- Returns per row, in order: 1 when applied, 0 when the row already holds this change or a newer one, 2 when a hash
-- or json change left only a version marker since its key was absent (cached mode, or lacking columns); or the error
-- that refused the row, or that stopped the call before it, as a string.

local retention = ARGV[1]
local versionField = ARGV[2]
local versionsInRows = ARGV[3] == 'row'

-- Whether the stored version (and Kafka offset) holds this change or a newer one.
local function superseded(stored, op, a)
  if op == 'tombstone' then
    return string.sub(stored, 1, 4) .. string.sub(stored, 38) >= ARGV[a + 3]
  end
  local storedVersion = string.sub(stored, 1, 37)
  local version = ARGV[a + 2]
  local newer = version > storedVersion
  -- Between a snapshot row (a source position whose change part is zero) and a streamed change whose commit
  -- Debezium did not know (its commit part repeats its change part), of one epoch, the Kafka offset decides:
  -- Debezium's own order within the key's partition. ChangeVersion.replaces is the same rule. (string.find
  -- allocates nothing, which keeps the common path as cheap as a plain compare.)
  local snapshotIn = string.find(version, '^0000000000000000', 22) ~= nil
  local snapshotStored = string.find(stored, '^0000000000000000', 22) ~= nil
  if snapshotIn ~= snapshotStored and string.sub(version, 1, 5) == string.sub(stored, 1, 5)
      and string.sub(version, 5, 5) == '2' then
    local streamed = version
    if snapshotIn then streamed = storedVersion end
    if string.sub(streamed, 6, 21) == string.sub(streamed, 22, 37) then
      newer = string.sub(ARGV[a + 3], 5) > string.sub(stored, 38)
    end
  end
  return not newer
end

-- One row's change: its keys, and its arguments ARGV[a + 1 .. last].
local function applyRow(rowKey, versionKey, feedKey, a, last)
  local op = ARGV[a + 1]
  -- A hash write that may put the version into the row carries it as its last field (the version field).
  local versionPair = versionsInRows and op == 'hash' and ARGV[a + 5] == '0' and ARGV[last - 1] == versionField
  -- With versions in rows a hash row's version field is read first (HGET fails on a key of another type, which the
  -- type probe below reports); the version key then only for a row without one.
  local stored, storedInRow
  if versionsInRows and op ~= 'json' then
    local inRow = redis.pcall('HGET', rowKey, versionField)
    if type(inRow) == 'string' then
      stored = inRow
      storedInRow = true
    end
  end
  if not stored then stored = redis.call('GET', versionKey) end
  if stored and superseded(stored, op, a) then return 0 end

  -- The row's type, from the command the write needs anyway where it can be: HLEN (a hash is never empty) and STRLEN
  -- fail on a key of another type and give 0 for an absent key; an empty string counts as absent, never a JSON row.
  local rowType
  local fieldsBefore
  if op == 'hash' then
    fieldsBefore = redis.pcall('HLEN', rowKey)
    if type(fieldsBefore) == 'number' then rowType = fieldsBefore > 0 and 'hash' or 'none' end
  elseif op == 'json' then
    local length = redis.pcall('STRLEN', rowKey)
    if type(length) == 'number' then rowType = length > 0 and 'string' or 'none' end
  end
  rowType = rowType or redis.call('TYPE', rowKey)['ok']
  local allowed = (op == 'hash' and rowType == 'hash') or (op == 'json' and rowType == 'string')
    or ((op == 'delete' or op == 'tombstone') and (rowType == 'hash' or rowType == 'string'))
  if rowType ~= 'none' and not allowed then
    return redis.error_reply('WRONGTYPE key ' .. rowKey .. ' holds a ' .. rowType .. ', not a row this sink wrote')
  end
  -- With versions in keys, a hash row without a version key may still hold its version from when they were in rows.
  if not stored and not versionsInRows and rowType == 'hash' then
    stored = redis.call('HGET', rowKey, versionField)
    if stored and superseded(stored, op, a) then return 0 end
  end

  -- The change feed. Every decision is taken before the first write, since a script is not rolled back: a stream that
  -- is not a stream, or a change the stream lacks although it is past it (FEEDGAP), is refused with nothing written.
  -- The entry is added as the first write; only a JSON merge of unchanged TOAST members, which may still refuse the
  -- change, adds it after the write (feedLater).
  local feedLater
  if ARGV[a + 6] ~= '' then
    local content, id, maxlen, letter = string.match(ARGV[a + 6], '^(%a+) (%S+) (%d+) (%a)$')
    local entry = {feedKey, 'MAXLEN', '~', maxlen, id, 'op', letter, 'key', rowKey, 'version', ARGV[a + 2]}
    if content == 'row' and op == 'hash' then
      local lastColumn = last
      if versionPair then lastColumn = last - 2 end
      for i = a + 8 + tonumber(ARGV[a + 7]), lastColumn, 2 do
        entry[#entry + 1] = 'row.' .. ARGV[i]
        entry[#entry + 1] = ARGV[i + 1]
      end
    elseif content == 'row' and op == 'json' then
      entry[#entry + 1] = 'row'
      entry[#entry + 1] = ARGV[a + 8 + tonumber(ARGV[a + 7])]
    end

    -- stream IDs (unsigned 64-bit decimals, no leading zeros) compared
    local function below(a, b)
      local aMs, aSeq = string.match(a, '^(%d+)-(%d+)$')
      local bMs, bSeq = string.match(b, '^(%d+)-(%d+)$')
      if aMs ~= bMs then
        if #aMs ~= #bMs then return #aMs < #bMs end
        return aMs < bMs
      end
      if #aSeq ~= #bSeq then return #aSeq < #bSeq end
      return aSeq < bSeq
    end

    -- Whether the stream holds the entry (or trimmed it away); an error reply when it is past it without it.
    local function holds()
      local kind = redis.call('TYPE', feedKey)['ok']
      if kind == 'none' then return false end
      if kind ~= 'stream' then
        return nil, redis.error_reply('FEEDTYPE change feed ' .. feedKey .. ' holds a ' .. kind .. ', not a stream')
      end
      local info = redis.call('XINFO', 'STREAM', feedKey)
      local fields = {}
      for i = 1, #info - 1, 2 do fields[info[i]] = info[i + 1] end
      if below(fields['last-generated-id'], id) then return false end
      if #redis.call('XRANGE', feedKey, id, id) > 0 then return true end
      local deleted = fields['max-deleted-entry-id']
      if deleted then
        if not below(deleted, id) then return true end
      else
        -- Redis 6 does not say what it trimmed: an ID below the first entry kept counts as trimmed
        local first = fields['first-entry']
        if not first or below(id, first[1]) then return true end
      end
      return nil, redis.error_reply('FEEDGAP change feed ' .. feedKey .. ' is past change ' .. id .. ' of key '
        .. rowKey .. ' but lacks it: changes reached the stream out of order (more than one partition, a restored '
        .. 'database without a raised version.epoch, a write of the batch before it that Redis failed); rename or '
        .. 'delete the stream to go on')
    end

    if op == 'json' and ARGV[a + 7] ~= '0' and rowType == 'string' then
      local held, refused = holds()
      if refused then return refused end
      if not held then feedLater = entry end
    else
      local added = redis.pcall('XADD', unpack(entry))
      if type(added) == 'table' and added.err then
        if not string.find(added.err, 'equal or smaller', 1, true) then
          if string.find(added.err, 'WRONGTYPE', 1, true) then
            return redis.error_reply('FEEDTYPE change feed ' .. feedKey .. ' is not a stream: ' .. added.err)
          end
          return redis.error_reply(added.err)
        end
        local _, refused = holds()
        if refused then return refused end
      end
    end
  end

  local position = string.sub(ARGV[a + 3], 5)
  local mode = ARGV[a + 4]
  -- A change that lacks some columns (unchanged TOAST) cannot make a whole row of an absent key: readers refill it.
  local partial = rowType == 'none' and ARGV[a + 7] ~= '0'
  if op == 'delete' or op == 'tombstone' or (mode == 'cached' and rowType == 'none') or partial then
    if rowType ~= 'none' then redis.call('DEL', rowKey) end
    local version = ARGV[a + 2]
    if stored and string.sub(stored, 1, 37) > version then version = string.sub(stored, 1, 37) end
    redis.call('SET', versionKey, version .. position, 'PX', retention)
    if feedLater then redis.call('XADD', unpack(feedLater)) end
    if op == 'delete' or op == 'tombstone' then return 1 end
    return 2
  end

  local kept = tonumber(ARGV[a + 7])
  local expiringRowLeft
  if op == 'hash' then
    -- The version stays in the version key of a row that expires, which outlives it by the retention.
    local intoRow = versionPair
    local lastField = last
    if versionPair and rowType == 'hash' and not storedInRow then
      local left = redis.call('PTTL', rowKey)
      if left > 0 then
        intoRow = false
        lastField = last - 2
        expiringRowLeft = left
      end
    end
    -- Overwrite in place; only when the row held fields beyond the new ones and the kept ones (a column became NULL,
    -- or a stranger's field) are those removed. Kept (unchanged TOAST) fields are not touched.
    local fieldCount = (lastField - a - 7 - kept) / 2
    if rowType == 'hash' then
      local before = fieldsBefore
      local keptPresent = 0
      for i = a + 8, a + 7 + kept do
        keptPresent = keptPresent + redis.call('HEXISTS', rowKey, ARGV[i])
      end
      local added = 0
      if fieldCount > 0 then added = redis.call('HSET', rowKey, unpack(ARGV, a + 8 + kept, lastField)) end
      if before + added > fieldCount + keptPresent then
        local wanted = {}
        for i = a + 8, a + 7 + kept do wanted[ARGV[i]] = true end
        for i = a + 8 + kept, lastField, 2 do wanted[ARGV[i]] = true end
        local stale = {}
        for _, field in ipairs(redis.call('HKEYS', rowKey)) do
          if not wanted[field] then stale[#stale + 1] = field end
        end
        redis.call('HDEL', rowKey, unpack(stale))
      end
    elseif fieldCount > 0 then
      redis.call('HSET', rowKey, unpack(ARGV, a + 8 + kept, lastField))
    end
    if intoRow then
      if stored and not storedInRow then redis.call('DEL', versionKey) end
      if feedLater then redis.call('XADD', unpack(feedLater)) end
      return 1
    end
  else
    local doc = ARGV[a + 8 + kept]
    if kept > 0 and rowType == 'string' then
      -- Unchanged TOAST columns keep their members of the stored document as text, byte for byte: decoding and
      -- encoding them (cjson) would round numbers to 14 digits, turn [] into {} and reorder keys. Defined here, so
      -- that other writes do not pay for them.

      -- The index of the quote that closes the JSON string opening at `from`, or nil.
      local function stringEnd(text, from)
        local at = from + 1
        while true do
          local found = string.find(text, '["\\]', at)
          if not found then return nil end
          if string.sub(text, found, found) == '"' then return found end
          at = found + 2
        end
      end

      -- The index of the last character of the JSON value starting at `from`, or nil.
      local function valueEnd(text, from)
        local first = string.sub(text, from, from)
        if first == '"' then return stringEnd(text, from) end
        if first == '{' or first == '[' then
          local depth = 0
          local at = from
          while true do
            local found = string.find(text, '[%[%]{}"]', at)
            if not found then return nil end
            local c = string.sub(text, found, found)
            if c == '"' then
              found = stringEnd(text, found)
              if not found then return nil end
            elseif c == '{' or c == '[' then
              depth = depth + 1
            else
              depth = depth - 1
              if depth == 0 then return found end
            end
            at = found + 1
          end
        end
        local after = string.find(text, '[,}%s]', from)
        if not after or after == from then return nil end
        return after - 1
      end

      -- The top-level members of a JSON object: column name -> the member's text ("name":value) as stored; nil when the
      -- text is not a JSON object.
      local function jsonMembers(text)
        local members = {}
        local at = string.find(text, '%S')
        if not at or string.sub(text, at, at) ~= '{' then return nil end
        at = string.find(text, '%S', at + 1)
        if at and string.sub(text, at, at) == '}' then return members end
        while at do
          if string.sub(text, at, at) ~= '"' then return nil end
          local nameEnd = stringEnd(text, at)
          if not nameEnd then return nil end
          local colon = string.find(text, '%S', nameEnd + 1)
          if not colon or string.sub(text, colon, colon) ~= ':' then return nil end
          local valueStart = string.find(text, '%S', colon + 1)
          if not valueStart then return nil end
          local last = valueEnd(text, valueStart)
          if not last then return nil end
          local decoded, name = pcall(cjson.decode, string.sub(text, at, nameEnd))
          if not decoded then return nil end
          members[name] = string.sub(text, at, last)
          local next = string.find(text, '%S', last + 1)
          if not next then return nil end
          local c = string.sub(text, next, next)
          if c == '}' then return members end
          if c ~= ',' then return nil end
          at = string.find(text, '%S', next + 1)
        end
        return nil
      end

      local old = jsonMembers(redis.call('GET', rowKey))
      if not old then
        return redis.error_reply('WRONGTYPE key ' .. rowKey .. ' holds a string that is not a JSON row this sink wrote')
      end
      local members = {}
      for i = a + 8, a + 7 + kept do
        local member = old[ARGV[i]]
        if member then members[#members + 1] = member end
      end
      if #members > 0 then
        local separator = ','
        if doc == '{}' then separator = '' end
        doc = string.sub(doc, 1, -2) .. separator .. table.concat(members, ',') .. '}'
      end
    end
    if mode == 'cached' then
      redis.call('SET', rowKey, doc, 'KEEPTTL')
    elseif ARGV[a + 5] == '0' then
      -- the common case in one command: the row and its version, neither with a time to live
      redis.call('MSET', rowKey, doc, versionKey, ARGV[a + 2] .. position)
      if feedLater then redis.call('XADD', unpack(feedLater)) end
      return 1
    else
      redis.call('SET', rowKey, doc)
    end
  end
  local ttl = ARGV[a + 5]
  if ttl == '0' then
    if expiringRowLeft then
      redis.call('SET', versionKey, ARGV[a + 2] .. position, 'PX', expiringRowLeft + tonumber(retention))
    else
      redis.call('SET', versionKey, ARGV[a + 2] .. position)
    end
    if feedLater then redis.call('XADD', unpack(feedLater)) end
    return 1
  end
  -- A refresh of a cached row keeps the time it has left: only readers (fills, sliding hits) keep it in Redis.
  local left = tonumber(ttl)
  if mode == 'cached' then
    left = redis.call('PTTL', rowKey)
    if left < 0 then left = tonumber(ttl) end
  end
  redis.call('PEXPIRE', rowKey, left)
  redis.call('SET', versionKey, ARGV[a + 2] .. position, 'PX', left + tonumber(retention))
  if feedLater then redis.call('XADD', unpack(feedLater)) end
  return 1
end

-- The layout first, before anything is written: every row's arguments, and its keys.
local a = 3
local keyCount = 0
while a < #ARGV do
  local count = tonumber(ARGV[a + 1])
  if not count or count < 7 or a + 1 + count > #ARGV then
    return redis.error_reply('ERR apply-change.lua: the arguments after ' .. a .. ' do not make a row (user_script)')
  end
  keyCount = keyCount + 2
  if ARGV[a + 7] ~= '' then keyCount = keyCount + 1 end
  a = a + 1 + count
end
if keyCount ~= #KEYS then
  return redis.error_reply('ERR apply-change.lua: ' .. #KEYS .. ' keys for rows that need ' .. keyCount
    .. ' (user_script)')
end

-- An error a command raised (out of memory, a refused or renamed command) stops the call: the rows after it are not
-- applied and answer with the same error, so that the batch is sent again in order, as a script that failed would
-- be. It keeps its code and is marked as raised in the script, as Redis marks an error that ends a script.
local results = {}
local raised
a = 3
local k = 1
while a < #ARGV do
  local last = a + 1 + tonumber(ARGV[a + 1])
  local feedKey
  if ARGV[a + 7] ~= '' then feedKey = KEYS[k + 2] end
  local result
  if raised then
    result = raised
  else
    local done
    done, result = pcall(applyRow, KEYS[k], KEYS[k + 1], feedKey, a + 1, last)
    if not done then
      local message = type(result) == 'table' and result.err or tostring(result)
      if not string.find(message, '^%u+ ') then message = 'ERR ' .. message end
      raised = message .. ' (raised in apply-change.lua, user_script)'
      result = raised
    elseif type(result) == 'table' then
      result = result.err or 'ERR apply-change.lua: a reply of no known kind (user_script)'
    end
  end
  results[#results + 1] = result
  k = k + 2
  if feedKey then k = k + 1 end
  a = last
end
return results
