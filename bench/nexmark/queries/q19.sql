-- Nexmark q19. From RisingWave's q19.sql.
CREATE MATERIALIZED VIEW nexmark_q19 AS
SELECT *
FROM (SELECT *,
             ROW_NUMBER() OVER (
                 PARTITION BY auction
                 ORDER BY price DESC
             ) AS rank_number
      FROM bid)
WHERE rank_number <= 10;
