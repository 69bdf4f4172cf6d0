// Registers the course's MCP server with an editor: writes (or updates) the `upbit-pipeline`
// entry of an mcp.json with ABSOLUTE paths, because an editor started from the Dock or
// Finder does not read your shell's PATH (nvm, Homebrew) and does not start in this folder.
//   node chapters/05-mcp/editor/register.ts                 -> <repo>/.cursor/mcp.json (Cursor, this project)
//   node chapters/05-mcp/editor/register.ts --print         -> prints the entry, writes nothing
//   node chapters/05-mcp/editor/register.ts --file PATH     -> another client's file (VS Code: .vscode/mcp.json uses "servers")
// Other servers already in the file are kept.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({ options: { file: { type: 'string' }, print: { type: 'boolean', default: false }, vscode: { type: 'boolean', default: false } } });
const entry = {
  // process.execPath: the very Node that runs this script (24, from nvm or Homebrew), by full path.
  command: process.execPath,
  args: [join(repo, 'chapters', '05-mcp', 'server', 'main.ts')],
  env: {},
};
if (values.print) {
  process.stdout.write(`${JSON.stringify({ mcpServers: { 'upbit-pipeline': entry } }, null, 2)}\n`);
  process.exit(0);
}
const target = resolve(values.file ?? join(repo, '.cursor', 'mcp.json'));
const key = values.vscode ? 'servers' : 'mcpServers';
let config: Record<string, unknown> = {};
if (existsSync(target)) {
  try {
    config = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
  } catch {
    process.stderr.write(`${target} 가 올바른 JSON이 아닙니다. 고치거나 지운 뒤 다시 실행하세요.\n`);
    process.exit(1);
  }
}
const servers = (typeof config[key] === 'object' && config[key] !== null ? config[key] : {}) as Record<string, unknown>;
servers['upbit-pipeline'] = values.vscode ? { type: 'stdio', ...entry } : entry;
config[key] = servers;
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(config, null, 2)}\n`);
process.stdout.write(`upbit-pipeline 을 ${target} 에 등록했습니다\n  command: ${entry.command}\n  args:    ${entry.args[0]}\n`);
