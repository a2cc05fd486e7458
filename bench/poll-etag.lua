-- wrk script for bench/serve-rebuild.ts: polls with If-None-Match, the way a firewall
-- revalidates its URL table. Each answer's ETag becomes the next poll's validator, so after a
-- change a thread gets one 200 and then 304s again. Each connection waits between its polls, as
-- a poller does, so the load is 1,000 clients polling rather than wrk's closed loop at full speed.
-- Arguments: the first ETag, the milliseconds between one connection's polls.
local etag
local pause

function init(args)
  etag = args[1]
  pause = tonumber(args[2])
end

-- Spread over 0.5-1.5 pauses: pollers that all wake together would queue behind each other, which
-- measures the burst, not the server.
function delay()
  return math.floor(pause * (0.5 + math.random()))
end

function request()
  return wrk.format("GET", nil, { ["If-None-Match"] = etag })
end

function response(status, headers)
  local next = headers["ETag"] or headers["etag"]
  if next then etag = next end
end
