-- 01-first-query.sql: SQL 클라이언트의 첫 질의. 끝이 있는(bounded) 읽기라 결과를 찍고 끝납니다.
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/01-first-query.sql
-- OPTIONS 힌트로 이 질의에서만 테이블 설정을 바꿉니다: 토픽의 처음부터, 질의를 시작한
-- 순간의 끝(latest-offset)까지만 읽습니다. 힌트가 없으면 스트림은 끝나지 않습니다.

-- 1) 원본 메시지 몇 개: 어떤 파티션의 몇 번째 레코드인지, 체결 시각(이벤트 시간)과
--    Kafka에 기록된 시각이 어떻게 다른지 봅니다.
SELECT code, trade_price, trade_volume, event_time, kafka_partition, kafka_offset
FROM upbit_ticker /*+ OPTIONS('scan.startup.mode'='earliest-offset', 'scan.bounded.mode'='latest-offset', 'properties.group.id'='flink-first-query') */
LIMIT 5;

-- 2) 스트리밍 모드의 GROUP BY는 새 행이 올 때마다 결과를 고칩니다. 처음 20개 체결만으로
--    op 열을 보세요: +I(새 행), -U(이전 값 철회), +U(새 값). 창이 없는 집계는 이렇게
--    "계속 바뀌는 표"이고, 키마다 상태를 끝없이 들고 있습니다.
SELECT code, COUNT(*) AS ticks
FROM (
  SELECT code FROM upbit_ticker /*+ OPTIONS('scan.startup.mode'='earliest-offset', 'scan.bounded.mode'='latest-offset', 'properties.group.id'='flink-first-query') */
  LIMIT 20
)
GROUP BY code;

-- 3) 같은 집계를 배치 모드로: 끝이 있는 입력을 다 읽은 뒤 최종 결과만 한 번 냅니다.
SET 'execution.runtime-mode' = 'batch';
SELECT code, COUNT(*) AS ticks, SUM(trade_volume) AS volume, MAX(event_time) AS last_trade
FROM upbit_ticker /*+ OPTIONS('scan.startup.mode'='earliest-offset', 'scan.bounded.mode'='latest-offset', 'properties.group.id'='flink-first-query') */
GROUP BY code;
SET 'execution.runtime-mode' = 'streaming';
