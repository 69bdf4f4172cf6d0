-- 30-late-ticks.sql: 워터마크보다 늦게 도착한 체결을 눈으로 보기 (늦은 데이터 실습).
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/30-late-ticks.sql
-- 지금부터 들어오는 체결마다 그 순간의 워터마크와 비교합니다. CURRENT_WATERMARK는 이 행이
-- 처리되기 직전의 워터마크입니다 (아직 워터마크가 없으면 NULL).
-- late = TRUE: 워터마크보다 이른 체결. 그래도 그 체결의 1분 창이 아직 열려 있으면 캔들에 들어갑니다.
-- candle_closed = TRUE: 그 체결의 1분 창이 이미 닫혔습니다 (창의 끝 <= 워터마크). 캔들 잡의
-- 창 집계는 이런 체결을 버립니다: 웹 UI에서 캔들 잡의 창 연산자 > Metrics >
-- numLateRecordsDropped가 그만큼 늘어나고, 그 분의 캔들 체결 수는 수집기 보고보다 적습니다.
-- 이 질의는 끝나지 않습니다. 늦은 체결을 보낸 뒤 결과를 확인했으면 Ctrl-C로 멈추세요.
SET 'pipeline.name' = 'upbit-late-ticks';

SELECT
  code,
  event_time,
  CURRENT_WATERMARK(event_time)                        AS `watermark`,   -- watermark도 예약어
  event_time <= CURRENT_WATERMARK(event_time)          AS late,
  FLOOR(event_time TO MINUTE) + INTERVAL '1' MINUTE <= CURRENT_WATERMARK(event_time) AS candle_closed,
  kafka_time
FROM upbit_ticker /*+ OPTIONS('scan.startup.mode'='latest-offset', 'properties.group.id'='flink-late-ticks') */
WHERE CURRENT_WATERMARK(event_time) IS NOT NULL
  AND event_time <= CURRENT_WATERMARK(event_time) + INTERVAL '2' SECOND;
