-- wrk script for scripts/bench-redmine.sh: counts the answers that are not 200 (wrk itself
-- counts only 4xx/5xx, so a lost session, a 302 to /login, would pass unseen) and those that
-- are not the signed-in page (no "loggedas" in the body). Sends the session cookie in $COOKIE.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  wrk.headers["Cookie"] = os.getenv("COOKIE")
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, 'id="loggedas"', 1, true) then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("not the page: %d\n", total))
end
