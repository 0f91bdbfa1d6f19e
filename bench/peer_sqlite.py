#!/usr/bin/python3
"""peer_sqlite.py — SQLite's side of chiso's benchmark (bench/run.sh).

  peer_sqlite.py bulk  DB UNITS_CSV OLD_CSV NDJSON ARRIVED OUT_CSV
  peer_sqlite.py fresh DB RANKS_OUT TIMES_OUT ARRIVAL_WALL BATCH...

bulk runs Debian's sqlite3 command-line shell on one generated script: it
imports every line of the NDJSON as text (.import in ascii mode: one line, one
row; rowid = line order) into a temporary table, picks the latest version of
every MaHoSo (highest NgayCapNhat, ties to the later line), stores its facts and
the record text in the table dossier (one row per MaHoSo, primary key), builds
the index the freshness query needs, commits (WAL, synchronous=FULL: durable,
as chiso is) and writes every measure of every unit and month
(sql/measures.sql) to OUT_CSV. ARRIVED (yyyyMMddHHmmss, Vietnam time) is when
the file reached the system.

fresh uses Python's sqlite3 module (the same Debian libsqlite3 as the shell):
for every batch file, timed, one transaction inserts the lines into a
temporary table and upserts the latest version of each MaHoSo (ties: the
later line) into dossier where it is at least the stored version (SPEC §4.1), commits; then runs
sql/ranking.sql. Writes "batch<TAB>ms" to TIMES_OUT and every ranking to
RANKS_OUT. Batch i arrives at ARRIVAL_WALL + 60 × i (seconds of Vietnam wall
time).
"""
import os
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PRAGMAS = """PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA cache_size=-1048576;
PRAGMA temp_store=MEMORY;
"""

DOSSIER = """CREATE TABLE dossier(
    mahoso TEXT PRIMARY KEY, vkey TEXT NOT NULL, ord INTEGER NOT NULL,
    arrival_s INTEGER NOT NULL, unit TEXT NOT NULL, prov TEXT, status INTEGER,
    kenh INTEGER, mucdo INTEGER, tn TEXT, ht TEXT, kt TEXT, tc TEXT,
    tn_s INTEGER, kt_s INTEGER, vneid INTEGER, digitised INTEGER, paid_online INTEGER,
    fee INTEGER, personal_id INTEGER, e_result INTEGER, rounds INTEGER,
    supplement_s INTEGER, rec TEXT NOT NULL);"""
COLUMNS = ["mahoso", "vkey", "ord", "arrival_s", "unit", "prov", "status", "kenh", "mucdo",
           "tn", "ht", "kt", "tc", "tn_s", "kt_s", "vneid", "digitised", "paid_online", "fee",
           "personal_id", "e_result", "rounds", "supplement_s", "rec"]
# The freshness query reads only the index.
INDEX = "CREATE INDEX dossier_month ON dossier(tn, status, kenh, mucdo, prov);"


def secs(x):
    """Seconds of a yyyyMMddHHmmss stamp (wall time; differences are exact)."""
    return (f"unixepoch(substr({x}, 1, 4) || '-' || substr({x}, 5, 2) || '-' || substr({x}, 7, 2)"
            f" || ' ' || substr({x}, 9, 2) || ':' || substr({x}, 11, 2) || ':' || substr({x}, 13, 2))")


def facts(src):
    """The dossier row of every version of src (columns ord, txt, arrival_s)."""
    return f"""
SELECT f.mahoso, coalesce('1' || f.stamp, '0'), f.ord, f.arrival_s, r.unit, r.prov,
       f.status, f.kenh, f.mucdo, f.tn, f.ht, f.kt, f.tc, {secs('f.tn')}, {secs('f.kt')},
       f.vneid IS '1', f.digitised IS '1', coalesce(f.payment IN (1, 2), 0),
       coalesce((SELECT sum(e.value ->> 'Gia') FROM json_each(f.fees) e
                 WHERE e.type = 'object'), 0),
       EXISTS (SELECT 1 FROM json_each(f.ids) e
               WHERE e.type = 'object' AND e.value ->> 'LoaiDinhDanh' IS 1
                 AND length(e.value ->> 'SoDinhDanh') = 12
                 AND (e.value ->> 'SoDinhDanh') NOT GLOB '*[^0-9]*'
                 AND substr(e.value ->> 'SoDinhDanh', 1, 1) = '0'
                 AND substr(e.value ->> 'SoDinhDanh', 2, 2) IN (SELECT code FROM old_province)
                 AND substr(e.value ->> 'SoDinhDanh', 4, 1) IN ('0', '1', '2', '3')),
       EXISTS (SELECT 1 FROM json_each(f.results) e
               WHERE e.type = 'object' AND (e.value ->> 'DuongDanTepTinKetQua') <> ''),
       (SELECT count(*) FROM json_each(f.rounds) e WHERE e.type = 'object'),
       coalesce((SELECT sum({secs("(e.value ->> 'NgayBoSung')")}
                            - {secs("(e.value ->> 'NgayYeuCau')")})
                 FROM json_each(f.rounds) e
                 WHERE e.type = 'object' AND (e.value ->> 'NgayYeuCau') IS NOT NULL
                   AND (e.value ->> 'NgayBoSung') IS NOT NULL), 0),
       f.txt
FROM (SELECT v.ord, v.txt, v.arrival_s,
             v.txt ->> 'MaHoSo' AS mahoso, v.txt ->> 'NgayCapNhat' AS stamp,
             v.txt ->> 'MaDonVi' AS sent, v.txt ->> 'TrangThaiHoSo' AS status,
             v.txt ->> 'KenhThucHien' AS kenh, v.txt ->> 'MucDo' AS mucdo,
             v.txt ->> 'NgayTiepNhan' AS tn, v.txt ->> 'NgayHenTra' AS ht,
             v.txt ->> 'NgayKetThucXuLy' AS kt, v.txt ->> 'NgayTuChoi' AS tc,
             v.txt ->> 'TaiKhoanDuocXacThucVoiVNeID' AS vneid,
             v.txt ->> 'HoSoCoThanhPhanSoHoa' AS digitised,
             v.txt ->> 'DuocThanhToanTrucTuyen' AS payment,
             v.txt -> 'DanhSachLePhi' AS fees, v.txt -> 'DinhDanhCHS' AS ids,
             v.txt -> 'DanhSachGiayToKetQua' AS results,
             v.txt -> 'DanhSachHoSoBoSung' AS rounds
      FROM {src} v) f
JOIN resolve r ON r.sent = f.sent
WHERE true"""


def read(name):
    with open(os.path.join(HERE, "sql", name)) as f:
        return f.read().strip().rstrip(";")


def bulk(db, units, old, ndjson, arrived, out_csv):
    for p in (db, db + "-wal", db + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    arrival = secs(f"'{arrived}'")
    script = f""".bail on
{PRAGMAS}
CREATE TABLE unit(code TEXT PRIMARY KEY, level TEXT, parent TEXT, province TEXT);
CREATE TABLE old_province(code TEXT PRIMARY KEY, successor TEXT);
.import --csv --skip 1 {units} unit
.import --csv --skip 1 {old} old_province
-- A code a record may name: a 2025 unit (not the root), or a pre-2025 province.
CREATE TABLE resolve(sent TEXT PRIMARY KEY, unit TEXT NOT NULL, prov TEXT);
INSERT INTO resolve
    SELECT code, code, nullif(province, '') FROM unit WHERE level <> 'national'
    UNION ALL
    SELECT code, successor, successor FROM old_province
    WHERE code NOT IN (SELECT code FROM unit);
CREATE TEMP TABLE line(txt TEXT);
.mode ascii
.separator "\\037" "\\n"
.import --schema temp {ndjson} line
.mode csv
BEGIN;
{DOSSIER}
-- The winning version of every MaHoSo: highest NgayCapNhat, then latest line.
CREATE TEMP TABLE win AS
    SELECT ord FROM (
        SELECT rowid AS ord,
               row_number() OVER (PARTITION BY txt ->> 'MaHoSo'
                                  ORDER BY coalesce('1' || (txt ->> 'NgayCapNhat'), '0') DESC,
                                           rowid DESC) AS rn
        FROM temp.line)
    WHERE rn = 1;
INSERT INTO dossier
{facts(f"(SELECT rowid AS ord, txt, {arrival} AS arrival_s FROM temp.line WHERE rowid IN (SELECT ord FROM temp.win))")};
{INDEX}
COMMIT;
DROP TABLE temp.line;
.headers on
.once {out_csv}
{read("measures.sql")};
"""
    r = subprocess.run(["sqlite3", db], input=script, text=True, capture_output=True)
    if r.returncode != 0 or r.stderr.strip():
        sys.stderr.write(r.stderr)
        sys.exit(f"peer_sqlite.py: sqlite3 failed (status {r.returncode})")
    con = sqlite3.connect(db)
    print(f"sqlite: {con.execute('SELECT count(*) FROM dossier').fetchone()[0]} dossiers",
          file=sys.stderr)


def fresh(db, ranks_out, times_out, arrival0, batches):
    con = sqlite3.connect(db, isolation_level=None)
    con.executescript(PRAGMAS)
    con.execute("CREATE TEMP TABLE batch(txt TEXT)")
    update = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("mahoso", "arrival_s"))
    ranking = read("ranking.sql")
    trace = os.environ.get("BENCH_TRACE")  # per-step times on standard error
    ord_base = con.execute("SELECT max(ord) FROM dossier").fetchone()[0] + 1
    with open(ranks_out, "w") as ranks, open(times_out, "w") as times:
        ranks.write("batch,pos,unit,numerator,denominator\n")
        for b, path in enumerate(batches, 1):
            t0 = time.perf_counter()
            with open(path, encoding="utf-8") as f:
                lines = [(l.rstrip("\n"),) for l in f if l.strip()]
            con.execute("BEGIN IMMEDIATE")
            con.execute("DELETE FROM temp.batch")
            con.executemany("INSERT INTO temp.batch(txt) VALUES (?)", lines)
            t1 = time.perf_counter()
            # the batch's latest version of each MaHoSo (ties: the later line)
            src = (f"(SELECT {ord_base} + rowid AS ord, txt, {int(arrival0) + 60 * b} AS arrival_s "
                   "FROM (SELECT rowid, txt, row_number() OVER (PARTITION BY txt ->> 'MaHoSo' "
                   "ORDER BY coalesce('1' || (txt ->> 'NgayCapNhat'), '0') DESC, rowid DESC) AS rn "
                   "FROM temp.batch) WHERE rn = 1)")
            con.execute(f"INSERT INTO dossier {facts(src)} "
                        f"ON CONFLICT (mahoso) DO UPDATE SET {update} "
                        "WHERE excluded.vkey >= dossier.vkey")
            t2 = time.perf_counter()
            con.execute("COMMIT")
            t3 = time.perf_counter()
            rows = con.execute(ranking).fetchall()
            ms = (time.perf_counter() - t0) * 1e3
            if trace:
                print(f"batch {b}: read+insert {(t1 - t0) * 1e3:.1f} upsert {(t2 - t1) * 1e3:.1f} "
                      f"commit {(t3 - t2) * 1e3:.1f} rank {ms - (t3 - t0) * 1e3:.1f} ms",
                      file=sys.stderr)
            ord_base += 1000000
            times.write(f"{b}\t{ms:.3f}\n")
            ranks.writelines(f"{b},{k},{u},{n},{d}\n" for k, (u, n, d) in enumerate(rows, 1))
    con.close()


def main():
    a = sys.argv[1:]
    if a[:1] == ["bulk"] and len(a) == 7:
        bulk(*a[1:])
    elif a[:1] == ["fresh"] and len(a) >= 5:
        fresh(a[1], a[2], a[3], a[4], a[5:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
