-- Nexmark q3 (local item suggestion). From RisingWave's q3.sql, with Flink's upper-case state
-- codes (the generator's, as Flink's; RisingWave's generator writes lower case).
CREATE MATERIALIZED VIEW nexmark_q3 AS
SELECT P.name,
       P.city,
       P.state,
       A.id
FROM auction AS A
         INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10
  AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
