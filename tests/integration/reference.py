#!/usr/bin/env python3
"""reference.py — runs reference.sql over the generated batches, independently of
chiso, and writes what chiso must answer.

  reference.py --data DIR --manifest FILE --db REF.sqlite --out OUT
               [--values PERIOD...] [PERIOD...]

It loads the unit CSVs and every line of every file listed in the manifest
("FILE<TAB>ARRIVED_AT", in load order, paths relative to the manifest) into
REF.sqlite, runs reference.sql, and writes into OUT:
  counts.json          per file, the load report chiso must print
  months.txt           every month from the first to the last basis day
  PERIOD.own.csv,      for every month and every PERIOD given, chiso's
  PERIOD.rollup.csv    `measures --format csv` table, one row per unit
  value-picks.txt      "PERIOD UNIT" lines worth asking `value` about

Python only reads bytes and flags the two things SQLite cannot see (invalid
UTF-8, repeated keys); every rule that decides a number is in reference.sql.
"""
import argparse
import calendar
import csv
import json
import os
import re
import sqlite3
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))

MEASURES = ["received", "received_online", "received_postal", "eligible_full",
            "full_online", "with_personal_id", "vneid", "digitised", "fee_bearing",
            "paid_online", "fee_vnd", "fee_online_vnd", "synced_on_time", "completed",
            "completed_on_time", "e_result", "processing_seconds", "refused",
            "withdrawn", "open", "open_overdue"]
FLOWS = MEASURES[:-2]
HEADER = ["unit", "level", "period"] + MEASURES


def period_days(p):
    """(first day, last day) as yyyyMMdd for a chiso period string."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", p)
    if m:
        return m.group(1).replace("-", ""), m.group(2).replace("-", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
        return p.replace("-", ""), p.replace("-", "")
    m = re.fullmatch(r"(\d{4})-(\d{2})", p)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y:04d}{mo:02d}01", f"{y:04d}{mo:02d}{calendar.monthrange(y, mo)[1]:02d}"
    m = re.fullmatch(r"(\d{4})Q([1-4])", p)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        last = 3 * q
        return f"{y:04d}{last - 2:02d}01", f"{y:04d}{last:02d}{calendar.monthrange(y, last)[1]:02d}"
    m = re.fullmatch(r"\d{4}", p)
    if m:
        return p + "0101", p + "1231"
    raise ValueError(f"unknown period {p!r}")


def has_dup_keys(text):
    dup = False

    def hook(pairs):
        nonlocal dup
        seen = set()
        for k, _ in pairs:
            if k in seen:
                dup = True
            seen.add(k)
        return dict(pairs)
    try:
        json.loads(text, object_pairs_hook=hook, parse_constant=lambda c: None)
    except ValueError:
        return False  # not JSON at all: SQLite's json_valid() decides
    return dup


def build(a):
    if sqlite3.sqlite_version_info < (3, 38, 0):
        raise SystemExit(f"reference.py: SQLite {sqlite3.sqlite_version} is too old: "
                         "reference.sql needs 3.38 (unixepoch(), ->>)")
    if os.path.exists(a.db):
        os.remove(a.db)
    db = sqlite3.connect(a.db)
    db.executescript("""
        CREATE TABLE unit(code TEXT PRIMARY KEY, level TEXT, parent TEXT);
        CREATE TABLE old_province(code TEXT PRIMARY KEY, successor TEXT);
        CREATE TABLE src_file(file_no INTEGER PRIMARY KEY, name TEXT, arrived_at TEXT);
        CREATE TABLE src_line(file_no INTEGER, line_no INTEGER, txt TEXT,
                              bad_utf8 INTEGER, dup_key INTEGER);
    """)

    def rows(name):
        with open(os.path.join(a.data, name), encoding="utf-8") as f:
            return list(csv.DictReader(f))
    db.execute("INSERT INTO unit VALUES ('VN', 'national', NULL)")
    db.executemany("INSERT INTO unit VALUES (?, 'ministry', 'VN')",
                   [(r["code"],) for r in rows("ministries-2025.csv")])
    db.executemany("INSERT INTO unit VALUES (?, 'province', 'VN')",
                   [(r["code"],) for r in rows("provinces-2025.csv")])
    db.executemany("INSERT INTO unit VALUES (?, 'commune', ?)",
                   [(r["code"], r["province_code"]) for r in rows("communes-2025.csv")])
    db.executemany("INSERT INTO old_province VALUES (?, ?)",
                   [(r["code"], r["successor_code"]) for r in rows("provinces-2008.csv")])
    base = os.path.dirname(os.path.abspath(a.manifest))
    with open(a.manifest) as m:
        manifest = [l.rstrip("\n").split("\t") for l in m if l.strip()]
    for no, (name, arrived) in enumerate(manifest, 1):
        db.execute("INSERT INTO src_file VALUES (?, ?, ?)", (no, name, arrived))
        with open(os.path.join(base, name), "rb") as f:
            data = f.read()
        pieces = data.split(b"\n")
        if pieces and pieces[-1] == b"":
            pieces.pop()   # the newline ending the last line opens no new line
        out = []
        for n, raw in enumerate(pieces, 1):
            try:
                txt, bad = raw.decode("utf-8"), 0
            except UnicodeDecodeError:
                txt, bad = raw.decode("utf-8", "replace"), 1
            out.append((no, n, txt, bad, int(not bad and has_dup_keys(txt))))
        db.executemany("INSERT INTO src_line VALUES (?, ?, ?, ?, ?)", out)
    with open(os.path.join(HERE, "reference.sql")) as f:
        db.executescript(f.read())
    db.commit()
    db.close()


def counts(db):
    out = []
    for no, name in db.execute("SELECT file_no, name FROM src_file ORDER BY file_no").fetchall():
        lines, blank = db.execute(
            "SELECT count(*), coalesce(sum(txt = ''), 0) FROM line WHERE file_no = ?", (no,)).fetchone()
        fates = dict(db.execute(
            "SELECT fate, count(*) FROM version_fate WHERE file_no = ? GROUP BY fate", (no,)).fetchall())
        refused = [r[0] for r in db.execute(
            "SELECT DISTINCT line_no FROM problem JOIN line USING (ord) WHERE file_no = ? "
            "ORDER BY line_no", (no,))]
        out.append({"file": name, "lines": lines, "blank": blank,
                    "accepted": fates.get("accepted", 0), "replaced": fates.get("replaced", 0),
                    "stale": fates.get("stale", 0), "refused": len(refused),
                    "refused_lines": refused})
    return out


def months(db):
    lo, hi = db.execute("SELECT min(day), max(day) FROM flow").fetchone()
    y, m = int(lo[:4]), int(lo[4:6])
    out = []
    while f"{y:04d}{m:02d}" <= hi[:6]:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def measures(db, period, rollup):
    """Rows (dicts) for every unit: flows summed over the period's days, gauges
    as of the end of its last day; own records only unless rollup."""
    first, last = period_days(period)
    flows = ", ".join(f"sum(f.{m}) AS {m}" for m in FLOWS)
    q = f"""
        WITH fl AS (
            SELECT c.anc AS unit, {flows}
            FROM flow f JOIN closure c ON c.unit = f.unit
            WHERE f.day BETWEEN :first AND :last AND (c.self OR :rollup)
            GROUP BY c.anc),
        ga AS (
            SELECT c.anc AS unit, count(*) AS open,
                   sum(d.ht IS NOT NULL AND substr(d.ht, 1, 8) <= :last) AS open_overdue
            FROM dossier d JOIN closure c ON c.unit = d.unit
            WHERE d.status IN (2, 4, 5, 6) AND substr(d.tn, 1, 8) <= :last
              AND (c.self OR :rollup)
            GROUP BY c.anc)
        SELECT u.code, u.level, {", ".join(f"coalesce(fl.{m}, 0)" for m in FLOWS)},
               coalesce(ga.open, 0), coalesce(ga.open_overdue, 0)
        FROM unit u LEFT JOIN fl ON fl.unit = u.code LEFT JOIN ga ON ga.unit = u.code
        ORDER BY u.code"""
    out = []
    for r in db.execute(q, {"first": first, "last": last, "rollup": int(rollup)}):
        row = {"unit": r[0], "level": r[1], "period": period}
        row.update({m: str(v) for m, v in zip(MEASURES, r[2:])})
        out.append(row)
    return out


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def toan_trinh(row):
    """100 × full_online / received as an exact Fraction, None without received."""
    rec = int(row["received"])
    return None if rec == 0 else Fraction(100 * int(row["full_online"]), rec)


def value_picks(db, rows, period):
    """Units worth asking `value` about for a period: national, a few provinces,
    ministries and communes with a value, a commune without one, an old province
    code, and every unit whose value is an exact half at the 5th decimal (where
    half-up and half-even rounding differ)."""
    by_level = {}
    for r in rows:
        by_level.setdefault(r["level"], []).append(r)
    valued = lambda lvl: [r["unit"] for r in by_level[lvl] if toan_trinh(r) is not None]
    chosen = ["VN"] + valued("province")[:2] + valued("ministry")[:1] + valued("commune")[:1]
    chosen += [r["unit"] for r in by_level["commune"] if toan_trinh(r) is None][:1]
    chosen += [c for (c,) in db.execute(
        "SELECT code FROM old_province WHERE code <> successor ORDER BY code LIMIT 1")]
    for r in rows:
        v = toan_trinh(r)
        if v is not None and v * 10**4 - int(v * 10**4) == Fraction(1, 2):
            chosen.append(r["unit"])
    return [f"{period} {u}" for u in dict.fromkeys(chosen)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="unit CSVs")
    ap.add_argument("--manifest", required=True, help="FILE<TAB>ARRIVED_AT per batch")
    ap.add_argument("--db", required=True, help="the reference database to create")
    ap.add_argument("--out", required=True, help="directory for the answers")
    ap.add_argument("--values", nargs="*", default=[], help="periods for value-picks.txt")
    ap.add_argument("periods", nargs="*", help="periods besides every month")
    a = ap.parse_args()
    build(a)
    db = sqlite3.connect(a.db)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "counts.json"), "w") as f:
        json.dump(counts(db), f, indent=1)
    ms = months(db)
    with open(os.path.join(a.out, "months.txt"), "w") as f:
        f.write("".join(m + "\n" for m in ms))
    picks = []
    for p in ms + a.periods:
        for rollup in (False, True):
            rows = measures(db, p, rollup)
            write_csv(os.path.join(a.out, f"{p}.{'rollup' if rollup else 'own'}.csv"), rows)
            if rollup and p in a.values:
                picks += value_picks(db, rows, p)
    with open(os.path.join(a.out, "value-picks.txt"), "w") as f:
        f.write("".join(x + "\n" for x in picks))


if __name__ == "__main__":
    main()
