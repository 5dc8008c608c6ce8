-- Nexmark q14 (calculation). From RisingWave's q14.sql, which defines count_char as a SQL
-- function; its body is written inline here (Eddy has no CREATE FUNCTION yet). Flink's original
-- also outputs `extra`, which RisingWave's comments out; kept out as in RisingWave.
CREATE MATERIALIZED VIEW nexmark_q14 AS
SELECT auction,
       bidder,
       0.908 * price AS price,
       CASE
           WHEN
                       extract(hour FROM date_time) >= 8 AND
                       extract(hour FROM date_time) <= 18
               THEN 'dayTime'
           WHEN
                       extract(hour FROM date_time) <= 6 OR
                       extract(hour FROM date_time) >= 20
               THEN 'nightTime'
           ELSE 'otherTime'
           END       AS bidTimeType,
       date_time,
       length(extra) - length(replace(extra, 'c', '')) AS c_counts
FROM bid
WHERE 0.908 * price > 1000000
  AND 0.908 * price < 50000000;
