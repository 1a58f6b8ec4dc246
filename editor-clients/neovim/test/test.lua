-- A real headless Neovim drives the real server through the plugin:
--   nvim --headless -u NONE -i NONE -n -S editor-clients/neovim/test/test.lua
-- The checks run in a coroutine that yields to Neovim's main loop while it waits, so typed
-- keys (insert mode, <Esc>) and autocommands happen as they do for a user.
-- Environment: LSP_CODEGEN_PYTHON (the Python with lsp_codegen installed) and
-- LSP_CODEGEN_TEST_MODEL (a tiny model folder; tests/editors/test_neovim.py builds one that
-- writes `    return 1` or `    return 2` lines). A failed check exits with code 1.

local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.rtp:prepend(vim.fs.dirname(here))
vim.cmd('filetype on')

local H = dofile(vim.fs.joinpath(here, 'harness.lua'))
local log, env, wait_for, check = H.log, H.env, H.wait_for, H.check
local SOURCE = { '# Return one.', '# one() == 1', 'def one():', '' }
local BODY = '^    return [12]$'

--- Open a new Python file with the comment prompt and wait for the server to attach.
local function open_prompt(dir, name)
  local path = vim.fs.joinpath(dir, name)
  vim.fn.writefile(SOURCE, path)
  vim.cmd.edit(path)
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'python', 'filetype is python, got ' .. vim.bo[bufnr].filetype)
  wait_for('lsp-codegen to attach', function() return require('lsp_codegen').client(bufnr) ~= nil end)
  return bufnr
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

--- The ghost text the extmarks in `namespace` show: the lines, and the "(i/n)" hint if any.
local function ghost_text(bufnr, namespace)
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, { details = true })
  if #marks == 0 then
    return nil
  end
  local details, shown = marks[1][4], {}
  local rows = { details.virt_text or {} }
  vim.list_extend(rows, details.virt_lines or {})
  for _, chunks in ipairs(rows) do
    local text = ''
    for _, chunk in ipairs(chunks) do
      text = text .. chunk[1]
    end
    shown[#shown + 1] = text
  end
  local last = shown[#shown]
  local hint = last:match(' %((%d+/%d+)%)$')
  shown[#shown] = hint and last:gsub(' %(%d+/%d+%)$', '') or last
  return shown, hint
end

--- Insert mode at the empty body line: the plugin (or Neovim) asks for inline completions.
local function insert_at_body()
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  vim.api.nvim_feedkeys('i', 'n', false)
  wait_for('insert mode', function() return vim.api.nvim_get_mode().mode == 'i' end, 5000)
end

local function leave_insert()
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<Esc>', true, false, true), 'n', false)
  wait_for('normal mode', function() return vim.api.nvim_get_mode().mode == 'n' end, 5000)
end

--- Ghost text appears, cycles through the candidates, and is accepted into the buffer.
local function check_inline(bufnr, namespace, label)
  insert_at_body()
  local shown, hint
  wait_for(label .. ' ghost text', function()
    shown, hint = ghost_text(bufnr, namespace)
    return shown ~= nil and shown[1]:match('return') ~= nil
  end)
  log(('%s ghost text: %q %s'):format(label, table.concat(shown, '\\n'), hint or ''))
  check(shown[1]:match('return [12]') ~= nil, 'the ghost text is the model line, got ' .. shown[1])
  check(hint == nil or hint:match('^1/%d+$') ~= nil, 'the first candidate is shown: ' .. tostring(hint))
  local plugin = require('lsp_codegen')
  plugin.select(1)
  local _, second = ghost_text(bufnr, namespace)
  check(second and second:match('^2/%d+$') ~= nil, 'next candidate shows 2/n, got ' .. tostring(second))
  plugin.select(-1)
  shown, hint = ghost_text(bufnr, namespace)
  check(hint and hint:match('^1/') ~= nil, 'previous goes back to 1/n, got ' .. tostring(hint))
  check(plugin.accept(), 'accept() finds a suggestion')
  wait_for(label .. ' accepted text', function() return (lines(bufnr)[4] or ''):match(BODY) ~= nil end, 5000)
  local body = vim.list_slice(lines(bufnr), 4, 3 + #shown)
  check(vim.deep_equal(body, shown), ('the buffer holds the shown text: %s vs %s'):format(
    vim.inspect(body), vim.inspect(shown)))
  check(vim.tbl_isempty(vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, {})), 'ghost text gone after accept')
  leave_insert()
  log(label .. ' accepted: ' .. vim.inspect(body))
end

--- A built-in inline item applies only while what was typed since is the start of it.
local function check_stale_item(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { 'def f(s):', '    words ' })
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  vim.api.nvim_feedkeys('A', 'n', false) -- insert mode at the end of the line, as when typing
  wait_for('insert mode', function() return vim.api.nvim_get_mode().mode == 'i' end, 5000)
  local asked_at = vim.range(1, 4, 1, 4) -- the item was asked for before `words ` was typed
  require('lsp_codegen').apply_if_current({ insert_text = '"""', range = asked_at })
  check(lines(bufnr)[2] == '    words ', 'a stale item is not applied, got ' .. lines(bufnr)[2])
  require('lsp_codegen').apply_if_current({ insert_text = 'words = s.split()', range = asked_at })
  check(lines(bufnr)[2] == '    words = s.split()', 'a current one is, got ' .. lines(bufnr)[2])
  leave_insert()
  log('a stale inline item is not applied, a current one is')
end

--- After an inline answer, last_summary() says what became of it and :LspCodegenWhy shows
--- the server's trace in a floating window that q closes.
local function check_why(bufnr, namespace)
  local plugin = require('lsp_codegen')
  insert_at_body()
  wait_for('ghost text to explain', function() return ghost_text(bufnr, namespace) ~= nil end)
  leave_insert()
  local summary, status
  wait_for('the last summary', function()
    summary, status = plugin.last_summary(bufnr)
    return summary ~= nil
  end, 10000)
  check(status == 'shown' and summary:match('^shown: %d+ suggestions? of %d+ candidates?$') ~= nil,
    'last_summary() of a shown answer, got ' .. tostring(summary) .. ' / ' .. tostring(status))
  vim.cmd('LspCodegenWhy')
  wait_for('the why window', function() return vim.bo.filetype == 'lsp_codegen_why' end, 10000)
  local shown = lines(0)
  check(vim.api.nvim_win_get_config(0).relative == 'editor', 'the trace is in a floating window')
  check(shown[1] == summary, ('the first line is the summary %q, got %q'):format(summary, shown[1]))
  check(vim.tbl_contains(shown, 'stages:'), 'the trace lists its stages:\n' .. table.concat(shown, '\n'))
  log(':LspCodegenWhy shows:\n' .. table.concat(shown, '\n'))
  vim.api.nvim_feedkeys('q', 'x', false)
  check(vim.api.nvim_get_current_buf() == bufnr, 'q closes the window and returns to the code')
end

--- An empty inline answer: a statusline built on last_summary() (as docs/editors.md shows)
--- names the gate that dropped the candidates.
local function check_empty_summary(bufnr)
  function _G.codegen_why()
    local summary, status = require('lsp_codegen').last_summary()
    return status == 'empty' and summary or ''
  end
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { 'def f():', '    x = ' }) -- `return` cannot follow
  vim.api.nvim_win_set_cursor(0, { 2, 0 })
  vim.api.nvim_feedkeys('A', 'n', false)
  local statusline
  wait_for('the statusline to say why nothing was shown', function()
    statusline = vim.api.nvim_eval_statusline('%{v:lua.codegen_why()}', { maxwidth = 300 }).str
    return statusline ~= ''
  end)
  leave_insert()
  check(statusline:match('^nothing shown: %d+ candidates?, .*rejected by syntax') ~= nil, 'got ' .. statusline)
  log('last_summary() after an empty answer: ' .. statusline)
end

--- The code actions keymap answers at once (the candidates are written meanwhile);
--- :LspCodegenCandidates lists them once written; the keymap again lists them, and
--- choosing the best writes `return 1`.
local function check_code_actions(bufnr)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local titles, listed
  local choose = nil
  vim.ui.select = function(items, opts, on_choice)
    titles = vim.tbl_map(function(item) return opts.format_item(item) end, items)
    for i, item in ipairs(items) do
      local title = item.action and item.action.title or item.title
      if choose and title:match(choose) then
        return on_choice(item, i)
      end
    end
    on_choice(nil)
  end
  local plugin = require('lsp_codegen')
  local started = vim.uv.hrtime()
  plugin.code_actions()
  wait_for('the code action menu', function() return titles ~= nil end)
  log(('first menu in %.0f ms: %s'):format((vim.uv.hrtime() - started) / 1e6, vim.inspect(titles)))
  check(vim.tbl_contains(titles, 'Generate code from comment'), 'the generate action is offered')
  check(#vim.tbl_filter(function(t) return t:match('^Candidate ') ~= nil end, titles) == 0,
    'the first menu does not wait for the candidates')
  titles = nil
  plugin.candidates()
  wait_for(':LspCodegenCandidates', function() return titles ~= nil end)
  listed = titles
  log(':LspCodegenCandidates listed: ' .. vim.inspect(listed))
  check(#listed >= 2, 'several candidates are listed')
  check(listed[1]:match('^Candidate 1/%d+: ✓ 1/1 example') ~= nil, 'the best passes the example: ' .. listed[1])
  titles, choose = nil, '^Candidate 1/'
  plugin.code_actions()
  wait_for('the code action edit', function() return lines(bufnr)[4] == '    return 1' end)
  local candidates = vim.tbl_filter(function(t) return t:match('^Candidate %d+/%d+: ') ~= nil end, titles)
  check(vim.deep_equal(candidates, listed), 'the second menu lists the same candidates')
end

--- :LspCodegenGenerate applies "Generate code from comment" (resolved by the server).
local function check_generate_command(bufnr)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('LspCodegenGenerate')
  wait_for('the generated body', function() return lines(bufnr)[4] == '    return 1' end)
  check(vim.deep_equal(vim.list_slice(lines(bufnr), 1, 3), vim.list_slice(SOURCE, 1, 3)), 'the prompt is untouched')
  log(':LspCodegenGenerate wrote: ' .. vim.inspect(vim.list_slice(lines(bufnr), 4)))
end

--- update_settings() reaches the running server (workspace/didChangeConfiguration).
local function check_settings_change()
  local plugin = require('lsp_codegen')
  plugin.update_settings({ numCandidates = 2 })
  wait_for('the changed setting', function()
    local status = plugin.status()
    return status ~= nil and status.settings.numCandidates == 2
  end, 5000)
  log('update_settings({ numCandidates = 2 }) applied by the server')
end

local function check_health()
  vim.cmd('checkhealth lsp_codegen')
  local report = table.concat(lines(0), '\n')
  check(report:match('OK server command:') ~= nil, 'health reports the command:\n' .. report)
  check(report:match('OK model: .* on cpu') ~= nil, 'health reports the loaded model:\n' .. report)
  log('checkhealth lsp_codegen:\n' .. report)
end

local function main()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local plugin = require('lsp_codegen')
  check(plugin.setup({
    cmd = { env('LSP_CODEGEN_PYTHON'), '-m', 'lsp_codegen', 'serve', '--stdio' },
    settings = { model = env('LSP_CODEGEN_TEST_MODEL'), maxNewTokens = 16, numCandidates = 8, temperature = 1.0 },
  }), 'setup starts the server')
  local first = open_prompt(dir, 'native.py')
  wait_for('the model to load', function()
    local status = plugin.status(first)
    check(not (status and status.error ~= vim.NIL and status.error), 'model error: ' .. vim.inspect(status))
    return status ~= nil and status.ready == true
  end)
  log('server attached, model ready (Neovim ' .. tostring(vim.version()) .. ')')
  check(plugin.inline_mode() == 'native', 'Neovim 0.12 uses its built-in inline completion')
  check_inline(first, vim.api.nvim_get_namespaces()['nvim.lsp.inline_completion'], 'native')
  check_stale_item(first)
  plugin.config.inline = 'ghost' -- the fallback for Neovim < 0.12, on the next buffer
  check_inline(open_prompt(dir, 'ghost.py'), require('lsp_codegen.ghost').namespace, 'extmark')
  local why = open_prompt(dir, 'why.py')
  check_why(why, require('lsp_codegen.ghost').namespace)
  check_empty_summary(why)
  check_code_actions(open_prompt(dir, 'actions.py'))
  check_generate_command(open_prompt(dir, 'generate.py'))
  check_settings_change()
  check_health()
  log('all checks passed')
end

H.run(main)
