-- Nexmark q14 (calculation). From RisingWave's q14.sql; count_char is a user-defined function as
-- in Flink's original (a Java UDF there, JavaScript here: the number of times character c occurs
-- in s, 0 for NULL; counted with split, which QuickJS runs natively). Flink's original also
-- outputs `extra`, which RisingWave's comments out; kept out as in RisingWave.
CREATE FUNCTION count_char(s text, c text) RETURNS bigint LANGUAGE javascript AS $$ return s === null ? 0 : s.split(c).length - 1 $$;
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
       count_char(extra, 'c') AS c_counts
FROM bid
WHERE 0.908 * price > 1000000
  AND 0.908 * price < 50000000;
