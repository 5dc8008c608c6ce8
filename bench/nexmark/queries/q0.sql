-- Nexmark q0 (pass through). From RisingWave's q0.sql; Flink's q0.sql is the original.
CREATE MATERIALIZED VIEW nexmark_q0 AS
SELECT auction, bidder, price, date_time
FROM bid;
