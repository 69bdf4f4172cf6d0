-- 50-time-travel.sql: 테이블을 과거 시점으로 읽기. 스냅샷 번호로, 시각으로, 태그로.
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/50-time-travel.sql
-- 스냅샷은 커밋마다 테이블 전체의 "그때 모습"을 가리키는 작은 파일(snapshot/snapshot-N)입니다.
-- 옛 스냅샷이 가리키는 데이터 파일은 만료 전까지 지우지 않으므로, 과거를 그대로 읽을 수 있습니다.
SET 'execution.runtime-mode' = 'batch';

-- 어떤 스냅샷이 있나: 가장 오래된 것과 최근 것들.
SELECT snapshot_id, commit_kind, commit_time, total_record_count
FROM candles_1m$snapshots ORDER BY snapshot_id LIMIT 3;
SELECT snapshot_id, commit_kind, commit_time, total_record_count
FROM candles_1m$snapshots ORDER BY snapshot_id DESC LIMIT 3;

-- 1) 스냅샷 번호로: 첫 스냅샷(1번) 때의 줄 수와 지금의 줄 수. 1번이 만료됐다면 위 목록의
--    가장 오래된 번호로 바꾸세요. 지금 것과의 차이가 그사이 스트리밍 잡이 더한 캔들입니다.
SELECT COUNT(*) AS rows_at_snapshot_1 FROM candles_1m /*+ OPTIONS('scan.snapshot-id' = '1') */;
SELECT COUNT(*) AS rows_now FROM candles_1m;

-- 2) 시각으로: 1분 전의 테이블. Flink 문법 FOR SYSTEM_TIME AS OF는 그 시각 또는 그 직전에
--    커밋된 스냅샷을 고릅니다. 시각은 세션 시간대(Asia/Seoul)로 해석합니다. 정정을 1분 안에
--    했다면 여기 나오는 것은 정정 전 테이블입니다. 숫자를 바꿔 가며 줄 수가 언제 늘었는지 보세요.
SELECT COUNT(*) AS rows_1_minute_ago
FROM candles_1m FOR SYSTEM_TIME AS OF CAST(CURRENT_TIMESTAMP - INTERVAL '1' MINUTE AS TIMESTAMP(3));

-- 3) 태그로: 40-upsert.sql이 정정 직전에 붙인 이름. 정정한 캔들만 다르게 나옵니다.
SELECT t.market, t.window_start_kst, b.ticks AS ticks_before, t.ticks AS ticks_now,
       b.volume AS volume_before, t.volume AS volume_now
FROM candles_1m AS t
JOIN candles_1m /*+ OPTIONS('scan.tag-name' = 'before-correction') */ AS b
  ON t.market = b.market AND t.window_start = b.window_start
WHERE t.ticks <> b.ticks OR t.volume <> b.volume;
