--- Ghost text with extmarks for Neovims without vim.lsp.inline_completion (before 0.12):
--- the same textDocument/inlineCompletion request, shown as virtual text, cycled and accepted.
local M = {}

M.namespace = vim.api.nvim_create_namespace('lsp_codegen.ghost')
local DEBOUNCE_MS = 200

--- @class lsp_codegen.GhostState
--- @field client_id integer
--- @field items table[] LSP InlineCompletionItems, best first
--- @field index integer the shown item (1-based)
--- @field tick integer the buffer's changedtick the items were computed for
--- @field timer? uv.uv_timer_t

--- @type table<integer, lsp_codegen.GhostState>
local states = {}

--- The byte column of an LSP position in the client's encoding.
local function byte_col(bufnr, position, encoding)
  local ok, col = pcall(vim.lsp.util._get_line_byte_from_position, bufnr, position, encoding)
  return ok and col or position.character
end

--- Remove the ghost text (the items stay until the next request).
--- @param bufnr integer
function M.clear(bufnr)
  vim.api.nvim_buf_clear_namespace(bufnr, M.namespace, 0, -1)
end

--- Draw the current item at its range's start: first line inline, the rest below.
--- @param bufnr integer
function M.show(bufnr)
  M.clear(bufnr)
  local state = states[bufnr]
  local item = state and state.items[state.index]
  if not item then
    return
  end
  local client = vim.lsp.get_client_by_id(state.client_id)
  local text = type(item.insertText) == 'string' and item.insertText or item.insertText.value
  local lines = vim.split(text, '\n', { plain = true })
  local hint = #state.items > 1 and (' (%d/%d)'):format(state.index, #state.items) or ''
  local virt_lines = {}
  for i = 2, #lines do
    virt_lines[#virt_lines + 1] = { { lines[i] .. (i == #lines and hint or ''), 'Comment' } }
  end
  local start = item.range and item.range.start or nil
  local row = start and start.line or vim.api.nvim_win_get_cursor(0)[1] - 1
  local col = start and byte_col(bufnr, start, client and client.offset_encoding or 'utf-16')
    or vim.api.nvim_win_get_cursor(0)[2]
  vim.api.nvim_buf_set_extmark(bufnr, M.namespace, row, col, {
    virt_text = { { lines[1] .. (#lines == 1 and hint or ''), 'Comment' } },
    virt_text_pos = 'inline',
    virt_lines = virt_lines,
  })
end

--- Ask the server for inline completions at the cursor.
--- @param bufnr integer
function M.request(bufnr)
  local state = states[bufnr]
  local client = state and vim.lsp.get_client_by_id(state.client_id)
  if not client then
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.context = { triggerKind = 2 } -- Automatic
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  client:request('textDocument/inlineCompletion', params, function(err, result)
    if err or not result or vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      return -- a stale answer (the user typed since) is never shown
    end
    state.items = result.items or result
    state.index = 1
    state.tick = tick
    M.show(bufnr)
  end, bufnr)
end

local function debounced_request(bufnr)
  local state = states[bufnr]
  M.clear(bufnr)
  if state.timer then
    state.timer:stop()
    state.timer:close()
  end
  state.timer = vim.defer_fn(function()
    state.timer = nil
    M.request(bufnr)
  end, DEBOUNCE_MS)
end

--- Request on entering insert mode and as the cursor moves; clear on leaving.
--- @param client vim.lsp.Client
--- @param bufnr integer
function M.attach(client, bufnr)
  states[bufnr] = { client_id = client.id, items = {}, index = 1, tick = -1 }
  local group = vim.api.nvim_create_augroup('lsp_codegen_ghost_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'InsertEnter', 'CursorMovedI', 'TextChangedI' }, {
    group = group,
    buffer = bufnr,
    callback = function() debounced_request(bufnr) end,
  })
  vim.api.nvim_create_autocmd('InsertLeave', {
    group = group,
    buffer = bufnr,
    callback = function() M.clear(bufnr) end,
  })
end

--- Show the candidate `step` places away, wrapping around.
--- @param bufnr integer
--- @param step integer
function M.select(bufnr, step)
  local state = states[bufnr]
  if not state or #state.items == 0 then
    return
  end
  state.index = (state.index - 1 + step) % #state.items + 1
  M.show(bufnr)
end

--- Insert the shown candidate and tell the server it was accepted; false if none is shown.
--- @param bufnr integer
--- @return boolean
function M.accept(bufnr)
  local state = states[bufnr]
  local item = state and state.items[state.index]
  local client = state and vim.lsp.get_client_by_id(state.client_id)
  if not item or not client or vim.api.nvim_buf_get_changedtick(bufnr) ~= state.tick then
    return false
  end
  local text = type(item.insertText) == 'string' and item.insertText or item.insertText.value
  local cursor = vim.api.nvim_win_get_cursor(0)
  local range = item.range
    or { start = { line = cursor[1] - 1, character = cursor[2] }, ['end'] = { line = cursor[1] - 1, character = cursor[2] } }
  M.clear(bufnr)
  state.items = {}
  vim.lsp.util.apply_text_edits({ { range = range, newText = text } }, bufnr, client.offset_encoding)
  local lines = vim.split(text, '\n', { plain = true })
  local row = range.start.line + #lines
  local col = #lines == 1 and byte_col(bufnr, range.start, client.offset_encoding) + #lines[1] or #lines[#lines]
  pcall(vim.api.nvim_win_set_cursor, 0, { row, col })
  if item.command then
    client:request('workspace/executeCommand', {
      command = item.command.command,
      arguments = item.command.arguments,
    }, function() end, bufnr)
  end
  return true
end

--- The items and the shown index for a buffer (for tests and statuslines).
--- @param bufnr integer
function M.state(bufnr)
  return states[bufnr]
end

return M
