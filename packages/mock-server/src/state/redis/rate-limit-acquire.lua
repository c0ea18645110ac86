-- The sliding-window limiter, atomic in Redis, for a batch of calls: the calls one replica received in
-- one turn of its event loop go in one script call, judged one after the other exactly as separate
-- calls would be. KEYS[1] is a list of the last `limit` accepted call times, newest first. ARGV: limit,
-- window ms, then the calls' times (the calling replica's clock, epoch ms). Returns one 1 (accepted) or
-- 0 (over the limit) per call.
--
-- The clock is the fake's own (so a frozen or moved clock steers the limit as it does in memory), not
-- Redis `TIME`. Replicas' clocks differ a little: a call whose time is before the newest accepted one
-- by less than a window is taken as skew and stamped with that newest time, so the stamps stay in
-- order and no window of stamps ever holds more than `limit`; a time a whole window or more before it
-- means the clock was set back, and the window starts afresh (as the in-memory limiter does).
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local answers = {}
local accepted = 0
for i = 3, #ARGV do
  local stamp = ARGV[i]
  local now = tonumber(stamp)
  local newest = redis.call('LINDEX', KEYS[1], 0)
  if newest then
    local last = tonumber(newest)
    if now < last then
      if last - now >= window then
        redis.call('DEL', KEYS[1])
      else
        now = last
        stamp = newest
      end
    end
  end
  local ok = 1
  if redis.call('LLEN', KEYS[1]) >= limit then
    local oldest = tonumber(redis.call('LINDEX', KEYS[1], limit - 1))
    if now - oldest < window then ok = 0 end
  end
  if ok == 1 then
    redis.call('LPUSH', KEYS[1], stamp)
    redis.call('LTRIM', KEYS[1], 0, limit - 1)
    accepted = accepted + 1
  end
  answers[#answers + 1] = ok
end
if accepted > 0 then redis.call('PEXPIRE', KEYS[1], 3600000) end
return answers
