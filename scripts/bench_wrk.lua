-- wrk script for `make bench` (scripts/bench.py).
--   wrk ... URL -- get              GETs of URL, each from another reader address
--   wrk ... URL -- post FILE NAME   comment POSTs: each line of FILE is one reader's
--                                    "address<TAB>CSRF secret<TAB>form body"; NAME is the
--                                    CSRF cookie's name
-- The site trusts one proxy (TRUSTED_PROXY_COUNT=1), so X-Forwarded-For is the reader's address:
-- per-IP limits see many readers, as behind a real proxy.

local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  mode = args[1] or "get"
  counter = (id or 0)
  step = 2  -- wrk -t2: threads take alternate lines, so no post is sent twice
  if mode == "post" then
    cookie = args[3] or "csrftoken"
    lines = {}
    for line in io.lines(args[2]) do
      lines[#lines + 1] = line
    end
  end
end

local function address(n)
  return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256,
    n % 256)
end

function request()
  counter = counter + step
  if mode == "post" then
    local line = lines[(counter % #lines) + 1]
    local ip, secret, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie .. "=" .. secret,
      ["X-Forwarded-For"] = ip,
    }, body)
  end
  return wrk.format("GET", nil, { ["X-Forwarded-For"] = address(counter + 1000000) })
end
