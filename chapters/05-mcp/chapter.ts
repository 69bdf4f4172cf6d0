// Chapter 5's manifest: the MCP server that lets an AI editor read the pipeline. It adds no
// compose service (the server is a Node process the editor launches), so doctor has nothing
// new to probe; its labs drive chapters 2-4's services through the server.
import { defineChapter } from '../../server/course.ts';

export const mcpChapter = defineChapter({
  id: 'mcp',
  number: 5,
  title: 'MCP로 Cursor에서 파이프라인 묻기',
  folder: '05-mcp',
  doc: '05-mcp',
  compose: 'compose.yml',
  workdir: 'compose',
  services: [],
  labs: ['mcp-server', 'mcp-tools', 'mcp-outage'],
  panel: null,
});
