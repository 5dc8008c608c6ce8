-- Nexmark q11 (user sessions). From Flink's q11.sql (RisingWave has none): Flink's
-- GROUP BY bidder, SESSION(dateTime, INTERVAL '10' SECOND) with SESSION_START / SESSION_END is
-- Eddy's SESSION window table function with the bidder as its key (sessions per bidder).
CREATE MATERIALIZED VIEW nexmark_q11 AS
SELECT bidder,
       count(*) AS bid_count,
       window_start AS starttime,
       window_end AS endtime
FROM SESSION(bid, date_time, INTERVAL '10' SECOND, bidder)
GROUP BY bidder, window_start, window_end;
