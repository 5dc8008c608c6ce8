-- Nexmark q6 (average selling price by seller). From Flink's q6.sql (RisingWave has no plain q6):
-- back-quoted `dateTime` becomes date_time; the derived tables get the aliases PostgreSQL needs.
CREATE MATERIALIZED VIEW nexmark_q6 AS
SELECT Q.seller,
       AVG(Q.price) OVER
           (PARTITION BY Q.seller ORDER BY Q.date_time ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avg_price
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY J.id, J.seller ORDER BY J.price DESC) AS rownum
    FROM (SELECT A.id, A.seller, B.price, B.date_time
          FROM auction AS A,
               bid AS B
          WHERE A.id = B.auction
            AND B.date_time BETWEEN A.date_time AND A.expires) AS J
) AS Q
WHERE Q.rownum <= 1;
