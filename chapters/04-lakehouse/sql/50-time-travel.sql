-- 50-time-travel.sql: 테이블을 과거 시점으로 읽기. 스냅샷 번호로, 태그로 (그리고 시각으로 읽는 문법).
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/50-time-travel.sql
-- 스냅샷은 커밋마다 테이블 전체의 "그때 모습"을 가리키는 작은 파일(snapshot/snapshot-N)입니다.
-- 옛 스냅샷이 가리키는 데이터 파일은 만료 전까지 지우지 않으므로, 과거를 그대로 읽을 수 있습니다.
-- 과거 읽기는 배치 조회에서만 뜻이 있습니다(스트리밍이면 그 시점부터 이후 변화를 계속 읽음).
SET 'execution.runtime-mode' = 'batch';

-- 어떤 스냅샷과 태그가 있나: 가장 오래된 스냅샷, 최근 스냅샷, 그리고 태그가 가리키는 번호.
SELECT snapshot_id, commit_kind, commit_time, total_record_count
FROM candles_1m$snapshots ORDER BY snapshot_id LIMIT 3;
SELECT snapshot_id, commit_kind, commit_time, total_record_count
FROM candles_1m$snapshots ORDER BY snapshot_id DESC LIMIT 3;
SELECT tag_name, snapshot_id FROM candles_1m$tags;

-- 1) 스냅샷 번호로: 테이블 옵션 scan.snapshot-id를 이 조회 한 번에만 줍니다(동적 옵션 힌트).
--    첫 스냅샷(1번) 때의 줄 수와 지금의 줄 수. 차이가 그사이 스트리밍 잡이 더한 캔들입니다.
--    1번이 만료됐다면(보존 2시간, 최소 10개) 위 목록의 가장 오래된 번호로 바꾸세요.
SELECT COUNT(*) AS rows_at_snapshot_1 FROM candles_1m /*+ OPTIONS('scan.snapshot-id' = '1') */;
SELECT COUNT(*) AS rows_now FROM candles_1m;

-- 2) 시각으로: 그 시각이나 그 직전에 커밋된 스냅샷을 읽습니다. 시각은 글자 그대로(상수) 적어야
--    합니다. CURRENT_TIMESTAMP처럼 실행할 때 정해지는 값은 Flink가 받지 않습니다. 위 목록의
--    commit_time 하나를 골라 주석을 풀고 바꿔 넣어 보세요(세션 시간대 Asia/Seoul로 해석).
-- SELECT COUNT(*) FROM candles_1m FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01 09:00:00';
--    같은 일을 epoch 밀리초로 하려면 힌트 'scan.timestamp-millis'를 씁니다:
-- SELECT COUNT(*) FROM candles_1m /*+ OPTIONS('scan.timestamp-millis' = '1767225600000') */;

-- 3) 태그로: 40-upsert.sql이 정정 직전에 붙인 이름. 태그는 스냅샷 번호에 붙인 이름이라
--    스냅샷이 만료돼도 남습니다. 정정한 캔들만 다르게 나옵니다(ticks가 1, volume이 0.5 차이).
SELECT t.market, t.window_start_kst, b.ticks AS ticks_before, t.ticks AS ticks_now,
       b.volume AS volume_before, t.volume AS volume_now
FROM candles_1m AS t
JOIN candles_1m /*+ OPTIONS('scan.tag-name' = 'before-correction') */ AS b
  ON t.market = b.market AND t.window_start = b.window_start
WHERE t.ticks <> b.ticks OR t.volume <> b.volume;
