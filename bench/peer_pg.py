#!/usr/bin/python3
"""peer_pg.py — PostgreSQL's side of chiso's benchmark (bench/run.sh), with
Debian's python3-psycopg2. The server is bench/run.sh's own (bench/pg.sh):
libpq finds it through PGHOST, PGPORT, PGUSER and PGDATABASE.

  peer_pg.py bulk  UNITS_CSV OLD_CSV NDJSON ARRIVED OUT_CSV
  peer_pg.py fresh RANKS_OUT TIMES_OUT ARRIVAL_WALL BATCH...

bulk: one transaction COPYs every line of the NDJSON (server-side COPY, each
line one jsonb value, in line order) into an unlogged staging table, picks the
latest version of every MaHoSo (highest NgayCapNhat, ties to the later line),
creates the table dossier with CREATE TABLE AS (its facts and the record as
jsonb, one row per MaHoSo; unlike INSERT ... SELECT, its query may use
parallel workers) and its
indexes, and commits (fsync on, synchronous_commit on: durable;
with wal_level=minimal a table created and filled in one transaction is
written and synced at commit instead of WAL-logged). Then VACUUM ANALYZE, and
every measure of every unit and month (sql/measures.sql) to OUT_CSV.
ARRIVED (yyyyMMddHHmmss, Vietnam time) is when the file reached the system.

fresh: for every batch file, timed: one transaction COPYs the batch (from the
client) into a temporary table and upserts the latest version of each MaHoSo
(ties: the later line) into dossier where it is at least the stored version
(SPEC §4.1), commits; then runs sql/ranking.sql. Writes "batch<TAB>ms" to
TIMES_OUT and every ranking to RANKS_OUT. Batch i arrives at
ARRIVAL_WALL + 60 × i (seconds of Vietnam wall time).
"""
import io
import os
import sys
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
# One line, one value: no quote, delimiter or escape character occurs in NDJSON.
LINES = "(FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"

COLUMNS = ["mahoso", "vkey", "ord", "arrival_s", "unit", "prov", "status", "kenh", "mucdo",
           "tn", "ht", "kt", "tc", "tn_s", "kt_s", "vneid", "digitised", "paid_online", "fee",
           "personal_id", "e_result", "rounds", "supplement_s", "rec"]
INDEXES = """ALTER TABLE dossier ADD PRIMARY KEY (mahoso);
CREATE INDEX dossier_month ON dossier (tn) INCLUDE (status, kenh, mucdo, prov);"""


def secs(x):
    """Seconds of a yyyyMMddHHmmss stamp (the session's time zone is UTC, so
    wall time maps to itself and differences are exact)."""
    return f"extract(epoch FROM to_timestamp({x}, 'YYYYMMDDHH24MISS'))::bigint"


def arr(x):
    """A jsonb array, or NULL (jsonb_array_elements refuses scalars)."""
    return f"CASE WHEN jsonb_typeof({x}) = 'array' THEN {x} END"


def facts(src, pid):
    """The dossier row of every version of src (columns ord, rec, arrival_s)."""
    return f"""
SELECT f.mahoso, coalesce('1' || f.stamp, '0') AS vkey, f.ord, f.arrival_s, r.unit, r.prov,
       f.status, f.kenh, f.mucdo, f.tn, f.ht, f.kt, f.tc, {secs('f.tn')} AS tn_s,
       {secs('f.kt')} AS kt_s,
       coalesce(f.vneid = '1', false) AS vneid, coalesce(f.digitised = '1', false) AS digitised,
       coalesce(f.payment IN (1, 2), false) AS paid_online,
       coalesce((SELECT sum((e ->> 'Gia')::bigint) FROM jsonb_array_elements(f.fees) e
                 WHERE jsonb_typeof(e) = 'object'), 0)::bigint AS fee,
       EXISTS (SELECT 1 FROM jsonb_array_elements(f.ids) e
               WHERE jsonb_typeof(e) = 'object' AND e -> 'LoaiDinhDanh' = '1'::jsonb
                 AND jsonb_typeof(e -> 'SoDinhDanh') = 'string'
                 AND (e ->> 'SoDinhDanh') ~ '{pid}') AS personal_id,
       EXISTS (SELECT 1 FROM jsonb_array_elements(f.results) e
               WHERE jsonb_typeof(e) = 'object'
                 AND (e ->> 'DuongDanTepTinKetQua') <> '') AS e_result,
       coalesce((SELECT count(*) FROM jsonb_array_elements(f.rounds) e
                 WHERE jsonb_typeof(e) = 'object'), 0)::int AS rounds,
       coalesce((SELECT sum({secs("(e ->> 'NgayBoSung')")} - {secs("(e ->> 'NgayYeuCau')")})
                 FROM jsonb_array_elements(f.rounds) e
                 WHERE jsonb_typeof(e) = 'object' AND (e ->> 'NgayYeuCau') IS NOT NULL
                   AND (e ->> 'NgayBoSung') IS NOT NULL), 0)::bigint AS supplement_s,
       f.rec
FROM (SELECT v.ord, v.rec, v.arrival_s,
             v.rec ->> 'MaHoSo' AS mahoso, v.rec ->> 'NgayCapNhat' AS stamp,
             v.rec ->> 'MaDonVi' AS sent, (v.rec ->> 'TrangThaiHoSo')::int AS status,
             (v.rec ->> 'KenhThucHien')::int AS kenh, (v.rec ->> 'MucDo')::int AS mucdo,
             v.rec ->> 'NgayTiepNhan' AS tn, v.rec ->> 'NgayHenTra' AS ht,
             v.rec ->> 'NgayKetThucXuLy' AS kt, v.rec ->> 'NgayTuChoi' AS tc,
             v.rec ->> 'TaiKhoanDuocXacThucVoiVNeID' AS vneid,
             v.rec ->> 'HoSoCoThanhPhanSoHoa' AS digitised,
             (v.rec ->> 'DuocThanhToanTrucTuyen')::int AS payment,
             {arr("v.rec -> 'DanhSachLePhi'")} AS fees, {arr("v.rec -> 'DinhDanhCHS'")} AS ids,
             {arr("v.rec -> 'DanhSachGiayToKetQua'")} AS results,
             {arr("v.rec -> 'DanhSachHoSoBoSung'")} AS rounds
      FROM {src} v) f
JOIN resolve r ON r.sent = f.sent"""


def latest(table):
    """The latest version of each MaHoSo in table (ord, rec): highest
    NgayCapNhat (unstamped lowest), then the later line."""
    return f"""(SELECT DISTINCT ON (rec ->> 'MaHoSo') ord, rec FROM {table}
       ORDER BY rec ->> 'MaHoSo', coalesce('1' || (rec ->> 'NgayCapNhat'), '0') DESC, ord DESC)"""


def read(name):
    with open(os.path.join(HERE, "sql", name)) as f:
        return f.read().strip().rstrip(";")


def connect():
    con = psycopg2.connect("")
    cur = con.cursor()
    cur.execute("SET TimeZone = 'UTC'")
    con.commit()
    return con, cur


def personal_id_pattern(cur):
    cur.execute("SELECT string_agg(code, '|' ORDER BY code) FROM old_province")
    return "^0(" + cur.fetchone()[0] + ")[0-3][0-9]{8}$"


def bulk(units, old, ndjson, arrived, out_csv):
    con, cur = connect()
    q = lambda s: "'" + s.replace("'", "''") + "'"
    cur.execute("""
        DROP TABLE IF EXISTS dossier, line, win, resolve, unit, old_province;
        CREATE TABLE unit(code text PRIMARY KEY, level text, parent text, province text);
        CREATE TABLE old_province(code text PRIMARY KEY, successor text);""")
    cur.execute(f"COPY unit FROM {q(os.path.abspath(units))} (FORMAT csv, HEADER)")
    cur.execute(f"COPY old_province FROM {q(os.path.abspath(old))} (FORMAT csv, HEADER)")
    cur.execute("""
        -- A code a record may name: a 2025 unit (not the root), or a pre-2025 province.
        CREATE TABLE resolve(sent text PRIMARY KEY, unit text NOT NULL, prov text);
        INSERT INTO resolve
            SELECT code, code, province FROM unit WHERE level <> 'national'
            UNION ALL
            SELECT code, successor, successor FROM old_province
            WHERE code NOT IN (SELECT code FROM unit);
        -- Every version; ord numbers the lines in file order.
        CREATE UNLOGGED TABLE line(ord bigint GENERATED ALWAYS AS IDENTITY, rec jsonb NOT NULL);""")
    cur.execute(f"COPY line(rec) FROM {q(os.path.abspath(ndjson))} {LINES}")
    # The winning line of every MaHoSo, from narrow rows.
    cur.execute("""CREATE UNLOGGED TABLE win AS
        SELECT ord FROM (
            SELECT ord, row_number() OVER (
                       PARTITION BY rec ->> 'MaHoSo'
                       ORDER BY coalesce('1' || (rec ->> 'NgayCapNhat'), '0') DESC, ord DESC) AS rn
            FROM line) x
        WHERE rn = 1""")
    cur.execute("ANALYZE line, win")
    pid = personal_id_pattern(cur)
    arrival = secs(q(arrived))
    # CREATE TABLE AS, not INSERT ... SELECT: its query may use parallel workers.
    cur.execute(f"""CREATE TABLE dossier AS
        {facts(f"(SELECT l.ord, l.rec, {arrival} AS arrival_s FROM line l JOIN win w ON w.ord = l.ord)", pid)}""")
    cur.execute(INDEXES)
    cur.execute("DROP TABLE line, win")
    con.commit()
    con.autocommit = True
    cur.execute("VACUUM ANALYZE dossier")
    with open(out_csv, "w") as f:
        cur.copy_expert(f"COPY ({read('measures.sql')}) TO STDOUT (FORMAT csv, HEADER)", f)
    cur.execute("SELECT count(*) FROM dossier")
    print(f"postgresql: {cur.fetchone()[0]} dossiers", file=sys.stderr)
    con.close()


def fresh(ranks_out, times_out, arrival0, batches):
    con, cur = connect()
    # The ranking reads ~100,000 index entries: starting parallel workers costs
    # more than it saves (at 1,000,000 dossiers here: 125-310 ms with 2 workers,
    # 20-30 ms without), so this session stays serial.
    cur.execute("SET max_parallel_workers_per_gather = 0")
    pid = personal_id_pattern(cur)
    cur.execute("""CREATE TEMP TABLE batch(ord bigint GENERATED ALWAYS AS IDENTITY,
                                           rec jsonb NOT NULL)
                   ON COMMIT DELETE ROWS""")
    cur.execute("SELECT max(ord) FROM dossier")
    ord_base = cur.fetchone()[0] + 1
    con.commit()
    update = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("mahoso", "arrival_s"))
    ranking = read("ranking.sql")
    trace = os.environ.get("BENCH_TRACE")  # per-step times on standard error
    with open(ranks_out, "w") as ranks, open(times_out, "w") as times:
        ranks.write("batch,pos,unit,numerator,denominator\n")
        for b, path in enumerate(batches, 1):
            t0 = time.perf_counter()
            with open(path, "rb") as f:
                cur.copy_expert(f"COPY batch(rec) FROM STDIN {LINES}", f)
            t1 = time.perf_counter()
            src = (f"(SELECT {ord_base} + ord AS ord, rec, {int(arrival0) + 60 * b} AS arrival_s "
                   f"FROM {latest('batch')} l)")
            cur.execute(f"INSERT INTO dossier {facts(src, pid)} "
                        f"ON CONFLICT (mahoso) DO UPDATE SET {update} "
                        "WHERE excluded.vkey >= dossier.vkey")
            t2 = time.perf_counter()
            con.commit()
            t3 = time.perf_counter()
            cur.execute(ranking)
            rows = cur.fetchall()
            con.commit()
            ms = (time.perf_counter() - t0) * 1e3
            if trace:
                print(f"batch {b}: copy {(t1 - t0) * 1e3:.1f} upsert {(t2 - t1) * 1e3:.1f} "
                      f"commit {(t3 - t2) * 1e3:.1f} rank {ms - (t3 - t0) * 1e3:.1f} ms",
                      file=sys.stderr)
            ord_base += 1000000
            times.write(f"{b}\t{ms:.3f}\n")
            ranks.writelines(f"{b},{k},{u},{n},{d}\n" for k, (u, n, d) in enumerate(rows, 1))
    con.close()


def main():
    a = sys.argv[1:]
    if a[:1] == ["bulk"] and len(a) == 6:
        bulk(*a[1:])
    elif a[:1] == ["fresh"] and len(a) >= 5:
        fresh(a[1], a[2], a[3], a[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
