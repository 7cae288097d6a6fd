-- wrk script: POST a 50-turn conversation resent with one new last message per request
-- (PREFIX and SUFFIX files from bodies.py), in one session, as an agent does every turn.
local function read(name)
  local file = io.open(os.getenv(name), "rb")
  local text = file:read("*a")
  file:close()
  return text
end
local prefix = read("PREFIX")
local suffix = read("SUFFIX")
local counter = 0
request = function()
  counter = counter + 1
  local body = prefix .. "new question number " .. counter .. suffix
  return wrk.format("POST", "/v1/chat/completions",
    { ["Content-Type"] = "application/json", ["x-session-id"] = "bench-conversation" }, body)
end
