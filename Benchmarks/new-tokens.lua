-- wrk script: every request carries the next token from a file (one per line), so each
-- request is the first sight of its token (local verify + an OIDM call).
local tokens = {}
local next_index = 0

function init(args)
    for line in io.lines(args[1]) do
        tokens[#tokens + 1] = line
    end
    io.write(string.format("tokens available: %d\n", #tokens))
end

function request()
    next_index = next_index + 1
    local token = tokens[(next_index - 1) % #tokens + 1]
    return wrk.format("GET", "/v1/documents", { ["Authorization"] = "Bearer " .. token })
end
