// Chapter 5's plug-in: its checks talk MCP to the server, which reaches chapters 2-4's
// services at the addresses in server/config.ts.
import { defineChapterPlugin } from '../../server/course.ts';
import { mcpEndpoints, type McpEndpoints } from './access.ts';
import { mcpChapter } from './chapter.ts';
import { MCP_CHECKS } from './checks/index.ts';

export default defineChapterPlugin<McpEndpoints>({
  chapter: mcpChapter,
  endpoints: mcpEndpoints(),
  checks: MCP_CHECKS,
  panels: [],
  explainError(message) {
    if (/docker\.sock/i.test(message)) return undefined;
    if (/8083|sql-gateway|SQL gateway/i.test(message)) return `SQL 게이트웨이에 접속할 수 없습니다 (${message.slice(0, 160)}). compose/ 에서 docker compose up -d --wait sql-gateway 로 띄우세요.`;
    if (/ECONNREFUSED|KafkaJS/i.test(message)) return `파이프라인의 일부에 접속할 수 없습니다 (${message.slice(0, 160)}). 4편까지의 서비스가 떠 있는지 docker compose ps 로 보세요.`;
    return undefined;
  },
});
