-- 10-candles-1m.sql: 마켓별 1분 OHLCV 캔들을 Kafka 토픽 upbit-candles-1m에 "정확히 한 번" 씁니다.
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/10-candles-1m.sql
-- INSERT 문은 잡을 클러스터에 제출하고 바로 돌아옵니다. 잡은 클러스터에서 계속 돌고,
-- 웹 UI(http://localhost:8081)의 Running Jobs에 upbit-candles-1m이라는 이름으로 보입니다.

-- 웹 UI, REST API, 실습 점검이 이 이름으로 잡을 찾습니다.
SET 'pipeline.name' = 'upbit-candles-1m';

-- 체크포인트: 10초마다 모든 연산자의 상태(열린 창의 중간 합계, 읽은 Kafka 오프셋)를
-- /flink-data/checkpoints에 한 번에 찍습니다. 장애가 나면 마지막 체크포인트로 돌아가
-- 그 오프셋부터 다시 읽으므로, 상태와 입력 위치가 늘 짝이 맞습니다.
-- Kafka 싱크의 트랜잭션도 체크포인트가 끝날 때 커밋됩니다. 그래서 read_committed 컨슈머는
-- 캔들을 최대 10초(+ 체크포인트 시간) 늦게 봅니다: 짧게 하면 빨리 보이고, 대신 더 자주 씁니다.
SET 'execution.checkpointing.interval' = '10 s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
-- 체크포인트가 1분 안에 끝나지 않으면 실패로 칩니다. 연속 3번 실패하면 잡을 재시작합니다.
SET 'execution.checkpointing.timeout' = '1 min';
SET 'execution.checkpointing.tolerable-failed-checkpoints' = '3';

-- 재시작 전략: 실패하면 5초 쉬고 다시, 최대 10번까지. TaskManager가 죽으면 슬롯이 생길
-- 때까지 기다렸다가(최대 5분) 마지막 체크포인트에서 이어 갑니다. 깨진 메시지처럼 다시 해도
-- 또 실패하는 원인이라면 10번 만에 FAILED로 멈추고 웹 UI의 Exceptions 탭에 이유가 남습니다.
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '10';
SET 'restart-strategy.fixed-delay.delay' = '5 s';

CREATE TABLE IF NOT EXISTS upbit_candles_1m (
  market          STRING,
  -- 창의 시작·끝은 시간대가 붙은 시각(TIMESTAMP_LTZ)으로 씁니다. JSON에는
  -- "2026-11-30T03:34:00Z"처럼 UTC로 나가므로 어느 시간대의 소비자도 같은 순간으로 읽습니다.
  window_start    TIMESTAMP_LTZ(3),
  window_end      TIMESTAMP_LTZ(3),
  window_start_kst STRING,          -- 사람이 읽기 좋은 한국 시각 라벨 (2026-11-30 12:34)
  open_price      DOUBLE,
  high_price      DOUBLE,
  low_price       DOUBLE,
  close_price     DOUBLE,
  volume          DECIMAL(38, 8),   -- 체결량 합계 (정확한 십진수 합)
  trade_value     DOUBLE,           -- 체결 대금 합계 (가격 × 수량, 원)
  ticks           BIGINT            -- 체결 수
) WITH (
  'connector' = 'kafka',
  'topic' = 'upbit-candles-1m',
  'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
  -- 레코드 키 = (market, window_start): 캔들 하나의 정체. 같은 캔들이 두 번 나오면 키도 같아서
  -- 중복을 바로 알아볼 수 있습니다. 값에는 모든 컬럼이 들어갑니다.
  'key.format' = 'json',
  'key.fields' = 'market;window_start',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'value.json.timestamp-format.standard' = 'ISO-8601',
  -- 십진수를 1.2E-7 같은 지수 표기 없이 0.00000012처럼 씁니다 (소비자가 자릿수 그대로 읽도록).
  'value.json.encode.decimal-as-plain-number' = 'true',
  -- 정확히 한 번: 체크포인트 사이에 쓴 레코드를 Kafka 트랜잭션 하나로 묶고, 체크포인트가
  -- 끝날 때 커밋합니다. 장애로 체크포인트가 끝나지 못하면 그 트랜잭션은 중단(abort)되고,
  -- 복구한 잡이 같은 캔들을 다시 계산해 새 트랜잭션으로 씁니다. read_committed로 읽는
  -- 소비자는 중단된 레코드를 보지 않으므로 캔들은 빠짐도 중복도 없습니다.
  'sink.delivery-guarantee' = 'exactly-once',
  -- 트랜잭션 ID의 접두사: 싱크마다 달라야 하고, 재시작해도 같아야 합니다 (복구할 때 이 접두사로
  -- 남은 트랜잭션을 찾아 정리합니다). 처음부터 새로 시작하고 싶으면 뒤의 v1을 올리세요.
  'sink.transactional-id-prefix' = 'upbit-candles-1m-v1',
  -- 트랜잭션 제한 시간. 커넥터 기본값(1시간)은 브로커 상한(transaction.max.timeout.ms,
  -- 기본 15분)보다 커서 첫 INSERT가 바로 실패합니다. 체크포인트 간격보다는 넉넉히 길게.
  'properties.transaction.timeout.ms' = '600000'
);

-- TUMBLE: 이벤트 시간(event_time)으로 겹치지 않는 1분 창을 만듭니다. 창은 워터마크가
-- 창의 끝을 지날 때 한 번 닫히고, 그때 캔들 한 줄이 나옵니다 (append-only). 그래서 upsert가
-- 필요 없고 보통 kafka 싱크로 충분합니다. 창 없이 GROUP BY 하면 결과가 계속 바뀌는
-- 스트림이 되어 이 싱크에 쓸 수 없습니다.
-- 시가/종가: FIRST_VALUE/LAST_VALUE는 "도착 순서"로 고릅니다. 토픽의 키가 마켓 코드라
-- 한 마켓의 체결은 한 파티션에 순서대로 들어오므로, 여기서는 도착 순서 = 체결 순서입니다.
INSERT INTO upbit_candles_1m
SELECT
  code                                           AS market,
  CAST(window_start AS TIMESTAMP_LTZ(3))         AS window_start,
  CAST(window_end AS TIMESTAMP_LTZ(3))           AS window_end,
  DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm')  AS window_start_kst,
  FIRST_VALUE(trade_price)                       AS open_price,
  MAX(trade_price)                               AS high_price,
  MIN(trade_price)                               AS low_price,
  LAST_VALUE(trade_price)                        AS close_price,
  SUM(trade_volume)                              AS volume,
  SUM(trade_price * CAST(trade_volume AS DOUBLE)) AS trade_value,
  COUNT(*)                                       AS ticks
FROM TABLE(
  TUMBLE(TABLE upbit_ticker, DESCRIPTOR(event_time), INTERVAL '1' MINUTE)
)
-- 업비트 체결이 아닌 레코드(2편의 연습용 프로듀서가 넣은 {symbol, price, timestamp} JSON)는
-- code와 trade_timestamp가 없습니다. 00-source.sql이 그런 행의 event_time을 1970-01-01로 두어
-- 창 연산자가 죽지 않게 하고, 여기서 걸러 내 캔들에는 들어가지 않게 합니다.
WHERE code IS NOT NULL AND trade_timestamp IS NOT NULL
GROUP BY code, window_start, window_end;
