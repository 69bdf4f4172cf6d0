-- 30-today.sql: 오늘(한국 날짜) 캔들을 배치로 읽어 마켓·분마다 체결 수와 거래량을 냅니다.
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/30-today.sql
-- 3편의 정확성 장부(수집기가 브로커에서 ack 받은 체결 수와 거래량, 마켓·UTC 분마다)와 같은
-- 모양이라 줄마다 비교할 수 있습니다. 원본 틱을 다시 모은 값도 함께 내어, 캔들과 원본이
-- 서로 맞는지도 봅니다.
SET 'execution.runtime-mode' = 'batch';

SELECT market, COUNT(*) AS minutes, SUM(ticks) AS ticks, SUM(volume) AS volume
FROM candles_1m
WHERE window_start >= CAST(CURRENT_DATE AS TIMESTAMP_LTZ(3))
GROUP BY market ORDER BY market;

-- 같은 값을 원본 틱에서: 파티션 dt로 오늘 파일만 읽습니다(파티션 가지치기).
SELECT market, COUNT(*) AS ticks, SUM(trade_volume) AS volume,
       COUNT(DISTINCT CONCAT(CAST(kafka_partition AS STRING), ':', CAST(kafka_offset AS STRING))) AS distinct_offsets
FROM ticks
WHERE dt = DATE_FORMAT(CURRENT_TIMESTAMP, 'yyyy-MM-dd')
GROUP BY market ORDER BY market;
