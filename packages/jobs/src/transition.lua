-- Atomic state transition of one job, with its batch counts and SSE status event.
-- KEYS[1] job hash
-- ARGV[1] target status, ARGV[2] now (ISO), ARGV[3] ttl seconds of final jobs and batches (0 = keep),
-- ARGV[4] batch key prefix (`<root>batch:`), ARGV[5] events channel prefix, ARGV[6..] field/value pairs to set.
-- Returns {applied (0|1), previous status ('' when the job is missing), batch completed by THIS call (0|1),
-- batch id ('' when none)}.
-- The batch key is built from the job's batchId: fine on one Redis node, which BullMQ needs anyway.
local job = KEYS[1]
local to, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local final = { succeeded = true, failed = true, canceled = true }

local from = redis.call('HGET', job, 'status')
if not from then return { 0, '', 0, '' } end
local batchId = redis.call('HGET', job, 'batchId') or ''
if final[from] then return { 0, from, 0, batchId } end

if to == 'running' then
  -- queued -> running starts an attempt; running -> running is a stalled job taken again elsewhere.
  redis.call('HINCRBY', job, 'attempts', 1)
  redis.call('HSETNX', job, 'startedAt', now)
elseif to == 'queued' then
  if from ~= 'running' then return { 0, from, 0, batchId } end
elseif final[to] then
  redis.call('HSET', job, 'finishedAt', now)
else
  return redis.error_reply('unknown status ' .. tostring(to))
end

redis.call('HSET', job, 'status', to)
for i = 6, #ARGV, 2 do
  redis.call('HSET', job, ARGV[i], ARGV[i + 1])
end

local completed = 0
if batchId ~= '' and from ~= to then
  local batch = ARGV[4] .. batchId
  redis.call('HINCRBY', batch, from, -1)
  redis.call('HINCRBY', batch, to, 1)
  if final[to] then
    local done = redis.call('HINCRBY', batch, 'done', 1)
    if done == tonumber(redis.call('HGET', batch, 'total')) then
      completed = redis.call('HSETNX', batch, 'completedAt', now)
      if completed == 1 and ttl > 0 then
        redis.call('EXPIRE', batch, ttl)
        redis.call('EXPIRE', batch .. ':jobs', ttl)
      end
    end
  end
end

if final[to] and ttl > 0 then redis.call('EXPIRE', job, ttl) end
local jobId = redis.call('HGET', job, 'id')
redis.call('PUBLISH', ARGV[5] .. jobId, cjson.encode({ type = 'status', status = to, from = from }))
return { 1, from, completed, batchId }
