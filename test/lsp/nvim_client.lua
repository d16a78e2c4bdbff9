-- Neovim's built-in LSP client driving dtmem's server headless (second, independent client).
-- Env: DTMEM_SERVER (dist/server.js), DTMEM_FILE (board to open), DTMEM_ROOT, DTMEM_OUT (JSON
-- result), DTMEM_HOVER ("line:col", 0-based, optional). Writes the diagnostics Neovim stored for
-- the buffer (vim.diagnostic.get) and the hover text, then quits.
local server = os.getenv('DTMEM_SERVER')
local file = os.getenv('DTMEM_FILE')
local root = os.getenv('DTMEM_ROOT')
local out = os.getenv('DTMEM_OUT')
local hover_at = os.getenv('DTMEM_HOVER')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'dts'
local bufnr = vim.api.nvim_get_current_buf()
local published = 0

local id = vim.lsp.start_client({
  name = 'dtmem',
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result and vim.uri_to_bufnr(result.uri) == bufnr then published = published + 1 end
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
vim.lsp.buf_attach_client(bufnr, id)

local ok = vim.wait(60000, function() return published > 0 end, 50)
local result = { ok = ok, diagnostics = {}, hover = vim.NIL }
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
  table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, code = code, source = d.source })
end

if hover_at then
  local line, col = hover_at:match('(%d+):(%d+)')
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = tonumber(line), character = tonumber(col) } }
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 30000)
  for _, r in pairs(res or {}) do
    if r.result and r.result.contents then result.hover = r.result.contents.value end
  end
end

local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.lsp.stop_client(id)
vim.wait(500, function() return vim.lsp.client_is_stopped(id) end, 50)
vim.cmd('qa!')
