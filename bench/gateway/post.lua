-- wrk script: POST the file in BODY (environment) as JSON with a session header.
local file = io.open(os.getenv("BODY"), "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-session-id"] = "bench"
