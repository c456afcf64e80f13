-- wrk script for bench/orders.sh: every request is a new order (unique id per thread and request) of one to three
-- lines for one of the seeded visitors, so each is attributed, rated and posted to the ledger.
local counter = 0
thread_id = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  key = args[1]
  visitors = tonumber(args[2])
  run = args[3] or "r"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end
local categories = { "Mobile phones", "Mobile phone accessories", "Women's clothing", "Garden supplies", "Toys" }
function request()
  counter = counter + 1
  local id = run .. "-t" .. thread_id .. "-" .. counter
  local lines = {}
  for l = 1, (counter % 3) + 1 do
    lines[l] = string.format('{"id":"l%d","productId":"%d","category":"%s","price":"%d.%02d","quantity":1}',
      l, counter * 10 + l, categories[(counter + l) % #categories + 1], 5 + counter % 200, counter % 100)
  end
  local body = string.format('{"id":"%s","visitor":"v%d","at":"%s","currency":"USD","deliveryCountry":"DE","lines":[%s]}',
    id, counter % visitors, os.date("!%Y-%m-%dT%H:%M:%SZ"), table.concat(lines, ","))
  return wrk.format(nil, "/api/v1/marketplace/orders", nil, body)
end
function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected " .. status .. ": " .. body .. "\n")
  end
end
