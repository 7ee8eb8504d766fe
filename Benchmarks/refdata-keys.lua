-- wrk script: GET /refdata/v1/sources/k<N> for a random N below $KEYS (default 100); with
-- $WRITE_PERCENT > 0, that share of requests are PUTs of a new value to a random key.
local keys = tonumber(os.getenv("KEYS") or "100")
local writes = tonumber(os.getenv("WRITE_PERCENT") or "0")
local counter = 0

request = function()
    counter = counter + 1
    local path = "/refdata/v1/sources/k" .. math.random(0, keys - 1)
    if writes > 0 and math.random(1, 100) <= writes then
        local body = '{"allowed":true,"n":' .. counter .. '}'
        return wrk.format("PUT", path, {["Content-Type"] = "application/json"}, body)
    end
    return wrk.format("GET", path)
end
