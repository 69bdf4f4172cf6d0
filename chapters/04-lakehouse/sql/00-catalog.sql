-- 00-catalog.sql: 오브젝트 스토어(S3) 위의 Paimon 카탈로그 `lake`와 데이터베이스 `upbit`.
-- 다른 스크립트 앞에 세션 초기화 파일로 읽습니다:
--   docker compose run --rm sql-client -i /sql-lake/00-catalog.sql -f /sql-lake/20-snapshots.sql
-- 카탈로그 정의는 SQL 세션 안에만 있으므로(Flink 기본 카탈로그 저장소는 메모리) 세션마다 다시
-- 선언합니다. 테이블과 데이터는 버킷 upbit-lake의 warehouse/ 아래에 파일로 남아 있으므로,
-- 같은 정의로 다시 선언하면 언제든 같은 테이블이 보입니다.

SET 'sql-client.execution.result-mode' = 'tableau';
-- 1분 캔들의 라벨과 날짜 파티션을 한국 시각으로 계산하고 보여 줍니다.
SET 'table.local-time-zone' = 'Asia/Seoul';

-- 키(액세스 키, 시크릿 키)는 여기 적지 않습니다. Flink 컨테이너의 환경 변수
-- AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY(값은 compose/.env의 S3_ACCESS_KEY / S3_SECRET_KEY)를
-- S3 클라이언트가 알아서 읽습니다. AWS S3로 옮길 때도 이 문장에서 바뀌는 것은 엔드포인트뿐입니다:
-- s3.endpoint와 s3.path.style.access를 지우고 warehouse를 내 버킷으로 바꾸면 됩니다.
CREATE CATALOG IF NOT EXISTS lake WITH (
  'type' = 'paimon',
  -- 테이블 하나 = 이 아래의 폴더 하나 (warehouse/upbit.db/candles_1m/...).
  'warehouse' = 's3://upbit-lake/warehouse',
  -- 컨테이너 안에서 보는 주소입니다 (호스트의 127.0.0.1:9000이 아님).
  's3.endpoint' = 'http://object-store:9000',
  -- 버킷을 호스트 이름(upbit-lake.object-store)이 아닌 경로(object-store:9000/upbit-lake)로
  -- 부릅니다. 직접 띄운 S3 서버에는 버킷마다 DNS 이름이 없으니 꼭 필요합니다.
  's3.path.style.access' = 'true'
);

USE CATALOG lake;
CREATE DATABASE IF NOT EXISTS upbit;
USE upbit;
