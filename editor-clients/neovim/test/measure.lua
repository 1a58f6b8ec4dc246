-- Time from opening a file to the first inline suggestion, with the `model` setting left at
-- its default (the embedded gemma-3-270m). Not part of `make test` (it loads the real model):
--   LSP_CODEGEN_PYTHON=.venv/bin/python .venv/bin/nvim --headless -u NONE -i NONE -n \
--     -S editor-clients/neovim/test/measure.lua
-- The first run on a machine also converts the model once (~70 s, cached in ~/.cache/lsp-codegen).

local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.rtp:prepend(vim.fs.dirname(here))
vim.cmd('filetype on')
local H = dofile(vim.fs.joinpath(here, 'harness.lua'))

local SOURCE = {
  '# Return the sum of the squares of the numbers in xs.',
  'def sum_of_squares(xs):',
  '',
  '',
  'print(sum_of_squares([1, 2, 3]))',
}

local function seconds_since(t0)
  return (vim.uv.hrtime() - t0) / 1e9
end

local function main()
  local plugin = require('lsp_codegen')
  H.check(plugin.setup({ cmd = { H.env('LSP_CODEGEN_PYTHON'), '-m', 'lsp_codegen', 'serve', '--stdio' } }), 'setup')
  local path = vim.fs.joinpath(vim.fn.tempname() .. '-squares.py')
  vim.fn.writefile(SOURCE, path)
  local t0 = vim.uv.hrtime()
  vim.cmd.edit(path) -- the clock starts as the file is opened
  local bufnr = vim.api.nvim_get_current_buf()
  H.wait_for('attach', function() return plugin.client(bufnr) ~= nil end)
  H.log(('attached after %.2f s'):format(seconds_since(t0)))
  -- The user goes to the empty body and starts insert mode (inline completion asks from here).
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  vim.api.nvim_feedkeys('i', 'n', false)
  local namespace = vim.api.nvim_get_namespaces()['nvim.lsp.inline_completion']
  H.wait_for('the first suggestion', function()
    return #vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, {}) > 0
  end, 600000)
  local first = seconds_since(t0)
  local mark = vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, { details = true })[1][4]
  local status = plugin.status(bufnr) or {}
  H.log(('first inline suggestion after %.2f s: %q (+%d more lines)'):format(
    first, mark.virt_text[1][1], #(mark.virt_lines or {})))
  H.log(('model %s on %s, engine status: %s'):format(tostring(status.model), tostring(status.device),
    vim.inspect({ generations = status.generations, decodeSteps = status.decodeSteps })))
end

H.run(main)
