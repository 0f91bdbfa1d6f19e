#!/usr/bin/env python3
"""compare.py — checks chiso's answers against the reference (reference.py) and
the generator's expectations, saying what was expected and what came back.

  compare.py --data DIR PLAN

PLAN has one step per line, "CHECK<TAB>KIND<TAB>ARG...". Steps sharing a CHECK
name form one check, which passes when all of them pass; checks are reported in
order as "ok    CHECK" or "FAIL  CHECK" with the differences, then a last line
"N passed, M failed". Kinds:
  load REFUSED COUNTS INDEX GOT STATUS
      chiso load's JSON report GOT (exit status STATUS) for the INDEX-th file
      (1-based) of COUNTS: refused lines, and the field they name, equal the
      generator's REFUSED list; the reference agrees with the generator; lines,
      blank, accepted, replaced, stale, refused equal the reference; the exit
      status is 3 when lines were refused, else 0
  measures EXPECTED GOT [IGNORE]
      two `measures --format csv` tables, cell by cell, keyed by unit; IGNORE is
      a comma-separated list of columns not compared
  unit-row EXPECTED GOT
      a `measures --unit U` answer equals that unit's row of the full table
  value EXPECTED UNIT GOT
      `value --indicator toan_trinh` = 100 × full_online / received of the
      unit's subtree, rounded half-up to 4 decimals; no value when received is 0
  rank EXPECTED LEVEL WITHIN GOT
      `rank --indicator toan_trinh`: competition ranking on exact values, ties
      by unit code, units without a value last and unranked (WITHIN: "-" or a
      province code)
  identical A B
      two files are byte for byte the same
A GOT file may have a GOT.err (chiso's standard error) and GOT.status (its exit
status) beside it; they are shown when the step fails, and a non-zero status
fails it.
"""
import csv
import json
import os
import sys
from decimal import Decimal
from fractions import Fraction

SHOW = 12   # differences shown per step


def read_csv(path):
    """(header, {unit: row}) of a CSV table whose first column is the unit."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        return [], {}
    header, body = rows[0], rows[1:]
    return header, {row[0]: dict(zip(header, row)) for row in body if row}


def chiso_trouble(got):
    """What chiso said on standard error and its exit status, if it failed."""
    out = []
    status = None
    if os.path.exists(got + ".status"):
        with open(got + ".status") as f:
            status = int(f.read().strip() or 0)
    if status:
        out.append(f"chiso exited with status {status}")
    if os.path.exists(got + ".err") and os.path.getsize(got + ".err"):
        with open(got + ".err", errors="replace") as f:
            out += ["chiso stderr: " + l.rstrip() for l in f.readlines()[:5]]
    return out, bool(status)


def step_load(refused, counts, index, got, status):
    with open(counts) as f:
        ref = json.load(f)[int(index) - 1]
    name = ref["file"]
    try:
        with open(got) as f:
            rep = json.load(f)
    except ValueError as e:
        return [f"{name}: chiso load --format json did not print JSON: {e}"]
    if isinstance(rep, list) and len(rep) == 1:
        rep = rep[0]
    gen = {}
    with open(refused) as f:
        for l in f:
            n, fields = l.rstrip("\n").split("\t")
            gen[int(n)] = [x for x in fields.split("|") if x]
    errs = []
    # The reference and the generator must agree, else the test itself is wrong.
    if sorted(gen) != ref["refused_lines"]:
        errs.append(f"TEST BUG: reference.sql and gen_dossiers.py disagree on {name}: "
                    f"refused only by the generator {sorted(set(gen) - set(ref['refused_lines']))[:10]}, "
                    f"only by the reference {sorted(set(ref['refused_lines']) - set(gen))[:10]}")
    got_lines = {}
    for r in rep.get("refusals", []):
        got_lines.setdefault(r.get("line"), r)
    missing = sorted(set(gen) - set(got_lines))
    extra = sorted(set(got_lines) - set(gen), key=lambda x: (x is None, x))
    if missing:
        errs.append(f"{name}: {len(missing)} bad lines were not refused, e.g. lines {missing[:SHOW]}")
    if extra:
        errs.append(f"{name}: {len(extra)} valid lines were refused, e.g.")
        for n in extra[:SHOW]:
            r = got_lines[n]
            errs.append(f"    line {n}: field {r.get('field')!r}: {r.get('reason')}")
    wrong_field = []
    for n, fields in sorted(gen.items()):
        r = got_lines.get(n)
        if r is not None and fields and not any(f in (r.get("field") or "") for f in fields):
            wrong_field.append(f"    line {n}: names field {r.get('field')!r} ({r.get('reason')}), "
                               f"expected {' or '.join(fields)}")
    if wrong_field:
        errs.append(f"{name}: {len(wrong_field)} refusals name another field:")
        errs += wrong_field[:SHOW]
    for k in ("lines", "blank", "accepted", "replaced", "stale", "refused"):
        if rep.get(k) != ref[k]:
            errs.append(f"{name}: {k}: expected {ref[k]}, got {rep.get(k)}")
    with open(status) as f:
        st = int(f.read().strip())
    want = 3 if ref["refused"] else 0
    if st != want:
        errs.append(f"{name}: exit status: expected {want}, got {st}")
    return errs


def diff_tables(exp_h, exp, got_h, got, ignore, label):
    errs = []
    if exp_h != got_h:
        return [f"{label}: header: expected {','.join(exp_h)}",
                f"{label}:         got      {','.join(got_h)}"]
    cols = [c for c in exp_h if c not in ignore and c != "unit"]
    if set(exp) != set(got):
        miss, extra = sorted(set(exp) - set(got)), sorted(set(got) - set(exp))
        errs.append(f"{label}: units: {len(miss)} missing {miss[:SHOW]}, "
                    f"{len(extra)} unexpected {extra[:SHOW]}")
    diffs, per_measure = [], {}
    for u in sorted(set(exp) & set(got)):
        for c in cols:
            if exp[u][c] != got[u][c]:
                diffs.append(f"  unit {u} ({exp[u]['level']}) period {exp[u]['period']} "
                             f"{c}: expected {exp[u][c]}, got {got[u][c]}")
                per_measure[c] = per_measure.get(c, 0) + 1
    if diffs:
        errs.append(f"{label}: {len(diffs)} cells differ (by measure: "
                    + ", ".join(f"{k} {v}" for k, v in sorted(per_measure.items())) + "):")
        errs += diffs[:SHOW]
    return errs


def step_measures(expected, got, ignore=""):
    trouble, failed = chiso_trouble(got)
    exp_h, exp = read_csv(expected)
    got_h, g = read_csv(got)
    label = os.path.basename(got)[:-4]
    errs = diff_tables(exp_h, exp, got_h, g, set(x for x in ignore.split(",") if x), label)
    return trouble + errs if (errs or failed) else []


def step_unit_row(expected, got):
    trouble, failed = chiso_trouble(got)
    exp_h, exp = read_csv(expected)
    got_h, g = read_csv(got)
    if len(g) != 1:
        return trouble + [f"{os.path.basename(got)}: expected one row, got {len(g)}"]
    u = next(iter(g))
    if u not in exp:
        return trouble + [f"--unit answered for unknown unit {u!r}"]
    errs = diff_tables(exp_h, {u: exp[u]}, got_h, g, set(), f"measures --unit {u}")
    return trouble + errs if (errs or failed) else []


class Units:
    def __init__(self, data):
        def rows(name):
            with open(os.path.join(data, name), encoding="utf-8") as f:
                return list(csv.DictReader(f))
        self.successor = {r["code"]: r["successor_code"] for r in rows("provinces-2008.csv")}
        self.province_of = {r["code"]: r["province_code"] for r in rows("communes-2025.csv")}


def ratio(row):
    """toan_trinh = 100 × full_online / received, exact; None without received."""
    rec = int(row["received"])
    return None if rec == 0 else Fraction(100 * int(row["full_online"]), rec)


def half_up(v):
    """A non-negative Fraction rounded half-up to 4 decimals, as a Decimal."""
    q = v * 10**4
    n = q.numerator // q.denominator
    if q - n >= Fraction(1, 2):
        n += 1
    return Decimal(n).scaleb(-4)


def step_value(units, expected, unit, got):
    trouble, failed = chiso_trouble(got)
    _, exp = read_csv(expected)
    want_unit = unit if unit in exp else units.successor[unit]
    row = exp[want_unit]
    label = f"value --unit {unit} --period {row['period']}"
    try:
        with open(got) as f:
            rep = json.load(f, parse_float=Decimal)
    except ValueError as e:
        return trouble + [f"{label}: not JSON: {e}"]
    if isinstance(rep, list) and len(rep) == 1:
        rep = rep[0]
    errs = []
    if rep.get("unit") != want_unit:
        errs.append(f"{label}: unit: expected {want_unit}, got {rep.get('unit')}")
    if rep.get("numerator") != int(row["full_online"]):
        errs.append(f"{label}: numerator: expected {row['full_online']}, got {rep.get('numerator')}")
    if rep.get("denominator") != int(row["received"]):
        errs.append(f"{label}: denominator: expected {row['received']}, got {rep.get('denominator')}")
    want = ratio(row)
    gv = rep.get("value")
    if want is None:
        if gv is not None:
            errs.append(f"{label}: expected no value (received is 0), got {gv}")
        if rep.get("met") is not None:
            errs.append(f"{label}: met: expected none without a value, got {rep.get('met')}")
    else:
        w = half_up(want)
        if gv is None or Decimal(str(gv)) != w:
            errs.append(f"{label}: value: expected {w} (exactly {want.numerator}/{want.denominator}),"
                        f" got {gv}")
        t = rep.get("target")
        if t is not None:
            met = "yes" if want >= Fraction(str(t)) else "no"
            if rep.get("met") != met:
                errs.append(f"{label}: met: expected {met} for target {t}, got {rep.get('met')}")
    return trouble + errs if (errs or failed) else []


def expected_ranking(exp, level, within, units):
    cands = [u for u, r in exp.items() if r["level"] == level
             and (within is None or units.province_of.get(u) == within)]
    valued = sorted((u for u in cands if ratio(exp[u]) is not None),
                    key=lambda u: (-ratio(exp[u]), u))
    out, prev, rank = [], None, 0
    for i, u in enumerate(valued, 1):
        v = ratio(exp[u])
        if v != prev:
            rank, prev = i, v
        out.append((str(rank), u, str(half_up(v)), exp[u]["full_online"], exp[u]["received"]))
    for u in sorted(u for u in cands if ratio(exp[u]) is None):
        out.append(("", u, "", exp[u]["full_online"], exp[u]["received"]))
    return out


def step_rank(units, expected, level, within, got):
    trouble, failed = chiso_trouble(got)
    within = None if within == "-" else within
    _, exp = read_csv(expected)
    want = expected_ranking(exp, level, within, units)
    with open(got, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    g = [(r.get("rank", ""), r.get("unit"), r.get("value", ""), r.get("numerator"),
          r.get("denominator")) for r in rows]
    if g == want and not failed:
        return []
    errs = trouble + [f"rank --level {level}{' --within ' + within if within else ''}: "
                      f"{len(want)} rows expected, {len(g)} got; first differences "
                      "(rank, unit, value, numerator, denominator):"]
    n = 0
    for i in range(max(len(want), len(g))):
        w = want[i] if i < len(want) else None
        x = g[i] if i < len(g) else None
        if w != x:
            errs.append(f"  row {i + 1}: expected {w}, got {x}")
            n += 1
            if n >= SHOW:
                break
    return errs


def step_identical(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        if f.read() == g.read():
            return []
    return [f"{os.path.basename(b)} differs from {os.path.basename(a)}"] + step_measures(a, b)


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "--data":
        sys.exit("usage: compare.py --data DIR PLAN")
    units = Units(sys.argv[2])
    kinds = {"load": step_load, "measures": step_measures, "unit-row": step_unit_row,
             "value": lambda *a: step_value(units, *a), "rank": lambda *a: step_rank(units, *a),
             "identical": step_identical}
    checks = {}   # name -> error lines, in plan order
    with open(sys.argv[3]) as f:
        for line in f:
            if not line.strip():
                continue
            name, kind, *args = line.rstrip("\n").split("\t")
            errs = checks.setdefault(name, [])
            try:
                errs += kinds[kind](*args)
            except Exception as e:  # a missing or malformed answer fails the check
                errs.append(f"{kind} {' '.join(os.path.basename(x) for x in args)}: "
                            f"{type(e).__name__}: {e}")
    passed = failed = 0
    for name, errs in checks.items():
        if errs:
            failed += 1
            print(f"FAIL  {name}")
            for e in errs[:2 * SHOW + 4]:
                print("      " + e)
        else:
            passed += 1
            print(f"ok    {name}")
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main()
