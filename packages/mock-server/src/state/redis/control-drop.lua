-- Removes every part whose name starts with a prefix (and, when asked, every firing counter) and
-- publishes a reload. KEYS[1]: parts hash, KEYS[2]: fired counters, KEYS[3]: draw counters. ARGV:
-- channel, nonce, prefix, '1' to drop the counters. Returns how many parts it removed.
local n = 0
for _, part in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(part, 1, #ARGV[3]) == ARGV[3] then
    redis.call('HDEL', KEYS[1], part)
    n = n + 1
  end
end
if ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n*\n')
return n
