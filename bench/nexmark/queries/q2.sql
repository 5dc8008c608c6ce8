-- Nexmark q2 (selection). From RisingWave's q2.sql: a list of auction ids, not Flink's
-- `MOD(auction, 123) = 0`, so that the result is small and the list is hit by generated ids.
CREATE MATERIALIZED VIEW nexmark_q2 AS
SELECT auction, price
FROM bid
WHERE auction = 1007
   OR auction = 1020
   OR auction = 2001
   OR auction = 2019
   OR auction = 2087;
