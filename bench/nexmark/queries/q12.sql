-- Nexmark q12 (processing-time windows). From Flink's q12.sql (RisingWave's reads a p_time column
-- its DDL does not declare): bids counted per bidder in 10-second windows of processing time.
CREATE MATERIALIZED VIEW nexmark_q12 AS
SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TUMBLE((SELECT *, proctime() AS p_time FROM bid) AS B, p_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end;
