-- Shared by the headless scripts: a coroutine that yields to Neovim's main loop while it
-- waits (so typed keys and autocommands happen as they do for a user), checks, and an exit
-- code (0 when `main` returns, 1 on any error).
local H = {}

H.TIMEOUT = 60000
local start = vim.uv.hrtime() / 1e9
local resume

function H.log(message)
  io.stdout:write(('[%6.2f s] %s\n'):format(vim.uv.hrtime() / 1e9 - start, message))
end

function H.env(name)
  return assert(os.getenv(name), name .. ' is not set: run through tests/editors/test_neovim.py')
end

--- The server's settings from $LSP_CODEGEN_SETTINGS (JSON, e.g. '{"numCandidates": 8}'), to
--- compare two settings by hand; nil (the defaults) when it is not set.
function H.settings()
  local settings = os.getenv('LSP_CODEGEN_SETTINGS')
  return settings and vim.json.decode(settings) or nil
end

--- Let Neovim's main loop run for `ms` while the script's coroutine sleeps.
function H.sleep(ms)
  local co = coroutine.running()
  vim.defer_fn(function() resume(co) end, ms)
  coroutine.yield()
end

function H.wait_for(what, condition, timeout)
  local deadline = vim.uv.hrtime() / 1e6 + (timeout or H.TIMEOUT)
  while not condition() do
    if vim.uv.hrtime() / 1e6 > deadline then
      error('timed out waiting for ' .. what, 2)
    end
    H.sleep(20)
  end
end

function H.check(condition, message)
  if not condition then
    error('check failed: ' .. message, 2)
  end
end

local function fail(message)
  io.stderr:write(tostring(message) .. '\n')
  vim.cmd('cquit 1')
end

resume = function(co)
  local ok, err = coroutine.resume(co)
  if not ok then
    fail(debug.traceback(co, tostring(err)))
  end
end

local function finish(ok, err)
  if not ok then
    fail(err)
  end
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  H.wait_for('the servers to stop', function() return #vim.lsp.get_clients() == 0 end, 5000)
  vim.cmd('qall!')
end

--- Run `main` in the coroutine; quit Neovim when it ends.
function H.run(main)
  resume(coroutine.create(function() finish(xpcall(main, debug.traceback)) end))
end

return H
