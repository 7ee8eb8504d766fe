-- wrk script: POST the file $BODY_FILE with Content-Type $CONTENT_TYPE (and SOAPAction
-- $SOAP_ACTION when set) on every request.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
local action = os.getenv("SOAP_ACTION")
if action and #action > 0 then wrk.headers["SOAPAction"] = action end
