-- Claims one firing of a fault rule for all replicas together. KEYS[1]: fired counters, KEYS[2]: draw
-- counters, KEYS[3]: parts hash. ARGV: rule id, its part, times ('' = unlimited), probability ('' =
-- always), seed. The n-th draw of a rule is the first 52 bits of SHA-1("seed:n"): one reproducible
-- sequence shared by every replica. Returns the firings so far, or 0 when it does not fire.
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then return 0 end
local fired = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if ARGV[3] ~= '' and fired >= tonumber(ARGV[3]) then return 0 end
if ARGV[4] ~= '' then
  local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  local r = tonumber(string.sub(redis.sha1hex(ARGV[5] .. ':' .. n), 1, 13), 16) / 4503599627370496
  if r >= tonumber(ARGV[4]) then return 0 end
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
