-- 40-upsert.sql: 늦게 온 정정이 캔들 "한 줄을 바꾸는지, 한 줄을 더하는지".
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/40-upsert.sql
-- 거래소가 체결 한 건을 늦게 알려 왔다고 합시다: 오늘 첫 KRW-BTC 캔들에 체결 1건, 거래량 0.5를
-- 더한 값으로 그 캔들을 다시 씁니다. 기본 키 (market, window_start)가 같으므로 Paimon은 새 줄을
-- 더하지 않고 옛 줄을 대신합니다(머지 엔진 deduplicate: 나중에 커밋된 것이 이김).
SET 'execution.runtime-mode' = 'batch';
-- INSERT가 끝날(커밋될) 때까지 기다린 뒤 다음 문장으로 갑니다. 기본값(false)이면 잡만 제출하고
-- 바로 넘어가서, 정정 뒤 조회가 정정 전 테이블을 읽을 수 있습니다.
SET 'table.dml-sync' = 'true';

-- 정정 전: 줄 수와 그 캔들.
SELECT COUNT(*) AS rows_before FROM candles_1m;

-- 정정 전 상태에 이름(태그)을 붙여 둡니다. 스냅샷은 만료되면 사라지지만 태그가 가리키는
-- 스냅샷은 남습니다. 타임 트래블 실습(50-time-travel.sql)에서 이 이름으로 과거를 읽습니다.
-- 다시 실행할 때를 위해 지난번 태그를 먼저 지웁니다(없으면 아무 일도 하지 않습니다). 같은
-- 이름의 태그가 있으면 create_tag가 거절합니다.
CALL sys.delete_tag(`table` => 'upbit.candles_1m', tag => 'before-correction');
CALL sys.create_tag(`table` => 'upbit.candles_1m', tag => 'before-correction');

-- 정정: 같은 키로 한 줄을 다시 씁니다. 스트리밍 잡도 이 테이블에 쓰고 있으므로 이 배치 쓰기는
-- 컴팩션을 하지 않게 합니다(write-only). 두 작성자가 같은 버킷을 동시에 합치려 하면 충돌합니다.
INSERT INTO candles_1m /*+ OPTIONS('write-only' = 'true') */
SELECT market, window_start, window_end, window_start_kst,
       open_price, high_price, low_price, close_price,
       volume + CAST(0.5 AS DECIMAL(38, 8)), trade_value + close_price * 0.5, ticks + 1
FROM candles_1m
WHERE market = 'KRW-BTC'
  AND window_start = (SELECT MIN(window_start) FROM candles_1m WHERE market = 'KRW-BTC');

-- 정정 뒤: 줄 수는 그대로(스트리밍 잡이 그사이 새 분을 더했다면 그만큼만 늘어남), 그 캔들의
-- ticks와 volume만 바뀌었습니다.
SELECT COUNT(*) AS rows_after FROM candles_1m;
SELECT market, window_start_kst, ticks, volume FROM candles_1m
WHERE market = 'KRW-BTC' ORDER BY window_start LIMIT 1;
-- 정정 전 같은 캔들(태그로 과거 읽기):
SELECT market, window_start_kst, ticks, volume FROM candles_1m /*+ OPTIONS('scan.tag-name' = 'before-correction') */
WHERE market = 'KRW-BTC' ORDER BY window_start LIMIT 1;
