-- reference.sql — an independent computation of chiso's load counts and measures
-- (SPEC §4.1 and §5) in plain SQLite, for the integration test.
--
-- Input tables, filled by reference.py before this script runs:
--   unit(code, level, parent)          VN, ministries, provinces, communes (2025)
--   old_province(code, successor)      provinces-2008.csv
--   src_file(file_no, name, arrived_at) batches in load order, arrival in Vietnam time
--   src_line(file_no, line_no, txt, bad_utf8, dup_key)
--       every line of every file as text; the two things SQLite cannot see are
--       flagged by the loader: bytes that are not UTF-8, and repeated keys.
-- Output tables: problem, version, version_fate, winner, dossier, flow, closure.
-- Period queries (in reference.py) sum flow over days and count the gauges.

CREATE INDEX src_line_file ON src_line(file_no, line_no);

CREATE TABLE line AS
SELECT l.file_no, l.line_no, f.arrived_at, l.txt, l.bad_utf8, l.dup_key,
       l.file_no * 10000000 + l.line_no AS ord          -- arrival order
FROM src_line l JOIN src_file f USING (file_no);
CREATE UNIQUE INDEX line_ord ON line(ord);

-- Field tables: validity rules as data.
CREATE TABLE date_field(name TEXT PRIMARY KEY);
INSERT INTO date_field VALUES ('NgayNopHoSo'), ('NgayTiepNhan'), ('NgayHenTra'),
    ('NgayKetThucXuLy'), ('NgayTra'), ('NgayTuChoi'), ('NgayCapNhat');
CREATE TABLE int_field(name TEXT PRIMARY KEY, lo INTEGER, hi INTEGER);
INSERT INTO int_field VALUES ('KenhThucHien', 1, 3), ('MucDo', 2, 4),
    ('TrangThaiHoSo', 1, 10), ('DuocThanhToanTrucTuyen', 0, 3);
CREATE TABLE flag_field(name TEXT PRIMARY KEY);
INSERT INTO flag_field VALUES ('HoSoCoThanhPhanSoHoa'), ('TaiKhoanDuocXacThucVoiVNeID');
CREATE TABLE required_field(name TEXT PRIMARY KEY);
INSERT INTO required_field VALUES ('MaHoSo'), ('MaDonVi'), ('MaTTHC');
-- Integer fields inside array elements (the element must be an object to count).
CREATE TABLE element_int_field(arr TEXT, name TEXT);
INSERT INTO element_int_field VALUES ('DanhSachLePhi', 'Gia'), ('DinhDanhCHS', 'LoaiDinhDanh');

-- Every reason a line is refused, one row per reason.
CREATE TABLE problem(ord INTEGER, field TEXT, reason TEXT);

INSERT INTO problem SELECT ord, '', 'invalid UTF-8' FROM line WHERE bad_utf8;
INSERT INTO problem SELECT ord, '', 'not strict JSON'
FROM line WHERE txt <> '' AND NOT bad_utf8 AND NOT json_valid(txt);
INSERT INTO problem SELECT ord, '', 'repeated key' FROM line WHERE dup_key;
INSERT INTO problem SELECT ord, '', 'not an object'
FROM line WHERE txt <> '' AND NOT bad_utf8 AND json_valid(txt) AND json_type(txt) <> 'object';

-- Lines that are JSON objects: the field rules apply to them.
CREATE TABLE obj AS
SELECT * FROM line
WHERE txt <> '' AND NOT bad_utf8 AND json_valid(txt) AND json_type(txt) = 'object';
CREATE UNIQUE INDEX obj_ord ON obj(ord);

INSERT INTO problem SELECT o.ord, f.name, 'missing or not a non-empty string'
FROM obj o, required_field f
WHERE json_type(o.txt, '$.' || f.name) IS NOT 'text'
   OR json_extract(o.txt, '$.' || f.name) = '';

INSERT INTO problem SELECT o.ord, 'MaDonVi', 'unknown unit'
FROM obj o
WHERE json_type(o.txt, '$.MaDonVi') = 'text'
  AND json_extract(o.txt, '$.MaDonVi') <> ''
  AND json_extract(o.txt, '$.MaDonVi') NOT IN
      (SELECT code FROM unit WHERE level <> 'national' UNION SELECT code FROM old_province);

INSERT INTO problem SELECT o.ord, f.name, 'not an integer in range'
FROM obj o, int_field f
WHERE coalesce(json_type(o.txt, '$.' || f.name), 'null') <> 'null'
  AND NOT (json_type(o.txt, '$.' || f.name) = 'integer'
           AND json_extract(o.txt, '$.' || f.name) BETWEEN f.lo AND f.hi);

INSERT INTO problem SELECT o.ord, f.name, 'not "0" or "1"'
FROM obj o, flag_field f
WHERE coalesce(json_type(o.txt, '$.' || f.name), 'null') <> 'null'
  AND NOT (json_type(o.txt, '$.' || f.name) = 'text'
           AND json_extract(o.txt, '$.' || f.name) IN ('0', '1'));

INSERT INTO problem SELECT o.ord, a.arr || '.' || a.name, 'not an integer'
FROM obj o, element_int_field a, json_each(o.txt, '$.' || a.arr) e
WHERE json_type(o.txt, '$.' || a.arr) = 'array' AND e.type = 'object'
  AND coalesce(json_type(e.value, '$.' || a.name), 'null') <> 'null'
  AND json_type(e.value, '$.' || a.name) <> 'integer';

-- Dates, at the top level and inside supplement rounds: 14 ASCII digits naming
-- a real moment. SQLite's date functions normalise "2025-02-30 24:00:00" to
-- another moment, so a round trip through strftime() must give the same digits.
CREATE TABLE date_value AS
SELECT o.ord, f.name AS field, json_type(o.txt, '$.' || f.name) AS t,
       json_extract(o.txt, '$.' || f.name) AS v
FROM obj o, date_field f
UNION ALL
SELECT o.ord, 'DanhSachHoSoBoSung.' || k.name, json_type(e.value, '$.' || k.name),
       json_extract(e.value, '$.' || k.name)
FROM obj o, json_each(o.txt, '$.DanhSachHoSoBoSung') e,
     (SELECT 'NgayYeuCau' AS name UNION ALL SELECT 'NgayBoSung') k
WHERE json_type(o.txt, '$.DanhSachHoSoBoSung') = 'array' AND e.type = 'object';

INSERT INTO problem SELECT ord, field, 'not a date'
FROM date_value
WHERE coalesce(t, 'null') <> 'null'
  AND NOT (t = 'text' AND length(v) = 14 AND v NOT GLOB '*[^0-9]*'
           AND strftime('%Y%m%d%H%M%S',
                        substr(v, 1, 4) || '-' || substr(v, 5, 2) || '-' || substr(v, 7, 2)
                        || ' ' || substr(v, 9, 2) || ':' || substr(v, 11, 2) || ':'
                        || substr(v, 13, 2), '+0 seconds') IS v);

INSERT INTO problem SELECT ord, 'NgayTiepNhan', 'required when TrangThaiHoSo >= 2'
FROM obj
WHERE json_type(txt, '$.TrangThaiHoSo') = 'integer'
  AND json_extract(txt, '$.TrangThaiHoSo') >= 2
  AND coalesce(json_type(txt, '$.NgayTiepNhan'), 'null') = 'null';

INSERT INTO problem SELECT ord, 'NgayKetThucXuLy', 'before NgayTiepNhan'
FROM obj
WHERE json_type(txt, '$.NgayKetThucXuLy') = 'text' AND json_type(txt, '$.NgayTiepNhan') = 'text'
  AND json_extract(txt, '$.NgayKetThucXuLy') < json_extract(txt, '$.NgayTiepNhan');

CREATE INDEX problem_ord ON problem(ord);

-- Valid versions, and their rank: stamped above unstamped, then by stamp
-- ('0' sorts below '1yyyyMMddHHmmss'); ties go to the later arrival (ord).
CREATE TABLE version AS
SELECT o.ord, o.file_no, o.line_no, o.arrived_at, o.txt,
       json_extract(o.txt, '$.MaHoSo') AS mahoso,
       CASE WHEN json_type(o.txt, '$.NgayCapNhat') = 'text'
            THEN '1' || json_extract(o.txt, '$.NgayCapNhat') ELSE '0' END AS rank_key
FROM obj o
WHERE NOT EXISTS (SELECT 1 FROM problem p WHERE p.ord = o.ord);
CREATE INDEX version_mahoso ON version(mahoso, ord);

-- What chiso's load must report per line: a new dossier is accepted, a version
-- ranking at least as high as the best one stored so far replaces it (it arrives
-- later, so it wins a tie), anything lower is stale.
CREATE TABLE version_fate AS
SELECT ord, file_no, line_no, mahoso,
       CASE WHEN prev_best IS NULL THEN 'accepted'
            WHEN rank_key >= prev_best THEN 'replaced'
            ELSE 'stale' END AS fate
FROM (SELECT ord, file_no, line_no, mahoso, rank_key,
             max(rank_key) OVER (PARTITION BY mahoso ORDER BY ord
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_best
      FROM version);

CREATE TABLE winner AS
SELECT mahoso, txt,
       (SELECT v2.arrived_at FROM version v2 WHERE v2.mahoso = w.mahoso
        ORDER BY v2.ord LIMIT 1) AS first_arrival
FROM (SELECT mahoso, txt,
             row_number() OVER (PARTITION BY mahoso ORDER BY rank_key DESC, ord DESC) AS rn
      FROM version) w
WHERE rn = 1;

-- One row per dossier: the facts of its winning version.
CREATE TABLE dossier_raw AS
SELECT w.mahoso,
       json_extract(w.txt, '$.MaDonVi') AS unit_sent,
       json_extract(w.txt, '$.TrangThaiHoSo') AS status,
       json_extract(w.txt, '$.KenhThucHien') AS kenh,
       json_extract(w.txt, '$.MucDo') AS mucdo,
       json_extract(w.txt, '$.NgayTiepNhan') AS tn,
       json_extract(w.txt, '$.NgayHenTra') AS ht,
       json_extract(w.txt, '$.NgayKetThucXuLy') AS kt,
       json_extract(w.txt, '$.NgayTuChoi') AS tc,
       w.first_arrival,
       json_extract(w.txt, '$.TaiKhoanDuocXacThucVoiVNeID') IS '1' AS vneid,
       json_extract(w.txt, '$.HoSoCoThanhPhanSoHoa') IS '1' AS digitised,
       json_extract(w.txt, '$.DuocThanhToanTrucTuyen') IN (1, 2) AS paid_online,
       coalesce((SELECT sum(json_extract(e.value, '$.Gia'))
                 FROM json_each(w.txt, '$.DanhSachLePhi') e WHERE e.type = 'object'), 0) AS fee,
       EXISTS (SELECT 1 FROM (SELECT json_extract(e.value, '$.SoDinhDanh') AS s
                              FROM json_each(w.txt, '$.DinhDanhCHS') e
                              WHERE e.type = 'object'
                                AND json_type(e.value, '$.LoaiDinhDanh') = 'integer'
                                AND json_extract(e.value, '$.LoaiDinhDanh') = 1
                                AND json_type(e.value, '$.SoDinhDanh') = 'text') i
               WHERE length(i.s) = 12 AND i.s NOT GLOB '*[^0-9]*'
                 AND substr(i.s, 1, 1) = '0'
                 AND substr(i.s, 2, 2) IN (SELECT code FROM old_province)
                 AND substr(i.s, 4, 1) IN ('0', '1', '2', '3')) AS personal_id,
       EXISTS (SELECT 1 FROM json_each(w.txt, '$.DanhSachGiayToKetQua') e
               WHERE e.type = 'object'
                 AND json_type(e.value, '$.DuongDanTepTinKetQua') = 'text'
                 AND json_extract(e.value, '$.DuongDanTepTinKetQua') <> '') AS e_result,
       (SELECT count(*) FROM json_each(w.txt, '$.DanhSachHoSoBoSung') e
        WHERE e.type = 'object') AS rounds,
       (SELECT json_group_array(json_array(json_extract(e.value, '$.NgayYeuCau'),
                                           json_extract(e.value, '$.NgayBoSung')))
        FROM json_each(w.txt, '$.DanhSachHoSoBoSung') e
        WHERE e.type = 'object'
          AND json_type(e.value, '$.NgayYeuCau') = 'text'
          AND json_type(e.value, '$.NgayBoSung') = 'text') AS full_rounds
FROM winner w;

-- Old province codes are attributed to their successor. Calendar seconds of a
-- stamp via unixepoch(): all stamps are Vietnam wall time, so differences and
-- comparisons need no zone.
CREATE TABLE dossier AS
SELECT d.*,
       CASE WHEN d.unit_sent IN (SELECT code FROM unit) THEN d.unit_sent
            ELSE (SELECT successor FROM old_province p WHERE p.code = d.unit_sent) END AS unit,
       unixepoch(substr(tn, 1, 4) || '-' || substr(tn, 5, 2) || '-' || substr(tn, 7, 2) || ' '
                 || substr(tn, 9, 2) || ':' || substr(tn, 11, 2) || ':' || substr(tn, 13, 2)) AS tn_s,
       unixepoch(substr(kt, 1, 4) || '-' || substr(kt, 5, 2) || '-' || substr(kt, 7, 2) || ' '
                 || substr(kt, 9, 2) || ':' || substr(kt, 11, 2) || ':' || substr(kt, 13, 2)) AS kt_s,
       unixepoch(substr(first_arrival, 1, 4) || '-' || substr(first_arrival, 5, 2) || '-'
                 || substr(first_arrival, 7, 2) || ' ' || substr(first_arrival, 9, 2) || ':'
                 || substr(first_arrival, 11, 2) || ':' || substr(first_arrival, 13, 2)) AS arrival_s,
       coalesce((SELECT sum(
           unixepoch(substr(r.value ->> 1, 1, 4) || '-' || substr(r.value ->> 1, 5, 2) || '-'
                     || substr(r.value ->> 1, 7, 2) || ' ' || substr(r.value ->> 1, 9, 2) || ':'
                     || substr(r.value ->> 1, 11, 2) || ':' || substr(r.value ->> 1, 13, 2))
         - unixepoch(substr(r.value ->> 0, 1, 4) || '-' || substr(r.value ->> 0, 5, 2) || '-'
                     || substr(r.value ->> 0, 7, 2) || ' ' || substr(r.value ->> 0, 9, 2) || ':'
                     || substr(r.value ->> 0, 11, 2) || ':' || substr(r.value ->> 0, 13, 2)))
         FROM json_each(d.full_rounds) r), 0) AS supplement_s
FROM dossier_raw d;

-- Flows: one row per dossier and basis day, every measure as a column.
CREATE TABLE flow(unit TEXT, day TEXT,
    received INT, received_online INT, received_postal INT, eligible_full INT,
    full_online INT, with_personal_id INT, vneid INT, digitised INT, fee_bearing INT,
    paid_online INT, fee_vnd INT, fee_online_vnd INT, synced_on_time INT,
    completed INT, completed_on_time INT, e_result INT, processing_seconds INT,
    refused INT, withdrawn INT);

-- dated by NgayTiepNhan: received dossiers only (status 2, 4..10)
INSERT INTO flow
SELECT unit, substr(tn, 1, 8),
       1, kenh IS 2, kenh IS 3, mucdo IS 4, kenh IS 2 AND mucdo IS 4,
       personal_id, vneid, digitised, fee > 0, fee > 0 AND paid_online,
       fee, CASE WHEN paid_online THEN fee ELSE 0 END,
       arrival_s <= tn_s + 86400,
       0, 0, 0, 0, 0, status IS 7
FROM dossier WHERE status IN (2, 4, 5, 6, 7, 8, 9, 10);

-- dated by NgayKetThucXuLy: completed = status 9 or 10 with an end date
INSERT INTO flow
SELECT unit, substr(kt, 1, 8),
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       1, ht IS NOT NULL AND kt <= ht AND rounds <= 1, e_result,
       kt_s - tn_s - supplement_s,
       0, 0
FROM dossier WHERE status IN (9, 10) AND kt IS NOT NULL;

-- dated by NgayTuChoi, else NgayTiepNhan: refused = status 3 or 8
INSERT INTO flow
SELECT unit, substr(coalesce(tc, tn), 1, 8),
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       1, 0
FROM dossier WHERE status IN (3, 8);

CREATE INDEX flow_day ON flow(day);

-- The hierarchy: each unit with itself (self = 1) and its ancestors.
CREATE TABLE closure(unit TEXT, anc TEXT, self INT);
INSERT INTO closure
WITH RECURSIVE up(unit, anc, self) AS (
    SELECT code, code, 1 FROM unit
    UNION ALL
    SELECT up.unit, u.parent, 0 FROM up JOIN unit u ON u.code = up.anc
    WHERE u.parent IS NOT NULL)
SELECT unit, anc, self FROM up;
CREATE INDEX closure_unit ON closure(unit);
