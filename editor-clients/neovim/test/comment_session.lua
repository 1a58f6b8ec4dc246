-- Comment-to-code as a user does it, in a real headless Neovim 0.12 with the embedded model:
--   LSP_CODEGEN_PYTHON=.venv/bin/python nvim --headless -u NONE -i NONE -n \
--     -S editor-clients/neovim/test/comment_session.lua
-- On a comment with an example, and on one without: the code-action menu (twice, as a
-- user presses it again), :LspCodegenCandidates, :LspCodegenGenerate — logging what each
-- showed and after how long. Nothing is checked: it prints what a user would see.
-- LSP_CODEGEN_SETTINGS (JSON) sets the server's settings, e.g. to compare two of them.

local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.rtp:prepend(vim.fs.dirname(here))
vim.cmd('filetype on')

local H = dofile(vim.fs.joinpath(here, 'harness.lua'))
local log, env, wait_for, check, sleep = H.log, H.env, H.wait_for, H.check, H.sleep

local PROMPTS = {
  { '# Return the product of the numbers in xs.', '# product([2, 3]) == 6', 'def product(xs):', '' },
  { '# Return the sum of the squares of the numbers in xs.', 'def sum_squares(xs: list[int]) -> int:', '' },
}

--- Titles a vim.ui.select would list, and the milliseconds until it was asked.
local function listed(open)
  local titles, started = nil, vim.uv.hrtime()
  vim.ui.select = function(items, opts, on_choice)
    titles = vim.tbl_map(function(item) return opts.format_item(item) end, items)
    on_choice(nil)
  end
  open()
  wait_for('a list', function() return titles ~= nil end, 120000)
  return titles, (vim.uv.hrtime() - started) / 1e6
end

local function show(what, titles, ms)
  log(('%s in %.0f ms:\n    %s'):format(what, ms, table.concat(titles, '\n    ')))
end

local function session(plugin, lines)
  local path = vim.fn.tempname() .. '.py'
  vim.fn.writefile(lines, path)
  vim.cmd.edit(path)
  local bufnr = vim.api.nvim_get_current_buf()
  wait_for('lsp-codegen to attach', function() return plugin.client(bufnr) ~= nil end)
  wait_for('the model to load', function()
    local status = plugin.status(bufnr)
    return status ~= nil and status.ready == true
  end, 600000)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  show('code-action menu', listed(plugin.code_actions))
  sleep(500)
  show('the menu again, 0.5 s later', listed(plugin.code_actions))
  show(':LspCodegenCandidates', listed(plugin.candidates))
  show('the menu once they are written', listed(plugin.code_actions))
  local trace
  plugin.last_completion(bufnr, 'codeAction', function(found) trace = found or {} end)
  wait_for('the trace', function() return trace ~= nil end, 10000)
  log('its trace (:LspCodegenWhy):\n' .. tostring(trace.text))
  local started = vim.uv.hrtime()
  vim.cmd('LspCodegenGenerate')
  wait_for('the generated code', function() return vim.api.nvim_buf_line_count(bufnr) > #lines end, 120000)
  log(('LspCodegenGenerate wrote, in %.0f ms:\n%s'):format((vim.uv.hrtime() - started) / 1e6,
    table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')))
  vim.cmd('silent! undo')
end

local function main()
  local plugin = require('lsp_codegen')
  check(plugin.setup({
    cmd = { env('LSP_CODEGEN_PYTHON'), '-m', 'lsp_codegen', 'serve', '--stdio' },
    settings = H.settings(),
  }), 'setup starts the server')
  for _, lines in ipairs(PROMPTS) do
    session(plugin, lines)
  end
end

H.run(main)
