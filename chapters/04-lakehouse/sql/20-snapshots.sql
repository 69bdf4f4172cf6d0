-- 20-snapshots.sql: 스트리밍 잡이 만든 스냅샷과 파일을 시스템 테이블로 봅니다.
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/20-snapshots.sql
-- 시스템 테이블은 "테이블$이름"으로 부르며, 오브젝트 스토어의 snapshot/, manifest/ 파일을 읽어
-- 표로 보여 줍니다. 조회는 배치로: 지금 시점의 내용을 한 번 읽고 끝납니다.
SET 'execution.runtime-mode' = 'batch';

-- 체크포인트마다 하나씩 늘어납니다. commit_kind: APPEND(새 데이터), COMPACT(파일 합치기),
-- OVERWRITE. watermark는 그 커밋 때 잡의 이벤트 시간 워터마크(epoch 밀리초)입니다.
SELECT snapshot_id, commit_kind, commit_time, total_record_count, delta_record_count, `watermark`
FROM candles_1m$snapshots ORDER BY snapshot_id DESC LIMIT 10;

SELECT snapshot_id, commit_kind, commit_time, total_record_count, delta_record_count
FROM ticks$snapshots ORDER BY snapshot_id DESC LIMIT 10;

-- 지금 테이블을 이루는 데이터 파일: 버킷별 개수, 줄 수, 크기.
SELECT `bucket`, COUNT(*) AS files, SUM(record_count) AS records, SUM(file_size_in_bytes) AS total_bytes
FROM candles_1m$files GROUP BY `bucket`;

SELECT `partition`, COUNT(*) AS files, SUM(record_count) AS records, SUM(file_size_in_bytes) AS total_bytes
FROM ticks$files GROUP BY `partition`;
