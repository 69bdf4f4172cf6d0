-- 00-source.sql: Kafka 토픽 upbit-ticker를 Flink SQL 테이블로 보기.
-- 모든 잡 스크립트가 이 파일을 먼저 읽습니다 (SQL 클라이언트의 -i 옵션):
--   docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/10-candles-1m.sql
-- 테이블 정의는 SQL 클라이언트 세션 안에만 있습니다 (카탈로그가 메모리에 있음). 그래서
-- 세션마다 다시 읽습니다. 데이터는 Kafka에 있고, 이 문장은 "어떻게 읽을지"만 적습니다.

-- 결과를 표 모양으로 터미널에 바로 찍습니다 (기본값 table은 전체 화면 뷰어라 스크립트에 맞지 않음).
SET 'sql-client.execution.result-mode' = 'tableau';

-- TIMESTAMP_LTZ 값을 어느 시간대로 보여 줄지. 1분 창의 경계는 시간대와 상관없지만(한국은
-- UTC+9, 정시 단위 차이), 창 시작 시각의 "표시"와 하루 단위 창의 경계는 달라집니다.
SET 'table.local-time-zone' = 'Asia/Seoul';

CREATE TABLE IF NOT EXISTS upbit_ticker (
  -- Upbit DEFAULT 형식 JSON에서 쓰는 필드만 적습니다. 나머지 필드는 그냥 무시됩니다.
  -- type, change, timestamp는 SQL 예약어라 백틱으로 감쌉니다.
  `type`            STRING,
  code              STRING,          -- 마켓 코드 (KRW-BTC ...), Kafka 키와 같은 값
  trade_price       DOUBLE,          -- 체결 가격. 정수(135000000)로 올 때도 있어 DOUBLE로 읽습니다
  -- 체결량은 합계를 정확히 맞춰야 하므로 DOUBLE이 아닌 십진수(소수점 8자리)로 읽습니다.
  -- DOUBLE로 더하면 마지막 자리가 어긋나 "정확히 한 번" 검사가 엉뚱한 이유로 실패합니다.
  trade_volume      DECIMAL(38, 8),
  ask_bid           STRING,          -- ASK(매도) / BID(매수)
  `change`          STRING,          -- RISE / EVEN / FALL (전일 종가 대비)
  signed_change_rate DOUBLE,
  acc_trade_price_24h DOUBLE,
  trade_timestamp   BIGINT,          -- 체결 시각 (epoch 밀리초, UTC). INT에는 들어가지 않습니다
  `timestamp`       BIGINT,          -- Upbit 서버가 메시지를 만든 시각 (epoch 밀리초)
  stream_type       STRING,          -- SNAPSHOT(구독 직후 1번) / REALTIME

  -- 이벤트 시간: 거래소에서 체결된 시각. Flink가 메시지를 받은 시각(처리 시간)이 아닙니다.
  -- 업비트 체결이 아닌 레코드에는 trade_timestamp가 없습니다. 이벤트 시간이 NULL인 행을 받으면 창
  -- 연산자가 잡 전체를 실패시키므로("RowTime field should not be null") 그런 행은 1970-01-01로 두고,
  -- 캔들 쿼리가 WHERE trade_timestamp IS NOT NULL로 걸러 냅니다.
  event_time AS TO_TIMESTAMP_LTZ(COALESCE(trade_timestamp, 0), 3),
  -- 워터마크: "이 시각 이전의 체결은 이제 다 왔다"는 Flink의 판단. 가장 늦게 본 체결 시각에서
  -- 5초를 뺀 값입니다. 5초보다 더 늦게 도착한 체결은 이미 닫힌 창에 들어가지 못하고 버려집니다
  -- (늦은 데이터 실습). 지연을 늘리면 결과가 더 완전해지고, 대신 캔들이 그만큼 늦게 나옵니다.
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND,

  -- Kafka 레코드의 메타데이터. 읽기 전용(VIRTUAL)이라 INSERT 대상 컬럼이 아닙니다.
  kafka_partition   INT              METADATA FROM 'partition' VIRTUAL,
  kafka_offset      BIGINT           METADATA FROM 'offset' VIRTUAL,
  kafka_time        TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = 'upbit-ticker',
  -- 컨테이너 안에서 보는 브로커 주소 (호스트의 localhost:29092가 아닙니다).
  'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
  'properties.group.id' = 'flink-upbit-ticker',
  -- 처음 시작하는 잡은 컨슈머 그룹이 커밋한 위치부터, 커밋이 없으면 토픽의 처음부터 읽습니다.
  -- Flink는 체크포인트가 끝날 때 오프셋을 커밋합니다. 체크포인트나 세이브포인트에서 복구할 때는
  -- 그 안에 저장된 오프셋을 쓰므로 이 설정과 상관없이 정확히 이어서 읽습니다.
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  -- 소스의 워터마크는 파티션별 워터마크 중 가장 작은 값입니다. 한 파티션에 데이터가 없으면
  -- 워터마크가 멈추고 창이 영원히 닫히지 않습니다. 10초 동안 조용한 파티션은 "쉬는 중"으로
  -- 보고 계산에서 뺍니다. (모든 파티션이 쉬면 워터마크도 멈춥니다: 마지막 창은 다음 데이터가
  -- 와야 닫힙니다.)
  'scan.watermark.idle-timeout' = '10 s',
  'format' = 'json',
  -- 모르는 필드는 무시하고, 없는 필드는 NULL로 읽습니다.
  'json.fail-on-missing-field' = 'false',
  -- JSON이 아닌 레코드는 건너뜁니다. 2편에서 같은 토픽에 콘솔 프로듀서로 아무 글자나 넣었고,
  -- 그 줄 하나 때문에 잡이 재시작을 되풀이하다 FAILED로 멈추면 안 되기 때문입니다. 2편의 연습용
  -- 프로듀서가 넣은 {symbol, price, timestamp} 레코드는 JSON이라 읽히지만 trade_timestamp가
  -- 없어 이벤트 시간이 NULL이고, 1분 창 집계는 이벤트 시간이 없는 행을 버립니다. 수집기가 넣은
  -- 체결은 모두 온전한 JSON이므로 이 설정 때문에 빠지는 체결은 없습니다(정확성 점검이 증명합니다).
  'json.ignore-parse-errors' = 'true'
);
