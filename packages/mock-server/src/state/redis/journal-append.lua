-- Appends journal entries with the next sequence numbers and keeps the newest `capacity`. KEYS[1]: the
-- list (newest first), KEYS[2]: the sequence. ARGV: capacity, then the entries' JSON, oldest first.
-- Stored as "seq|json". Returns the last sequence number.
local n = #ARGV - 1
local last = redis.call('INCRBY', KEYS[2], n)
for i = 2, #ARGV do
  redis.call('LPUSH', KEYS[1], (last - n + i - 1) .. '|' .. ARGV[i])
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
return last
