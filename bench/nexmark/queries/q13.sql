-- Nexmark q13 (bounded side input join). From RisingWave's q13.sql with its template set to
-- 10,000 side-input rows (Flink's file). The side input never changes while bids arrive, so the
-- processing-time lookup (FOR SYSTEM_TIME AS OF PROCTIME()) is the plain join written here.
CREATE TABLE side_input (
    key BIGINT PRIMARY KEY,
    value VARCHAR
);
INSERT INTO side_input SELECT v, v::varchar FROM generate_series(0, 10000 - 1) AS s(v);
CREATE MATERIALIZED VIEW nexmark_q13 AS
SELECT B.auction, B.bidder, B.price, B.date_time, S.value
FROM bid B JOIN side_input S ON mod(B.auction, 10000) = S.key;
