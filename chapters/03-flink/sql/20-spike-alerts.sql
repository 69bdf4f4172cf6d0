-- 20-spike-alerts.sql: 상태를 가진 두 번째 잡. 체결마다 그 마켓의 최근 5분 평균 가격과 비교해,
-- 0.3% 이상 벗어난 체결을 Kafka 토픽 upbit-alerts에 경보로 씁니다.
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/20-spike-alerts.sql
-- 캔들 잡과 달리 창이 "닫히는" 시점이 없습니다. OVER 창은 마켓마다 최근 5분치 체결을
-- 상태로 들고 있다가, 새 체결이 올 때마다 평균을 다시 계산하고, 5분이 지난 체결은 버립니다.
-- 그래서 이 잡의 체크포인트 크기는 "최근 5분 동안의 체결 수"에 비례합니다
-- (웹 UI > 잡 > Checkpoints의 Checkpointed Data Size).

SET 'pipeline.name' = 'upbit-spike-alerts';
SET 'execution.checkpointing.interval' = '10 s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '10';
SET 'restart-strategy.fixed-delay.delay' = '5 s';

CREATE TABLE IF NOT EXISTS upbit_alerts (
  market          STRING,
  event_time      TIMESTAMP_LTZ(3),  -- 경보를 낸 체결의 시각
  trade_price     DOUBLE,
  avg_price_5m    DOUBLE,            -- 직전 5분(이 체결 포함) 평균 가격
  deviation_pct   DOUBLE,            -- (체결가 - 평균) / 평균 × 100
  ticks_5m        BIGINT,            -- 평균에 들어간 체결 수
  direction       STRING             -- UP(급등) / DOWN(급락)
) WITH (
  'connector' = 'kafka',
  'topic' = 'upbit-alerts',
  'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
  'key.format' = 'raw',
  'key.fields' = 'market',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'value.json.timestamp-format.standard' = 'ISO-8601',
  'sink.delivery-guarantee' = 'exactly-once',
  -- 캔들 잡과 다른 접두사: 두 싱크가 같은 트랜잭션 ID를 쓰면 서로를 밀어냅니다(fencing).
  'sink.transactional-id-prefix' = 'upbit-alerts-v1',
  'properties.transaction.timeout.ms' = '600000'
);

INSERT INTO upbit_alerts
SELECT
  code,
  event_time,
  trade_price,
  avg_price_5m,
  (trade_price - avg_price_5m) / avg_price_5m * 100 AS deviation_pct,
  ticks_5m,
  CASE WHEN trade_price > avg_price_5m THEN 'UP' ELSE 'DOWN' END AS direction
FROM (
  SELECT
    code,
    event_time,
    trade_price,
    AVG(trade_price) OVER last_5m AS avg_price_5m,
    COUNT(*) OVER last_5m AS ticks_5m
  FROM upbit_ticker
  -- 마켓별로, 이벤트 시간 순서대로, 현재 체결부터 5분 전까지. 이벤트 시간 순서를 지키기 위해
  -- Flink는 워터마크가 지날 때까지 체결을 잠시 모아 두었다가 정렬해서 처리합니다.
  WINDOW last_5m AS (
    PARTITION BY code
    ORDER BY event_time
    RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW
  )
)
-- 평균이 의미 있으려면 체결이 어느 정도 쌓여 있어야 합니다.
WHERE ticks_5m >= 20
  AND ABS(trade_price - avg_price_5m) / avg_price_5m >= 0.003;
