--- lsp-codegen for Neovim: starts `lsp-codegen serve --stdio` with vim.lsp, shows inline
--- completions (Neovim's own on 0.12+, extmark ghost text before), and maps keys to accept,
--- cycle and run the code actions.
local M = {}

M.name = 'lsp_codegen'

--- @class lsp_codegen.Keymaps
--- @field accept string|false insert mode: accept the shown suggestion
--- @field next string|false insert mode: next candidate
--- @field prev string|false insert mode: previous candidate
--- @field actions string|false normal mode: lsp-codegen's code actions (every candidate)

--- @class lsp_codegen.Config
--- @field cmd? string[] the server command; nil: the project's .venv, else `lsp-codegen` on PATH
--- @field filetypes string[]
--- @field root_markers string[]
--- @field settings table server settings, camelCase as in docs/settings.md (sent at start)
--- @field inline 'auto'|'native'|'ghost'|false auto: native on 0.12+, ghost text before
--- @field keymaps lsp_codegen.Keymaps
M.defaults = {
  cmd = nil,
  filetypes = { 'python', 'javascript', 'typescript', 'go', 'rust', 'c', 'cpp', 'lua' },
  root_markers = { '.git', 'pyproject.toml', 'package.json', 'go.mod', 'Cargo.toml' },
  settings = {},
  inline = 'auto',
  keymaps = { accept = '<M-l>', next = '<M-]>', prev = '<M-[>', actions = '<leader>cg' },
}

--- @type lsp_codegen.Config
M.config = vim.deepcopy(M.defaults)

--- The server command: the configured one, the project's virtualenv, or PATH.
--- @param cmd? string[]
--- @return string[]? cmd, string? why_not
function M.resolve_cmd(cmd)
  if cmd then
    if vim.fn.executable(cmd[1]) == 1 then
      return cmd
    end
    return nil, ('%s is not executable (the `cmd` option of lsp_codegen.setup)'):format(cmd[1])
  end
  for _, venv in ipairs({ '.venv', 'venv' }) do
    local exe = vim.fs.joinpath(vim.fn.getcwd(), venv, 'bin', 'lsp-codegen')
    if vim.fn.executable(exe) == 1 then
      return { exe, 'serve', '--stdio' }
    end
  end
  if vim.fn.executable('lsp-codegen') == 1 then
    return { 'lsp-codegen', 'serve', '--stdio' }
  end
  return nil, 'lsp-codegen was found neither in ./.venv/bin nor on PATH'
end

--- Whether Neovim has built-in inline completion (0.12+).
function M.has_native_inline()
  return vim.lsp.inline_completion ~= nil
end

--- The inline mode this Neovim uses under the configuration.
--- @return 'native'|'ghost'|false
function M.inline_mode()
  local mode = M.config.inline
  if mode == 'auto' then
    return M.has_native_inline() and 'native' or 'ghost'
  end
  return mode
end

--- lsp-codegen's client for a buffer, if attached.
--- @param bufnr? integer
--- @return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = M.name })[1]
end

--- Apply a built-in inline item only while the text typed since it was asked for is the
--- start of it. Neovim shows an item until the next answer arrives and applies it where it
--- was asked: after other typing that would put it in the wrong place (`"""words`).
--- @param item vim.lsp.inline_completion.Item
function M.apply_if_current(item)
  local text, range = item.insert_text, item.range
  if type(text) ~= 'string' then
    return vim.snippet.expand(text.value)
  end
  if not range then
    return vim.api.nvim_paste(text, false, -1)
  end
  local row, col = range.start.row, range.start.col
  local cursor = vim.api.nvim_win_get_cursor(0)
  if cursor[1] - 1 ~= row or cursor[2] < col then
    return -- the cursor left the line it was asked on: stale
  end
  local typed = vim.api.nvim_buf_get_text(0, row, col, row, cursor[2], {})[1]
  if text:sub(1, #typed) ~= typed then
    return -- typed since, and not what it suggests: stale, nothing is inserted
  end
  local lines = vim.split(text, '\n', { plain = true })
  vim.api.nvim_buf_set_text(0, row, col, row, math.max(range.end_.col, cursor[2]), lines)
  local last = #lines == 1 and col + #lines[1] or #lines[#lines]
  vim.api.nvim_win_set_cursor(0, { row + #lines, last })
end

--- Accept the shown inline suggestion; false when there is none.
function M.accept()
  if M.inline_mode() == 'native' then
    return vim.lsp.inline_completion.get({ on_accept = M.apply_if_current })
  end
  return require('lsp_codegen.ghost').accept(vim.api.nvim_get_current_buf())
end

--- Show the candidate `step` places away (negative: back).
--- @param step integer
function M.select(step)
  if M.inline_mode() == 'native' then
    vim.lsp.inline_completion.select({ count = step })
  else
    require('lsp_codegen.ghost').select(vim.api.nvim_get_current_buf(), step)
  end
end

--- lsp-codegen's code actions at the cursor, at once (asked explicitly: on a comment prompt
--- this starts writing the candidates, and asking again once they are written lists them).
--- @param opts? {apply?: boolean, match?: string} `match`: a Lua pattern the title must match
function M.code_actions(opts)
  opts = opts or {}
  vim.lsp.buf.code_action({
    apply = opts.apply,
    filter = function(action, client_id)
      local client = client_id and vim.lsp.get_client_by_id(client_id)
      local ours = client == nil or client.name == M.name
      return ours and (opts.match == nil or action.title:match(opts.match) ~= nil)
    end,
  })
end

--- :LspCodegenCandidates: every candidate for the comment prompt at the cursor, best first
--- with its evidence, in vim.ui.select once the server has written and checked them (the
--- code-action menu never waits for them); the chosen one is applied.
--- @param bufnr? integer
function M.candidates(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    return vim.notify('lsp-codegen is not attached to this buffer', vim.log.levels.WARN)
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local params = {
    command = 'lsp-codegen.commentCandidates',
    arguments = { { uri = vim.uri_from_bufnr(bufnr), line = line } },
  }
  vim.notify('lsp-codegen: writing and checking the candidates…')
  client:request('workspace/executeCommand', params, function(err, actions)
    if err or type(actions) ~= 'table' or #actions == 0 then
      local why = err and err.message or 'the model wrote no usable candidate'
      return vim.notify('lsp-codegen: ' .. why, err and vim.log.levels.ERROR or vim.log.levels.INFO)
    end
    local prompt = { prompt = 'lsp-codegen candidates, best first', format_item = function(a) return a.title end }
    vim.ui.select(actions, prompt, function(choice)
      if choice then
        M.apply_action(client, choice, bufnr)
      end
    end)
  end, bufnr)
end

--- Apply a code action of lsp-codegen's: its edit, resolved first when the server left it out.
--- @param client vim.lsp.Client
--- @param action table
--- @param bufnr integer
function M.apply_action(client, action, bufnr)
  if action.edit then
    return vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  client:request('codeAction/resolve', action, function(err, resolved)
    if err or not resolved or not resolved.edit then
      local why = err and err.message or 'the server returned no edit'
      return vim.notify('lsp-codegen: ' .. why, vim.log.levels.ERROR)
    end
    vim.lsp.util.apply_workspace_edit(resolved.edit, client.offset_encoding)
  end, bufnr)
end

--- Commands that run one of the server's actions at the cursor, by title.
M.actions = {
  LspCodegenGenerate = { '^Generate code from comment', 'generate code from the comment at the cursor' },
  LspCodegenOptimize = { '^Optimize', 'verified faster rewrites of the function at the cursor' },
  LspCodegenExplain = { '^Explain$', 'explain the function at the cursor in a comment' },
  LspCodegenWriteTests = { '^Write tests', 'passing tests for the function at the cursor' },
}

--- Settings as a JSON object even when empty (an empty Lua table would be sent as []).
local function settings_object()
  return next(M.config.settings) and M.config.settings or vim.empty_dict()
end

--- Send new server settings (merged into the current ones) to every running server.
--- @param settings table
function M.update_settings(settings)
  M.config.settings = vim.tbl_deep_extend('force', M.config.settings, settings)
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    client:notify('workspace/didChangeConfiguration', { settings = { lspCodegen = settings_object() } })
  end
end

--- The server's engine status (model, device, counters, settings), synchronously.
--- @param bufnr? integer
--- @return table?
function M.status(bufnr)
  local client = M.client(bufnr)
  if not client then
    return nil
  end
  local params = { command = 'lsp-codegen.engineStatus', arguments = {} }
  local response = client:request_sync('workspace/executeCommand', params, 5000, bufnr or 0)
  return response and response.result
end

--- The trace of the last request for a buffer (`lsp-codegen.lastCompletion`), asynchronously:
--- `callback(trace)` with the server's JSON (`summary`, `text`, `stages`, `candidates`,
--- `outcome`), nil when nothing was asked for the buffer yet; `callback(nil, err)` on an error.
--- @param bufnr integer
--- @param kind? 'inline'|'completion'|'codeAction' nil: the last request of any kind
--- @param callback fun(trace: table?, err: string?)
function M.last_completion(bufnr, kind, callback)
  local client = M.client(bufnr)
  if not client then
    return callback(nil, 'lsp-codegen is not attached to this buffer')
  end
  local params = {
    command = 'lsp-codegen.lastCompletion',
    arguments = { { uri = vim.uri_from_bufnr(bufnr), kind = kind } },
  }
  client:request('workspace/executeCommand', params, function(err, result)
    callback(type(result) == 'table' and result or nil, err and err.message)
  end, bufnr)
end

--- Show `lines` in a floating window; q closes it.
--- @param lines string[]
--- @param source integer the buffer the lines explain
--- @return integer bufnr, integer winid
function M.open_why(lines, source)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'lsp_codegen_why'
  vim.b[buf].lsp_codegen_why_of = source
  local width = 20
  for _, line in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(line))
  end
  width = math.min(width, vim.o.columns - 4)
  local height = math.max(1, math.min(#lines, vim.o.lines - 6))
  local win = vim.api.nvim_open_win(buf, true, {
    relative = 'editor',
    width = width,
    height = height,
    row = math.floor((vim.o.lines - height) / 2) - 1,
    col = math.floor((vim.o.columns - width) / 2),
    style = 'minimal',
    border = 'rounded',
    title = ' lsp-codegen: why (q closes) ',
    title_pos = 'center',
  })
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true, desc = 'lsp-codegen: close' })
  return buf, win
end

--- :LspCodegenWhy: the trace of the buffer's last request (what each stage took, each
--- candidate and why it was dropped), as the server renders it, in a floating window.
--- @param bufnr? integer
function M.why(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local source = vim.b[bufnr].lsp_codegen_why_of
  if source then -- asked again from the window: explain its buffer anew
    vim.api.nvim_win_close(0, true)
    bufnr = source
  end
  M.last_completion(bufnr, nil, function(trace, err)
    if err or not trace then
      local why = err or 'nothing was asked for this buffer yet: type, or ask for a suggestion, then :LspCodegenWhy'
      return vim.notify('lsp-codegen: ' .. why, err and vim.log.levels.ERROR or vim.log.levels.INFO)
    end
    local text = (tostring(trace.text or trace.summary):gsub('\n$', ''))
    M.open_why(vim.split(text, '\n', { plain = true }), bufnr)
  end)
end

--- Per buffer: inline answers seen, the last one fetched, and its summary.
--- @type table<integer, {answered: integer, fetched: integer, asking: boolean, summary?: string, status?: string}>
local summaries = {}

--- Count lsp-codegen's completed inline requests per buffer (no request of its own).
local function track_inline_answers()
  local group = vim.api.nvim_create_augroup('lsp_codegen_why', { clear = true })
  vim.api.nvim_create_autocmd('LspRequest', {
    group = group,
    callback = function(args)
      local request = args.data.request
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if request.type ~= 'complete' or request.method ~= 'textDocument/inlineCompletion' then
        return
      end
      if client and client.name == M.name then
        local state = summaries[request.bufnr] or { answered = 0, fetched = 0, asking = false }
        state.answered = state.answered + 1
        summaries[request.bufnr] = state
      end
    end,
  })
  vim.api.nvim_create_autocmd('BufWipeout', {
    group = group,
    callback = function(args) summaries[args.buf] = nil end,
  })
end

--- For a statusline: the summary of the buffer's last inline answer ("nothing shown:
--- 1 candidate, rejected by syntax", "shown: 2 suggestions of 4 candidates") and its status
--- ("shown", "empty", "cancelled", "superseded", "failed"); nil before the first answer.
--- Cheap to call on every redraw: it asks the server once per new answer, asynchronously,
--- and redraws the statuslines when the summary arrives.
--- @param bufnr? integer
--- @return string? summary, string? status
function M.last_summary(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local state = summaries[bufnr]
  if not state then
    return nil
  end
  if state.fetched < state.answered and not state.asking then
    state.asking = true
    local answered = state.answered
    vim.schedule(function() -- not from inside the statusline's evaluation
      M.last_completion(bufnr, 'inline', function(trace)
        state.asking, state.fetched = false, answered
        state.summary = trace and trace.summary or nil
        state.status = trace and type(trace.outcome) == 'table' and trace.outcome.status or nil
        vim.cmd('redrawstatus!')
      end)
    end)
  end
  return state.summary, state.status
end

local function map(mode, lhs, rhs, bufnr, desc)
  if lhs then
    vim.keymap.set(mode, lhs, rhs, { buffer = bufnr, desc = 'lsp-codegen: ' .. desc })
  end
end

--- @param client vim.lsp.Client
--- @param bufnr integer
local function on_attach(client, bufnr)
  local mode = M.inline_mode()
  if mode == 'native' then
    vim.lsp.inline_completion.enable(true, { bufnr = bufnr })
  elseif mode == 'ghost' then
    require('lsp_codegen.ghost').attach(client, bufnr)
  end
  local keys = M.config.keymaps
  map('i', keys.accept, M.accept, bufnr, 'accept suggestion')
  map('i', keys.next, function() M.select(1) end, bufnr, 'next candidate')
  map('i', keys.prev, function() M.select(-1) end, bufnr, 'previous candidate')
  map('n', keys.actions, M.code_actions, bufnr, 'code actions')
end

local function on_exit(code, signal)
  if code ~= 0 and vim.v.exiting == vim.NIL then
    vim.schedule(function()
      vim.notify(
        ('lsp-codegen: the server exited (code %d, signal %d). Its log: :LspLog. Check the `cmd` '
          .. 'and `settings` passed to setup(), and :checkhealth lsp_codegen'):format(code, signal),
        vim.log.levels.ERROR
      )
    end)
  end
end

local function client_config(cmd)
  return {
    cmd = cmd,
    filetypes = M.config.filetypes,
    root_markers = M.config.root_markers,
    init_options = settings_object(),
    on_attach = on_attach,
    on_exit = on_exit,
  }
end

--- Start the server on 0.10 (vim.lsp.start per buffer).
local function start_per_buffer(cmd)
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('lsp_codegen', { clear = true }),
    pattern = M.config.filetypes,
    callback = function(args)
      local config = client_config(cmd)
      config.name = M.name
      config.root_dir = vim.fs.root(args.buf, M.config.root_markers) or vim.fn.getcwd()
      vim.lsp.start(config, { bufnr = args.buf })
    end,
  })
end

local function user_commands()
  for name, action in pairs(M.actions) do
    vim.api.nvim_create_user_command(name, function()
      M.code_actions({ apply = true, match = action[1] })
    end, { desc = 'lsp-codegen: ' .. action[2] })
  end
  vim.api.nvim_create_user_command('LspCodegenActions', function()
    M.code_actions()
  end, { desc = 'lsp-codegen: every candidate and action at the cursor' })
  vim.api.nvim_create_user_command('LspCodegenCandidates', function()
    M.candidates()
  end, { desc = 'lsp-codegen: every candidate for the comment at the cursor, once written' })
  vim.api.nvim_create_user_command('LspCodegenWhy', function()
    M.why()
  end, { desc = "lsp-codegen: why the last suggestion showed what it showed (the request's trace)" })
  vim.api.nvim_create_user_command('LspCodegenStatus', function()
    print(vim.inspect(M.status() or 'lsp-codegen is not attached to this buffer'))
  end, { desc = 'lsp-codegen: the engine status' })
end

--- Configure and enable the server.
--- @param opts? lsp_codegen.Config
--- @return boolean started
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  user_commands()
  track_inline_answers()
  local cmd, why_not = M.resolve_cmd(M.config.cmd)
  M.problem = why_not
  if not cmd then
    vim.notify(
      ('lsp-codegen: %s. Install it (pip install lsp-codegen) or pass cmd = {...} to setup(); '
        .. 'see :checkhealth lsp_codegen'):format(why_not),
      vim.log.levels.ERROR
    )
    return false
  end
  M.cmd = cmd
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config(M.name, client_config(cmd))
    vim.lsp.enable(M.name)
  else
    start_per_buffer(cmd)
  end
  return true
end

return M
