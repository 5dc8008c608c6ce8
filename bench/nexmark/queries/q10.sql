-- Nexmark q10 (log to file system). From RisingWave's q10.sql: the view stands for the partitioned
-- file sink of Flink's original.
CREATE MATERIALIZED VIEW nexmark_q10 AS
SELECT auction,
       bidder,
       price,
       date_time,
       TO_CHAR(date_time, 'YYYY-MM-DD') AS date,
       TO_CHAR(date_time, 'HH:MI')      AS time
FROM bid;
