-- Nexmark q12 (processing-time windows). From Flink's q12.sql (RisingWave's reads a p_time column
-- its DDL does not declare): Flink's view B adds the processing time, PROCTIME() (in Eddy the
-- clock reading of the step in which the bid arrives), and bids are counted per bidder in
-- 10-second windows of it. Flink's starttime and endtime keep TUMBLE's names, as RisingWave's.
CREATE VIEW B AS SELECT *, proctime() AS p_time FROM bid;
CREATE MATERIALIZED VIEW nexmark_q12 AS
SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TUMBLE(B, p_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end;
