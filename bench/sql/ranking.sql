-- ranking.sql — the freshness query of chiso's benchmark, the same text for
-- DuckDB, SQLite and PostgreSQL: the 34 provinces ranked by toan_trinh
-- (100 × full_online / received, SPEC §5) for 2025-12, best first, ties by
-- unit code, provinces without a received dossier last (unranked). prov is the
-- province of the dossier's unit (NULL for ministries), kept in dossier so
-- that an index on (tn, ...) covers the query.
WITH r AS (
    SELECT prov, count(*) FILTER (WHERE kenh = 2 AND mucdo = 4) AS num, count(*) AS den
    FROM dossier
    WHERE tn >= '20251201' AND tn < '20260101' AND status IN (2, 4, 5, 6, 7, 8, 9, 10)
      AND prov IS NOT NULL
    GROUP BY prov)
SELECT u.code, coalesce(r.num, 0) AS num, coalesce(r.den, 0) AS den
FROM unit u LEFT JOIN r ON r.prov = u.code
WHERE u.level = 'province'
ORDER BY coalesce(r.den, 0) = 0, 1.0 * r.num / r.den DESC, u.code
