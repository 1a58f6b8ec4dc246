-- Typing as a user does, in a real headless Neovim 0.12 with the embedded default model:
--   LSP_CODEGEN_PYTHON=.venv/bin/python nvim --headless -u NONE -i NONE -n \
--     -S editor-clients/neovim/test/typing_session.lua
-- Opens a ~1k-token Python file, types new functions word by word (120 ms between keys, a
-- pause after each word), and logs what ghost text Neovim shows at each pause, and after
-- how long; at two pauses it accepts the suggestion (<Tab> through the plugin), then undoes
-- it. Nothing is checked: it prints what a user would see (and what they would not).
-- A pause is answered (fresh) only when the ghost text there comes from an answer to a request
-- sent after the pause's last keystroke; Neovim keeps drawing the previous suggestion until an
-- answer replaces it, and those stale ones are counted apart.
-- LSP_CODEGEN_PAUSE_MS sets the pause (default 2000); LSP_CODEGEN_SETTINGS (JSON) the server's
-- settings, e.g. '{"context": {"inContextExamples": 0}}' to compare with the defaults.

local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.rtp:prepend(vim.fs.dirname(here))
vim.cmd('filetype on')

local H = dofile(vim.fs.joinpath(here, 'harness.lua'))
local log, env, wait_for, check, sleep = H.log, H.env, H.wait_for, H.check, H.sleep
local KEY_MS = 120
local PAUSE_MS = tonumber(os.getenv('LSP_CODEGEN_PAUSE_MS') or '2000')
local TYPED = {
  'def words_reversed(sentence):\n',
  '    words = sentence.split()\n',
  '    return " ".join(reversed(words))\n',
  '\n',
  '\n',
  'def count_vowels(text):\n',
  '    total = 0\n',
  '    for char in text.lower():\n',
}
local ACCEPT_AT = { ['words '] = true, ['total '] = true }

local function ghost(bufnr)
  local namespace = vim.api.nvim_get_namespaces()['nvim.lsp.inline_completion']
  if namespace == nil then
    return nil
  end
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, namespace, 0, -1, { details = true })
  if #marks == 0 then
    return nil
  end
  local details, text = marks[1][4], ''
  for _, chunk in ipairs(details.virt_text or {}) do
    text = text .. chunk[1]
  end
  for _, row in ipairs(details.virt_lines or {}) do
    text = text .. '\\n'
    for _, chunk in ipairs(row) do
      text = text .. chunk[1]
    end
  end
  return text ~= '' and text or nil -- an empty mark (the rest already typed) shows nothing
end

--- Which inline answer is on screen. Neovim keeps showing (and re-draws at every keystroke)
--- the last suggestion until an answer replaces it, so ghost text at a pause proves nothing
--- by itself, and neither does its extmark. The client's inlineCompletion requests are
--- wrapped instead: each remembers the buffer's changedtick when it was sent, and once
--- Neovim's handler has drawn (or hidden) its answer, that tick becomes `answer.tick`. The
--- ghost text at a pause is fresh when `answer.tick` is the buffer's changedtick there: the
--- answer that drew it was asked for after the last keystroke (so it arrived after it too),
--- and no later answer to an older request has drawn over it. A changedtick, not a clock: it
--- does not depend on when fed keys are processed. Errors and cancellations leave the screen
--- as it was and are not recorded.
local answer = { tick = nil }

--- @param client vim.lsp.Client
--- @param bufnr integer
local function track_answers(client, bufnr)
  local request = client.request
  client.request = function(self, method, params, handler, ...)
    if method == 'textDocument/inlineCompletion' and handler then
      local tick, draw = vim.api.nvim_buf_get_changedtick(bufnr), handler
      handler = function(err, result, ctx)
        draw(err, result, ctx)
        if err == nil and result ~= nil then
          answer.tick = tick
        end
      end
    end
    return request(self, method, params, handler, ...)
  end
end

--- Type one key in insert mode, as the user does (auto-indent is off: indentation is typed).
local function type_key(key)
  local keys = key == '\n' and '<CR>' or key
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'nt', false)
end

local function words(line)
  local out, current = {}, ''
  for char in line:gmatch('.') do
    current = current .. char
    if char == ' ' or char == '\n' then
      out[#out + 1] = current
      current = ''
    end
  end
  if current ~= '' then
    out[#out + 1] = current
  end
  return out
end

local function main()
  local plugin = require('lsp_codegen')
  check(plugin.setup({
    cmd = { env('LSP_CODEGEN_PYTHON'), '-m', 'lsp_codegen', 'serve', '--stdio' },
    settings = H.settings(),
  }), 'setup starts the server')
  local path = vim.fn.tempname() .. '.py'
  local source = vim.fn.readfile(vim.fs.joinpath(vim.fs.dirname(vim.fs.dirname(vim.fs.dirname(here))),
    'lsp_codegen', 'context', 'prompt.py'))
  vim.fn.writefile(vim.list_slice(source, 1, 100), path)
  vim.cmd.edit(path)
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].autoindent = false
  wait_for('lsp-codegen to attach', function() return plugin.client(bufnr) ~= nil end)
  track_answers(plugin.client(bufnr), bufnr)
  wait_for('the model to load', function()
    local status = plugin.status(bufnr)
    return status ~= nil and status.ready == true
  end, 600000)
  log(('model ready: %s on %s'):format(plugin.status(bufnr).model, plugin.status(bufnr).device))
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(bufnr), 0 })
  vim.api.nvim_feedkeys('o', 'n', false)
  wait_for('insert mode', function() return vim.api.nvim_get_mode().mode == 'i' end, 5000)
  local fresh, stale, pauses = 0, 0, 0
  for _, line in ipairs(TYPED) do
    for _, word in ipairs(words(line)) do
      for char in word:gmatch('.') do
        type_key(char)
        sleep(KEY_MS)
      end
      pauses = pauses + 1
      local typed_at, at = vim.uv.hrtime() / 1e6, nil
      local tick = vim.api.nvim_buf_get_changedtick(bufnr)
      while vim.uv.hrtime() / 1e6 - typed_at < PAUSE_MS do
        if answer.tick == tick then
          at = vim.uv.hrtime() / 1e6 - typed_at
          break
        end
        sleep(20)
      end
      local seen = ghost(bufnr)
      if at and seen then
        fresh = fresh + 1
        log(('after %-26q ghost text in %4.0f ms: %q'):format(word, at + KEY_MS, seen))
      elseif at then
        log(('after %-26q answered in %4.0f ms, nothing to show'):format(word, at + KEY_MS))
      elseif seen then
        stale = stale + 1
        log(('after %-26q no answer within %d ms; still showing an earlier one: %q'):format(
          word, PAUSE_MS, seen))
      else
        log(('after %-26q no ghost text within %d ms'):format(word, PAUSE_MS))
      end
      if seen and ACCEPT_AT[word] then
        local before = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
        check(plugin.accept(), 'accept() finds the suggestion')
        sleep(300)
        local row = vim.api.nvim_win_get_cursor(0)[1]
        log(('  accepted: line %d is now %q'):format(row, vim.api.nvim_get_current_line()))
        vim.cmd('silent! undo')
        vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, before) -- back to what was typed
        vim.api.nvim_win_set_cursor(0, { #before, #before[#before] })
        log('  undone: the buffer is back to what was typed')
      end
      if at then
        sleep(math.max(0, PAUSE_MS - at))
      end
    end
  end
  log(('fresh ghost text (answered after the last keystroke) at %d of %d pauses; '
    .. 'a stale one (an earlier answer still showing) at %d more'):format(fresh, pauses, stale))
  log('status: ' .. vim.inspect(plugin.status(bufnr).typeThrough))
end

H.run(main)
