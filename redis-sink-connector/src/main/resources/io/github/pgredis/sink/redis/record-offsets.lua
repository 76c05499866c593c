-- Records the next Kafka offset to apply per topic-partition, after the data it covers, but only on the Redis
-- server (run_id) whose data the sink has checked. A restarted or restored server refuses, so the sink rewinds
-- instead of claiming data that server may have lost.
-- KEYS[1] offsets hash; ARGV[1] expected run_id; ARGV[2 ..] field/offset pairs.
local runId = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
if runId ~= ARGV[1] then
  return redis.error_reply('RUNID_CHANGED Redis run_id is ' .. tostring(runId) .. ', expected ' .. ARGV[1])
end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
return 1
