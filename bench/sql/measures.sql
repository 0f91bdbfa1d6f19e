-- measures.sql — every SPEC §5 measure of every unit for every month of 2025,
-- rolled up the hierarchy: the bulk job of chiso's benchmark, in SQL that
-- DuckDB, SQLite and PostgreSQL all run unchanged (bench/run.sh).
--
-- It reads two tables each peer builds first:
--   unit(code, level, parent, province)   the 2025 units (bench/out/units.csv)
--   dossier(...)                          one row per MaHoSo: the winning
--       version's facts (see the peer scripts): unit is the 2025 unit the
--       record names (pre-2025 province codes resolved to their successor),
--       tn, ht, kt, tc the NgayTiepNhan, NgayHenTra, NgayKetThucXuLy and
--       NgayTuChoi stamps (yyyyMMddHHmmss text, Vietnam time), tn_s and kt_s
--       the same in seconds, arrival_s the dossier's first arrival in
--       seconds of Vietnam wall time, fee the sum of DanhSachLePhi[].Gia,
--       rounds the supplement rounds, supplement_s their seconds (rounds with
--       both dates), and the flags vneid, digitised, paid_online
--       (DuocThanhToanTrucTuyen 1 or 2), personal_id, e_result.
-- Flows are dated by a basis day (SPEC §5); the gauges open and open_overdue
-- are "as of the end of the month": dossiers now in process (2, 4, 5, 6)
-- received by then, and of those the ones whose NgayHenTra day is also by then.
-- The hierarchy is at most three deep (SPEC §2): commune → province → VN,
-- ministry → VN, so a unit's ancestors are itself, its parent and VN.
WITH month(m, period) AS (VALUES
    ('202501', '2025-01'),
    ('202502', '2025-02'),
    ('202503', '2025-03'),
    ('202504', '2025-04'),
    ('202505', '2025-05'),
    ('202506', '2025-06'),
    ('202507', '2025-07'),
    ('202508', '2025-08'),
    ('202509', '2025-09'),
    ('202510', '2025-10'),
    ('202511', '2025-11'),
    ('202512', '2025-12')),
rc AS (   -- dated by NgayTiepNhan: received dossiers (status 2, 4..10)
    SELECT unit, substr(tn, 1, 6) AS m,
           count(*) AS received,
           count(*) FILTER (WHERE kenh = 2) AS received_online,
           count(*) FILTER (WHERE kenh = 3) AS received_postal,
           count(*) FILTER (WHERE mucdo = 4) AS eligible_full,
           count(*) FILTER (WHERE kenh = 2 AND mucdo = 4) AS full_online,
           count(*) FILTER (WHERE personal_id) AS with_personal_id,
           count(*) FILTER (WHERE vneid) AS vneid,
           count(*) FILTER (WHERE digitised) AS digitised,
           count(*) FILTER (WHERE fee > 0) AS fee_bearing,
           count(*) FILTER (WHERE fee > 0 AND paid_online) AS paid_online,
           sum(fee) AS fee_vnd,
           coalesce(sum(fee) FILTER (WHERE paid_online), 0) AS fee_online_vnd,
           count(*) FILTER (WHERE arrival_s <= tn_s + 86400) AS synced_on_time,
           count(*) FILTER (WHERE status = 7) AS withdrawn
    FROM dossier
    WHERE status IN (2, 4, 5, 6, 7, 8, 9, 10) AND tn >= '20250101' AND tn < '20260101'
    GROUP BY unit, substr(tn, 1, 6)),
cp AS (   -- dated by NgayKetThucXuLy: completed (status 9, 10 with an end date)
    SELECT unit, substr(kt, 1, 6) AS m,
           count(*) AS completed,
           count(*) FILTER (WHERE ht IS NOT NULL AND kt <= ht AND rounds <= 1) AS
                  completed_on_time,
           count(*) FILTER (WHERE e_result) AS e_result,
           sum(kt_s - tn_s - supplement_s) AS processing_seconds
    FROM dossier
    WHERE status IN (9, 10) AND kt >= '20250101' AND kt < '20260101'
    GROUP BY unit, substr(kt, 1, 6)),
rf AS (   -- dated by NgayTuChoi, else NgayTiepNhan: refused (status 3, 8)
    SELECT unit, substr(coalesce(tc, tn), 1, 6) AS m, count(*) AS refused
    FROM dossier
    WHERE status IN (3, 8) AND coalesce(tc, tn) >= '20250101' AND coalesce(tc, tn) < '20260101'
    GROUP BY unit, substr(coalesce(tc, tn), 1, 6)),
go AS (   -- entering the open gauge: the month received (earlier years: '0')
    SELECT unit, CASE WHEN tn < '20250101' THEN '0' ELSE substr(tn, 1, 6) END AS em,
           count(*) AS n
    FROM dossier WHERE status IN (2, 4, 5, 6)
    GROUP BY unit, CASE WHEN tn < '20250101' THEN '0' ELSE substr(tn, 1, 6) END),
gd AS (   -- entering open_overdue: the later of the receipt and due months
    SELECT unit, CASE WHEN ht < '20250101' AND tn < '20250101' THEN '0'
                      WHEN ht > tn THEN substr(ht, 1, 6) ELSE substr(tn, 1, 6) END AS em,
           count(*) AS n
    FROM dossier WHERE status IN (2, 4, 5, 6) AND ht IS NOT NULL
    GROUP BY unit, CASE WHEN ht < '20250101' AND tn < '20250101' THEN '0'
                        WHEN ht > tn THEN substr(ht, 1, 6) ELSE substr(tn, 1, 6) END),
own AS (  -- per unit and month, the unit's own records
    SELECT unit, m, received, received_online, received_postal, eligible_full, full_online,
           with_personal_id, vneid, digitised, fee_bearing, paid_online, fee_vnd, fee_online_vnd,
           synced_on_time, 0 AS completed, 0 AS completed_on_time, 0 AS e_result,
           0 AS processing_seconds, 0 AS refused, withdrawn, 0 AS open, 0 AS open_overdue
    FROM rc
    UNION ALL
    SELECT unit, m, 0 AS received, 0 AS received_online, 0 AS received_postal,
           0 AS eligible_full, 0 AS full_online, 0 AS with_personal_id, 0 AS vneid, 0 AS digitised,
           0 AS fee_bearing, 0 AS paid_online, 0 AS fee_vnd, 0 AS fee_online_vnd,
           0 AS synced_on_time, completed, completed_on_time, e_result, processing_seconds,
           0 AS refused, 0 AS withdrawn, 0 AS open, 0 AS open_overdue
    FROM cp
    UNION ALL
    SELECT unit, m, 0 AS received, 0 AS received_online, 0 AS received_postal,
           0 AS eligible_full, 0 AS full_online, 0 AS with_personal_id, 0 AS vneid, 0 AS digitised,
           0 AS fee_bearing, 0 AS paid_online, 0 AS fee_vnd, 0 AS fee_online_vnd,
           0 AS synced_on_time, 0 AS completed, 0 AS completed_on_time, 0 AS e_result,
           0 AS processing_seconds, refused, 0 AS withdrawn, 0 AS open, 0 AS open_overdue
    FROM rf
    UNION ALL
    SELECT unit, m, 0 AS received, 0 AS received_online, 0 AS received_postal,
           0 AS eligible_full, 0 AS full_online, 0 AS with_personal_id, 0 AS vneid, 0 AS digitised,
           0 AS fee_bearing, 0 AS paid_online, 0 AS fee_vnd, 0 AS fee_online_vnd,
           0 AS synced_on_time, 0 AS completed, 0 AS completed_on_time, 0 AS e_result,
           0 AS processing_seconds, 0 AS refused, 0 AS withdrawn, sum(n) AS open, 0 AS open_overdue
    FROM go JOIN month ON go.em <= month.m GROUP BY unit, m
    UNION ALL
    SELECT unit, m, 0 AS received, 0 AS received_online, 0 AS received_postal,
           0 AS eligible_full, 0 AS full_online, 0 AS with_personal_id, 0 AS vneid, 0 AS digitised,
           0 AS fee_bearing, 0 AS paid_online, 0 AS fee_vnd, 0 AS fee_online_vnd,
           0 AS synced_on_time, 0 AS completed, 0 AS completed_on_time, 0 AS e_result,
           0 AS processing_seconds, 0 AS refused, 0 AS withdrawn, 0 AS open, sum(n) AS open_overdue
    FROM gd JOIN month ON gd.em <= month.m GROUP BY unit, m),
closure(unit, anc) AS (
    SELECT code, code FROM unit
    UNION ALL SELECT code, parent FROM unit WHERE coalesce(parent, '') <> ''
    UNION ALL SELECT code, 'VN' FROM unit WHERE level = 'commune'),
up AS (   -- per unit and month, its subtree
    SELECT c.anc AS unit, o.m,
           sum(o.received) AS received, sum(o.received_online) AS received_online,
           sum(o.received_postal) AS received_postal, sum(o.eligible_full) AS eligible_full,
           sum(o.full_online) AS full_online, sum(o.with_personal_id) AS with_personal_id,
           sum(o.vneid) AS vneid, sum(o.digitised) AS digitised,
           sum(o.fee_bearing) AS fee_bearing, sum(o.paid_online) AS paid_online,
           sum(o.fee_vnd) AS fee_vnd, sum(o.fee_online_vnd) AS fee_online_vnd,
           sum(o.synced_on_time) AS synced_on_time, sum(o.completed) AS completed,
           sum(o.completed_on_time) AS completed_on_time, sum(o.e_result) AS e_result,
           sum(o.processing_seconds) AS processing_seconds, sum(o.refused) AS refused,
           sum(o.withdrawn) AS withdrawn, sum(o.open) AS open,
           sum(o.open_overdue) AS open_overdue
    FROM own o JOIN closure c ON c.unit = o.unit
    GROUP BY c.anc, o.m)
SELECT u.code AS unit, u.level, month.period,
       coalesce(up.received, 0) AS received, coalesce(up.received_online, 0) AS received_online,
       coalesce(up.received_postal, 0) AS received_postal, coalesce(up.eligible_full, 0) AS eligible_full,
       coalesce(up.full_online, 0) AS full_online, coalesce(up.with_personal_id, 0) AS with_personal_id,
       coalesce(up.vneid, 0) AS vneid, coalesce(up.digitised, 0) AS digitised,
       coalesce(up.fee_bearing, 0) AS fee_bearing, coalesce(up.paid_online, 0) AS paid_online,
       coalesce(up.fee_vnd, 0) AS fee_vnd, coalesce(up.fee_online_vnd, 0) AS fee_online_vnd,
       coalesce(up.synced_on_time, 0) AS synced_on_time, coalesce(up.completed, 0) AS completed,
       coalesce(up.completed_on_time, 0) AS completed_on_time, coalesce(up.e_result, 0) AS e_result,
       coalesce(up.processing_seconds, 0) AS processing_seconds, coalesce(up.refused, 0) AS refused,
       coalesce(up.withdrawn, 0) AS withdrawn, coalesce(up.open, 0) AS open,
       coalesce(up.open_overdue, 0) AS open_overdue
FROM unit u CROSS JOIN month
LEFT JOIN up ON up.unit = u.code AND up.m = month.m
ORDER BY u.code, month.period;
