-- 60-maintenance.sql: 컴팩션(작은 파일 합치기)과 스냅샷 만료(옛 스냅샷과 안 쓰는 파일 지우기).
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/60-maintenance.sql
-- 체크포인트마다 버킷마다 작은 파일이 생깁니다. 읽을 때는 그 파일을 모두 열어 기본 키로
-- 합쳐야 하므로, 파일이 많을수록 읽기가 느려집니다. 쓰기 잡도 5개가 쌓이면 스스로 합치지만,
-- 여기서는 한 번에 전부(full) 합쳐 차이를 봅니다. 전후로 오브젝트 스토어도 보세요:
--   docker compose run --rm s3 du --depth 2 lake/upbit-lake/warehouse/upbit.db/candles_1m
SET 'execution.runtime-mode' = 'batch';

-- 전: 지금 테이블을 이루는 데이터 파일 수와 크기, 스냅샷 수.
SELECT COUNT(*) AS data_files, SUM(file_size_in_bytes) AS total_bytes FROM candles_1m$files;
SELECT COUNT(*) AS snapshots, MIN(snapshot_id) AS earliest, MAX(snapshot_id) AS latest FROM candles_1m$snapshots;

-- 컴팩션: 버킷마다 모든 파일을 하나로 합쳐 COMPACT 스냅샷을 하나 커밋하는 배치 잡.
CALL sys.compact(`table` => 'upbit.candles_1m', compact_strategy => 'full');

SELECT COUNT(*) AS data_files_after_compact, SUM(file_size_in_bytes) AS total_bytes FROM candles_1m$files;

-- 만료: 최근 스냅샷 5개만 남기고 지웁니다. 옛 스냅샷만 쓰던 파일(합치기 전의 작은 파일)이
-- 그때 실제로 지워집니다. 태그가 가리키는 스냅샷의 파일은 남습니다.
-- 시간 기준은 끄고 개수로만 정합니다: older_than을 먼 미래로 주면 모든 스냅샷이 "충분히 오래된"
-- 것이 되어, retain_min(5)만큼만 남습니다. retain_max만 주면 남은 스냅샷들이 테이블의 2시간 보존
-- 규칙에 걸려 경계의 하나가 더 남습니다(이 실습에서 6개가 남는 것을 보았습니다). retain_min을
-- 주지 않으면 테이블 옵션 snapshot.num-retained.min(10)이 쓰여 retain_max(5)보다 커서 거절됩니다.
CALL sys.expire_snapshots(`table` => 'upbit.candles_1m', retain_max => 5, retain_min => 5,
                          older_than => '2099-01-01 00:00:00');

SELECT COUNT(*) AS snapshots_after_expire, MIN(snapshot_id) AS earliest, MAX(snapshot_id) AS latest
FROM candles_1m$snapshots;
