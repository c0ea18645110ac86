-- Empties the journal; returns how many entries it held. KEYS[1]: the list.
local n = redis.call('LLEN', KEYS[1])
redis.call('DEL', KEYS[1])
return n
