-- 10-stream.sql: Kafka 토픽 upbit-ticker를 읽어 Paimon 테이블 두 개에 계속 쓰는 스트리밍 잡 하나.
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql-lake/10-stream.sql
-- 소스 테이블 upbit_ticker는 3편의 00-source.sql 그대로입니다(-i로 먼저 읽음).
-- 잡 이름은 upbit-lakehouse. 웹 UI(http://localhost:8081)에 보입니다.

SET 'pipeline.name' = 'upbit-lakehouse';

-- Paimon은 체크포인트가 끝날 때만 커밋합니다: 체크포인트 1번 = 스냅샷 1개(커밋할 것이 있을 때).
-- 체크포인트가 없으면 파일은 써도 테이블에는 영영 안 보입니다. 간격은 "얼마나 빨리 보이나"와
-- "작은 파일이 얼마나 생기나"의 맞교환입니다: 10초면 하루 8640개 스냅샷, 1분이면 1440개.
-- 실습은 변화를 바로 보려고 3편과 같은 10초로 둡니다. 운영이라면 1~5분이 흔합니다.
SET 'execution.checkpointing.interval' = '10 s';
SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';
SET 'execution.checkpointing.timeout' = '2 min';
-- 4편: 체크포인트도 로컬 볼륨이 아닌 오브젝트 스토어에 둡니다. 잡 메타데이터와 Kafka 오프셋,
-- 열린 1분 창의 중간 합계가 s3://upbit-lake/checkpoints/<잡 ID>/chk-N/ 에 남습니다.
SET 'execution.checkpointing.dir' = 's3://upbit-lake/checkpoints';

-- 장애 복구: 실패하면 1초, 2초, 4초 ... 최대 15초 간격으로 계속 다시 시도합니다. 오브젝트 스토어가
-- 잠깐 멈춘 동안에는 재시작도 실패하지만(체크포인트를 읽을 수 없으니) 포기하지 않고, 스토어가
-- 돌아오면 마지막으로 끝난 체크포인트에서 이어 갑니다. 그 뒤에 쓴 것은 커밋되지 않았으므로
-- 버려지고 다시 쓰여서, 테이블에는 빠짐도 중복도 없습니다.
SET 'restart-strategy.type' = 'exponential-delay';
SET 'restart-strategy.exponential-delay.initial-backoff' = '1 s';
SET 'restart-strategy.exponential-delay.max-backoff' = '15 s';

CREATE CATALOG IF NOT EXISTS lake WITH (
  'type' = 'paimon',
  'warehouse' = 's3://upbit-lake/warehouse',
  's3.endpoint' = 'http://object-store:9000',
  's3.path.style.access' = 'true'
);

-- 3편의 캔들 잡과 같은 토픽을 읽지만 컨슈머 그룹은 따로 씁니다. 같은 그룹이면 3편 잡이 커밋한
-- 오프셋부터 읽어 앞부분이 빠집니다. 이 잡은 토픽의 처음부터 읽어 "오늘 전체"를 담습니다.
-- (재시작 때는 이 설정이 아니라 체크포인트에 든 오프셋에서 이어 읽습니다.)
-- LIKE: 3편의 upbit_ticker 정의(컬럼, 이벤트 시간, 워터마크, 메타데이터)를 그대로 가져오고
-- 옵션 두 개만 덮어씁니다.
CREATE TEMPORARY TABLE ticker_for_lake WITH (
  'properties.group.id' = 'flink-upbit-lakehouse',
  'scan.startup.mode' = 'earliest-offset'
) LIKE upbit_ticker;

-- 두 INSERT를 한 잡으로 묶습니다(STATEMENT SET): Kafka를 한 번 읽어 두 테이블에 쓰고,
-- 체크포인트 하나가 두 테이블의 커밋을 함께 결정합니다.
EXECUTE STATEMENT SET
BEGIN

-- 1분 캔들: 3편 10-candles-1m.sql과 같은 계산, 싱크만 Paimon입니다.
INSERT INTO lake.upbit.candles_1m
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
  TUMBLE(TABLE ticker_for_lake, DESCRIPTOR(event_time), INTERVAL '1' MINUTE)
)
-- 2편 연습 레코드처럼 업비트 모양이 아닌 줄은 3편 캔들 쿼리와 같은 조건으로 거릅니다.
WHERE code IS NOT NULL AND trade_timestamp IS NOT NULL
GROUP BY code, window_start, window_end;

-- 원본 체결: 받은 그대로, 한국 날짜 파티션(dt)만 붙여서.
INSERT INTO lake.upbit.ticks
SELECT
  code, trade_price, trade_volume, ask_bid, `change`, signed_change_rate, acc_trade_price_24h,
  trade_timestamp, event_time, `timestamp`, stream_type, kafka_partition, kafka_offset,
  DATE_FORMAT(event_time, 'yyyy-MM-dd') AS dt
FROM ticker_for_lake
WHERE code IS NOT NULL AND trade_timestamp IS NOT NULL;

END;
