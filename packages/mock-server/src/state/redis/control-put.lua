-- Sets or removes one control part and publishes the change, atomically (so every replica sees the
-- changes in the order they were made). KEYS[1]: the parts hash. ARGV: channel, message nonce, part,
-- value JSON ('' = remove). The message is "nonce\npart\nvalue".
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], ARGV[3])
else
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n' .. ARGV[3] .. '\n' .. ARGV[4])
return 1
