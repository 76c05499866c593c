-- Records the next Kafka offset to apply per topic-partition, after the data it covers, but only on the Redis
-- server whose data the sink has checked: its fence is its run_id (a restart changes it) and its replication ID (a
-- promotion changes it). A restarted, restored or newly promoted server refuses, so the sink rewinds instead of
-- claiming data that server may have lost. Each offset is stored with the fence of the server that took it: a copy
-- that a server holds from its predecessor shows it.
-- KEYS[1] offsets hash; ARGV[1] expected fence; ARGV[2 ..] field/offset pairs.
local runId = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local replId = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
local fence = tostring(runId) .. ':' .. tostring(replId)
if fence ~= ARGV[1] then
  return redis.error_reply('RUNID_CHANGED Redis is ' .. fence .. ', expected ' .. ARGV[1])
end
local fields = {}
for i = 2, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1] .. ' ' .. fence
end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
return 1
