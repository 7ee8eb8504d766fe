-- wrk script: POST /v1/requests with a new Idempotency-Key on every request (per thread
-- prefix + counter), the same ~300 B document request.
local counter = 0
local prefix = tostring(math.random(1, 1000000000))
local body = '{"source":"crm","documentType":"invoice","data":{"customer":42,"lines":[{"sku":"A-1","qty":2,"price":12.10},{"sku":"B-7","qty":1,"price":99.00}]},"recipient":{"email":"alice@example.com"},"correlationId":"bench"}'

request = function()
    counter = counter + 1
    return wrk.format("POST", "/v1/requests", {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. "-" .. counter}, body)
end
