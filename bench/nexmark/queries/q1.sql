-- Nexmark q1 (currency conversion). From RisingWave's q1.sql.
CREATE MATERIALIZED VIEW nexmark_q1 AS
SELECT auction,
       bidder,
       0.908 * price AS price,
       date_time
FROM bid;
