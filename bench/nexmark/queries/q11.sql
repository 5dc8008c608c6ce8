-- Nexmark q11 (user sessions). From Flink's q11.sql (RisingWave has none): a bidder's session is a
-- run of bids with gaps of at most 10 seconds; it ends 10 seconds after its last bid. Eddy has no
-- SESSION window yet, so the sessions are numbered with window functions: a bid more than 10
-- seconds after the bidder's previous one starts a session, and a running count of starts numbers
-- them. Same rows as Flink's GROUP BY bidder, SESSION(dateTime, INTERVAL '10' SECOND).
CREATE MATERIALIZED VIEW nexmark_q11 AS
SELECT bidder,
       count(*) AS bid_count,
       min(date_time) AS starttime,
       max(date_time) + INTERVAL '10' SECOND AS endtime
FROM (SELECT bidder, date_time,
             sum(is_start) OVER (PARTITION BY bidder ORDER BY date_time
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
      FROM (SELECT bidder, date_time,
                   CASE WHEN date_time - lag(date_time) OVER (PARTITION BY bidder ORDER BY date_time)
                             <= INTERVAL '10' SECOND THEN 0 ELSE 1 END AS is_start
            FROM bid) AS S) AS N
GROUP BY bidder, session;
