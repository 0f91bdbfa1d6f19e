// peer_duckdb.mjs — DuckDB's side of chiso's benchmark (bench/run.sh), through
// its Node API (@duckdb/node-api, pinned in package.json).
//
//   node peer_duckdb.mjs bulk  DB UNITS_CSV OLD_CSV NDJSON ARRIVED OUT_CSV
//   node peer_duckdb.mjs fresh DB RANKS_OUT TIMES_OUT ARRIVAL_WALL BATCH...
//
// bulk: creates DB (a DuckDB file), reads the NDJSON with read_json and the
// full record type (every SPEC §4 field), keeps the latest version of every
// MaHoSo (highest NgayCapNhat, ties to the later line), stores it durably --
// the record in table record (ord, rec STRUCT), its facts in table dossier
// (one row per MaHoSo) -- commits, checkpoints, and writes every
// measure of every unit and month (sql/measures.sql) to OUT_CSV.
// ARRIVED (yyyyMMddHHmmss, Vietnam time) is when the file reached the system.
// fresh: for every batch file, timed: one transaction reads the batch, keeps
// its latest version per MaHoSo, keeps those at least as new as the stored
// version (SPEC §4.1), appends their records to record, deletes the rows of
// the dossiers they replace (by rowid, found by the same join) from dossier
// and inserts their facts, commits; then runs sql/ranking.sql.
// Two choices a DuckDB user makes for this workload: record is append-only
// (a newer version adds a row; dossier.ord points to the current one),
// because DuckDB updates nested STRUCT/LIST columns slowly (about 0.25 ms a
// row here); and dossier has no PRIMARY KEY (the load and the batches keep
// MaHoSo unique), because with its ART index every upsert's commit took 0.3
// to 1 s at 200,000 dossiers and grew with the table. Without it, MERGE INTO
// took ~125 ms a batch at 1,000,000 dossiers, DELETE by rowid + INSERT ~15.
// And, for freshness, checkpoint_threshold = 1GB (see fresh()).
// Writes "batch<TAB>ms" lines to TIMES_OUT and every ranking to RANKS_OUT.
// Batch i arrives at ARRIVAL_WALL + 60 × i (seconds of Vietnam wall time).
// DuckDB uses every core (threads = cores, its default).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const HERE = dirname(fileURLToPath(import.meta.url));
const MEASURES = readFileSync(join(HERE, 'sql/measures.sql'), 'utf8').trim().replace(/;$/, '');
const RANKING = readFileSync(join(HERE, 'sql/ranking.sql'), 'utf8').trim().replace(/;$/, '');

const RECORD = `STRUCT(
  MaHoSo VARCHAR, MaDonVi VARCHAR, MaTTHC VARCHAR, KenhThucHien INTEGER, MucDo INTEGER,
  TrangThaiHoSo INTEGER, NgayNopHoSo VARCHAR, NgayTiepNhan VARCHAR, NgayHenTra VARCHAR,
  NgayKetThucXuLy VARCHAR, NgayTra VARCHAR, NgayTuChoi VARCHAR,
  HoSoCoThanhPhanSoHoa VARCHAR, TaiKhoanDuocXacThucVoiVNeID VARCHAR,
  DuocThanhToanTrucTuyen INTEGER,
  DanhSachLePhi STRUCT(MaPhiLePhi VARCHAR, Gia BIGINT)[],
  DinhDanhCHS STRUCT(LoaiDinhDanh INTEGER, SoDinhDanh VARCHAR)[],
  DanhSachGiayToKetQua STRUCT(MaGiayToKetQua VARCHAR, DuongDanTepTinKetQua VARCHAR)[],
  DanhSachHoSoBoSung STRUCT(NgayYeuCau VARCHAR, NgayBoSung VARCHAR)[],
  NgayCapNhat VARCHAR)`.replace(/\s+/g, ' ');

const COLUMNS = `mahoso VARCHAR NOT NULL, vkey VARCHAR NOT NULL, ord BIGINT NOT NULL,
  arrival_s BIGINT NOT NULL, unit VARCHAR NOT NULL, prov VARCHAR, status INTEGER,
  kenh INTEGER, mucdo INTEGER, tn VARCHAR, ht VARCHAR, kt VARCHAR, tc VARCHAR,
  tn_s BIGINT, kt_s BIGINT, vneid BOOLEAN, digitised BOOLEAN, paid_online BOOLEAN,
  fee BIGINT, personal_id BOOLEAN, e_result BOOLEAN, rounds INTEGER, supplement_s BIGINT`;

const sq = (s) => `'${String(s).replace(/'/g, "''")}'`;
const secs = (x) => `epoch(strptime(${x}, '%Y%m%d%H%M%S'))::BIGINT`;

// The facts of the versions in relation v (columns rec, ord, arrival_s),
// joined with resolve(sent, unit, prov). pid: the valid personal-ID pattern.
function facts(pid) {
  return `SELECT v.rec.MaHoSo AS mahoso, coalesce('1' || v.rec.NgayCapNhat, '0') AS vkey,
      v.ord, v.arrival_s, r.unit, r.prov,
      v.rec.TrangThaiHoSo AS status, v.rec.KenhThucHien AS kenh, v.rec.MucDo AS mucdo,
      v.rec.NgayTiepNhan AS tn, v.rec.NgayHenTra AS ht, v.rec.NgayKetThucXuLy AS kt,
      v.rec.NgayTuChoi AS tc,
      ${secs('v.rec.NgayTiepNhan')} AS tn_s, ${secs('v.rec.NgayKetThucXuLy')} AS kt_s,
      coalesce(v.rec.TaiKhoanDuocXacThucVoiVNeID = '1', false) AS vneid,
      coalesce(v.rec.HoSoCoThanhPhanSoHoa = '1', false) AS digitised,
      coalesce(v.rec.DuocThanhToanTrucTuyen IN (1, 2), false) AS paid_online,
      coalesce(list_sum([x.Gia FOR x IN v.rec.DanhSachLePhi]), 0)::BIGINT AS fee,
      coalesce(len([1 FOR x IN v.rec.DinhDanhCHS IF x.LoaiDinhDanh = 1
                    AND regexp_full_match(x.SoDinhDanh, ${sq(pid)})]) > 0, false) AS personal_id,
      coalesce(len([1 FOR x IN v.rec.DanhSachGiayToKetQua
                    IF x.DuongDanTepTinKetQua <> '']) > 0, false) AS e_result,
      coalesce(len([1 FOR x IN v.rec.DanhSachHoSoBoSung IF x IS NOT NULL]), 0) AS rounds,
      coalesce(list_sum([${secs('x.NgayBoSung')} - ${secs('x.NgayYeuCau')}
                         FOR x IN v.rec.DanhSachHoSoBoSung
                         IF x.NgayYeuCau IS NOT NULL AND x.NgayBoSung IS NOT NULL]), 0)::BIGINT
        AS supplement_s
    FROM v JOIN resolve r ON r.sent = v.rec.MaDonVi`;
}

// The arrival order (rowid) of the latest version per MaHoSo in table t.
const latest = (t) => `SELECT rowid AS ord FROM ${t}
    QUALIFY row_number() OVER (PARTITION BY rec.MaHoSo
                               ORDER BY coalesce('1' || rec.NgayCapNhat, '0') DESC,
                                        rowid DESC) = 1`;

async function personalIdPattern(con) {
  const rows = (await con.runAndReadAll('SELECT code FROM old_province ORDER BY code')).getRows();
  return `0(${rows.map((r) => r[0]).join('|')})[0-3][0-9]{8}`;
}

async function bulk([db, unitsCsv, oldCsv, ndjson, arrived, outCsv]) {
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  await con.run('BEGIN');
  await con.run(`CREATE TABLE unit AS SELECT * FROM read_csv(${sq(resolve(unitsCsv))},
                   header = true, all_varchar = true)`);
  await con.run(`CREATE TABLE old_province AS SELECT * FROM read_csv(${sq(resolve(oldCsv))},
                   header = true, all_varchar = true)`);
  // A code a record may name: a 2025 unit (not the root), or a pre-2025 province.
  await con.run(`CREATE TABLE resolve AS
      SELECT code AS sent, code AS unit, province AS prov FROM unit WHERE level <> 'national'
      UNION ALL
      SELECT code, successor, successor FROM old_province
      WHERE code NOT IN (SELECT code FROM unit)`);
  const pid = await personalIdPattern(con);
  // Every version, in line order (insertion order is preserved: rowid = line - 1).
  await con.run(`CREATE TEMP TABLE version AS
      SELECT rec FROM read_json(${sq(resolve(ndjson))}, format = 'newline_delimited',
                                records = false, columns = {rec: ${sq(RECORD)}})`);
  await con.run(`CREATE TABLE record (ord BIGINT NOT NULL, rec ${RECORD})`);
  await con.run(`INSERT INTO record SELECT rowid, rec FROM version
                 WHERE rowid IN (${latest('version')}) ORDER BY rowid`);
  await con.run('DROP TABLE version');
  await con.run(`CREATE TABLE dossier (${COLUMNS})`);
  const arrivalS = `epoch(strptime(${sq(arrived)}, '%Y%m%d%H%M%S'))::BIGINT`;
  await con.run(`INSERT INTO dossier
      WITH v AS (SELECT ord, rec, ${arrivalS} AS arrival_s FROM record) ${facts(pid)}`);
  await con.run('COMMIT');
  await con.run('CHECKPOINT');
  await con.run(`COPY (${MEASURES}) TO ${sq(resolve(outCsv))} (HEADER, DELIMITER ',')`);
  const [n, threads] = (await con.runAndReadAll(
    "SELECT count(*), current_setting('threads') FROM dossier")).getRows()[0];
  console.error(`duckdb: ${n} dossiers, ${threads} threads`);
  con.closeSync();
  inst.closeSync();
}

async function fresh([db, ranksOut, timesOut, arrival0, ...batches]) {
  const inst = await DuckDBInstance.create(db);
  const con = await inst.connect();
  const pid = await personalIdPattern(con);
  // Each commit stays durable (the WAL is synced); what this changes is when
  // the WAL is folded into the database file. By default (16 MB) DuckDB did
  // that at every batch's commit here (0.5-1 s each at 200,000 dossiers):
  // like PostgreSQL's checkpoint settings below, checkpoints are left for later.
  await con.run("SET checkpoint_threshold = '1GB'");
  writeFileSync(ranksOut, 'batch,pos,unit,numerator,denominator\n');
  writeFileSync(timesOut, '');
  let ordBase = Number((await con.runAndReadAll('SELECT max(ord) FROM record')).getRows()[0][0]) + 1;
  for (let i = 0; i < batches.length; i++) {
    const b = i + 1;
    const t0 = performance.now();
    const steps = [];
    const step = async (sql) => {
      const t = performance.now();
      await con.run(sql);
      steps.push((performance.now() - t).toFixed(1));
    };
    await step('BEGIN');
    await step(`CREATE OR REPLACE TEMP TABLE batch AS
        SELECT rec FROM read_json(${sq(resolve(batches[i]))}, format = 'newline_delimited',
                                  records = false, columns = {rec: ${sq(RECORD)}})`);
    // The batch's latest versions that are at least as new as the stored ones;
    // a known dossier keeps its first arrival; drow: the row they replace.
    await step(`CREATE OR REPLACE TEMP TABLE win AS
        SELECT ${ordBase} + b.rowid AS ord, b.rec,
               coalesce(d.arrival_s, ${Number(arrival0) + 60 * b}) AS arrival_s, d.rowid AS drow
        FROM batch b LEFT JOIN dossier d ON d.mahoso = b.rec.MaHoSo
        WHERE b.rowid IN (${latest('batch')})
          AND (d.mahoso IS NULL OR coalesce('1' || b.rec.NgayCapNhat, '0') >= d.vkey)`);
    ordBase += 1000000;
    await step('INSERT INTO record SELECT ord, rec FROM win');
    await step(`CREATE OR REPLACE TEMP TABLE fact AS WITH v AS (SELECT * FROM win) ${facts(pid)}`);
    await step(`DELETE FROM dossier WHERE rowid IN (SELECT drow FROM win WHERE drow IS NOT NULL)`);
    await step(`INSERT INTO dossier SELECT * FROM fact`);
    const t1 = performance.now();
    await con.run('COMMIT');
    const t2 = performance.now();
    const rows = (await con.runAndReadAll(RANKING)).getRows();
    const ms = performance.now() - t0;
    if (process.env.BENCH_TRACE)
      console.error(`batch ${b}: upsert ${(t1 - t0).toFixed(1)} (${steps.join(' ')}) commit ${(t2 - t1).toFixed(1)} ` +
                    `rank ${(performance.now() - t2).toFixed(1)} ms`);
    appendFileSync(timesOut, `${b}\t${ms.toFixed(3)}\n`);
    appendFileSync(ranksOut, rows.map((r, k) => `${b},${k + 1},${r[0]},${r[1]},${r[2]}\n`).join(''));
  }
  con.closeSync();
  inst.closeSync();
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'bulk' && args.length === 6) await bulk(args);
else if (cmd === 'fresh' && args.length >= 4) await fresh(args);
else {
  console.error('usage: peer_duckdb.mjs bulk DB UNITS OLD NDJSON ARRIVED OUT_CSV\n' +
                '       peer_duckdb.mjs fresh DB RANKS TIMES ARRIVAL_WALL BATCH...');
  process.exit(2);
}
