-- 01-tables.sql: Paimon 테이블 두 개를 만듭니다. 만든 뒤 스키마와 옵션을 시스템 테이블로 봅니다.
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/01-tables.sql
--
-- 메모리 예산: TaskManager는 1 GB 프로세스이고 태스크 힙은 약 200 MB입니다(3편 config.yaml).
-- Paimon 쓰기는 버킷마다 메모리 버퍼를 하나씩 두고, 버퍼가 차거나 체크포인트가 오면 정렬해서
-- 파일로 내립니다. 기본 write-buffer-size(256 MB)로는 버퍼 하나가 힙보다 커서 메모리 부족으로
-- 죽습니다. 그래서 버퍼를 32 MB로 줄이고, 버킷 수를 적게 잡았습니다:
--   candles_1m 버킷 2개 × 32 MB = 64 MB, ticks는 버킷 없는 append 테이블(파일 쓰기 버퍼만).
-- 캔들은 하루에 마켓당 1440줄이라 1분 주기 체크포인트마다 버퍼가 거의 비어 있습니다. 32 MB는
-- "넘칠 일이 없는 상한"이지 실제 사용량이 아닙니다.

-- 1분 캔들: 기본 키 테이블. (market, window_start)가 같은 줄이 다시 오면 새 줄이 옛 줄을 덮어씁니다
-- (머지 엔진 deduplicate, 기본값). 같은 캔들을 두 번 써도 한 줄만 남으므로, 장애 뒤 다시 계산한
-- 캔들이 중복되지 않고, 나중에 고친 값(정정)은 그 한 줄만 바꿉니다.
-- 컬럼은 3편의 Kafka 토픽 upbit-candles-1m과 같습니다.
CREATE TABLE IF NOT EXISTS candles_1m (
  market           STRING           NOT NULL,
  window_start     TIMESTAMP_LTZ(3) NOT NULL,
  window_end       TIMESTAMP_LTZ(3),
  window_start_kst STRING,
  open_price       DOUBLE,
  high_price       DOUBLE,
  low_price        DOUBLE,
  close_price      DOUBLE,
  volume           DECIMAL(38, 8),
  trade_value      DOUBLE,
  ticks            BIGINT,
  PRIMARY KEY (market, window_start) NOT ENFORCED
) WITH (
  -- 버킷: 기본 키의 해시로 줄을 나눠 담는 칸. 버킷 하나가 LSM 트리 하나이고, 쓰기 병렬도의
  -- 상한입니다. Paimon 문서는 버킷당 수백 MB~1 GB를 권합니다. 마켓 10개의 1년 치 캔들도
  -- 수백 MB라 1개로 충분하지만, 키가 해시로 나뉘는 모습(bucket-0/, bucket-1/)을 보려고 2개.
  'bucket' = '2',
  -- 위 메모리 예산 참고. 버퍼가 차면 로컬 디스크로 넘겨(spill) 힙을 더 쓰지 않습니다.
  'write-buffer-size' = '32 mb',
  'write-buffer-spillable' = 'true',
  -- 파일 형식: 열 단위 압축 형식 Parquet (Paimon 기본값을 명시).
  'file.format' = 'parquet',
  -- 작은 정렬 파일(sorted run)이 5개 쌓이면 쓰기 잡이 스스로 합칩니다(컴팩션, 기본값).
  'num-sorted-run.compaction-trigger' = '5',
  -- 스냅샷 보존: 최소 10개, 그리고 2시간 안의 것은 지우지 않습니다(기본값은 1시간).
  -- 타임 트래블 실습이 한 시간을 넘겨도 옛 스냅샷이 남아 있도록 늘렸습니다.
  'snapshot.num-retained.min' = '10',
  'snapshot.time-retained' = '2 h'
);

-- 원본 체결(틱): append 테이블(기본 키 없음). 들어온 줄을 그대로 쌓기만 하므로 쓰기가 가장 가볍고,
-- 날짜(한국 시각 기준 yyyy-MM-dd) 파티션으로 나눠 "오늘 것만" 읽을 때 다른 날 파일을 건너뜁니다.
-- Upbit의 trade_date 필드는 UTC 날짜라 한국 날짜와 9시간 어긋납니다. 그래서 체결 시각에서 다시
-- 계산합니다. kafka_partition/kafka_offset은 줄마다 고유하므로 중복 검사의 증거가 됩니다.
CREATE TABLE IF NOT EXISTS ticks (
  market              STRING,
  trade_price         DOUBLE,
  trade_volume        DECIMAL(38, 8),
  ask_bid             STRING,
  `change`            STRING,
  signed_change_rate  DOUBLE,
  acc_trade_price_24h DOUBLE,
  trade_timestamp     BIGINT,
  event_time          TIMESTAMP_LTZ(3),
  `timestamp`         BIGINT,
  stream_type         STRING,
  kafka_partition     INT,
  kafka_offset        BIGINT,
  dt                  STRING
) PARTITIONED BY (dt) WITH (
  -- 버킷 -1: 버킷 없이 파티션마다 파일을 쌓습니다(append 테이블의 기본값을 명시).
  'bucket' = '-1',
  'file.format' = 'parquet',
  -- 체크포인트마다 작은 파일이 생기므로, 같은 파티션의 작은 파일이 5개 넘으면 합칩니다.
  'compaction.min.file-num' = '5',
  'target-file-size' = '32 mb',
  'snapshot.num-retained.min' = '10',
  'snapshot.time-retained' = '2 h'
);

SHOW TABLES;

-- 아래 조회는 배치로: 지금 내용을 한 번 읽고 끝납니다(스트리밍이면 새 변화를 계속 기다림).
SET 'execution.runtime-mode' = 'batch';

-- 스키마: Paimon이 warehouse/upbit.db/candles_1m/schema/schema-0 파일에 적어 둔 것.
-- primary_keys와 옵션(bucket ...)이 보입니다. ALTER TABLE 할 때마다 schema-1, schema-2가 생깁니다.
SELECT schema_id, primary_keys, partition_keys, `options` FROM candles_1m$schemas;
SELECT schema_id, primary_keys, partition_keys FROM ticks$schemas;
-- 지금 적용되는 테이블 옵션만 키/값으로.
SELECT * FROM candles_1m$options;
