-- wrk script: GET /refdata/v1/sources/k<N> for a random N below $KEYS (default 100); with
-- $WRITE_PERCENT > 0, that share of requests are PUTs of a new value to a random key. Each
-- carries `Authorization: Bearer $TOKEN` when TOKEN is set.
local keys = tonumber(os.getenv("KEYS") or "100")
local writes = tonumber(os.getenv("WRITE_PERCENT") or "0")
local counter = 0
local token = os.getenv("TOKEN")
local function headers(extra)
    local all = extra or {}
    if token then all["Authorization"] = "Bearer " .. token end
    return all
end

request = function()
    counter = counter + 1
    local path = "/refdata/v1/sources/k" .. math.random(0, keys - 1)
    if writes > 0 and math.random(1, 100) <= writes then
        local body = '{"allowed":true,"n":' .. counter .. '}'
        return wrk.format("PUT", path, headers({["Content-Type"] = "application/json"}), body)
    end
    return wrk.format("GET", path, headers())
end
