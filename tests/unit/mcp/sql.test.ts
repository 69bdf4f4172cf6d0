// The only SQL the MCP server sends: fixed statements and one parameterised candle query.
// Values arrive escaped, numbers are numbers, and nothing else can be interpolated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { candleQuery, MARKETS_QUERY, SESSION_SETUP, SNAPSHOT_QUERY, utcWallToEpoch } from '../../../chapters/05-mcp/server/backends/paimon.ts';

describe('MCP SQL statements', () => {
  it('builds the candle query from fixed text, an escaped market and integer bounds', () => {
    const text = candleQuery('KRW-BTC', 1764478800000.7, 1764482400000, 1501).text;
    assert.match(text, /WHERE market = 'KRW-BTC' AND window_start >= TO_TIMESTAMP_LTZ\(1764478800000, 3\) AND window_start < TO_TIMESTAMP_LTZ\(1764482400000, 3\) ORDER BY window_start LIMIT 1501$/);
    assert.doesNotMatch(text, /;/);
  });
  it('escapes a quote even if one ever got past the schema', () => {
    const text = candleQuery("KRW-BTC' OR '1'='1", 0, 1, 1).text;
    assert.match(text, /market = 'KRW-BTC'' OR ''1''=''1'/);
  });
  it('refuses non-finite numbers', () => {
    assert.throws(() => candleQuery('KRW-BTC', Number.NaN, 1, 1));
  });
  it('never writes: every statement is SET, CREATE CATALOG IF NOT EXISTS, USE or SELECT', () => {
    for (const statement of [...SESSION_SETUP, SNAPSHOT_QUERY, MARKETS_QUERY, candleQuery('KRW-BTC', 0, 1, 1)]) {
      assert.match(statement.text, /^(SET |CREATE CATALOG IF NOT EXISTS lake |USE |SELECT )/);
      assert.doesNotMatch(statement.text, /\b(INSERT|DELETE|DROP|ALTER|TRUNCATE|UPDATE|CALL)\b/i);
    }
  });
  it('reads the gateway UTC wall time', () => {
    assert.equal(utcWallToEpoch('2026-11-30 05:01:00.000'), Date.parse('2026-11-30T05:01:00Z'));
  });
});
