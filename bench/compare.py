#!/usr/bin/env python3
"""compare.py — every peer's answers must equal chiso's (bench/run.sh).

  compare.py measures CHISO.csv PEER.csv NAME
      the bulk job's tables (unit, level, period and the 21 measures), cell by
      cell, keyed by unit and period
  compare.py ranks CHISO.csv PEER.csv NAME
      the freshness rankings (batch,pos,unit,numerator,denominator): after
      every batch, the same provinces in the same order with the same
      numerator and denominator

Prints "NAME: ... equal" and exits 0, or prints the first differences and
exits 1.
"""
import csv
import sys

SHOW = 15


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    return r[0], r[1:]


def measures(chiso, peer, name):
    ch, cr = rows(chiso)
    ph, pr = rows(peer)
    if ch != ph:
        return [f"header differs:\n  chiso {','.join(ch)}\n  {name} {','.join(ph)}"]
    key = lambda r: (r[0], r[2])
    c = {key(r): r for r in cr}
    p = {key(r): r for r in pr}
    errs = []
    if len(c) != len(cr) or len(p) != len(pr):
        errs.append(f"duplicate (unit, period) rows: chiso {len(cr) - len(c)}, {name} {len(pr) - len(p)}")
    miss, extra = sorted(set(c) - set(p)), sorted(set(p) - set(c))
    if miss:
        errs.append(f"{len(miss)} rows missing from {name}, e.g. {miss[:5]}")
    if extra:
        errs.append(f"{len(extra)} rows only in {name}, e.g. {extra[:5]}")
    diffs, per = [], {}
    for k in sorted(set(c) & set(p)):
        for i, col in enumerate(ch[1:], 1):
            a, b = c[k][i], p[k][i]
            if a != b:
                per[col] = per.get(col, 0) + 1
                diffs.append(f"  unit {k[0]} period {k[1]} {col}: chiso {a}, {name} {b}")
    if diffs:
        errs.append(f"{len(diffs)} cells differ (by column: "
                    + ", ".join(f"{k} {v}" for k, v in sorted(per.items())) + "):")
        errs += diffs[:SHOW]
    if not errs:
        print(f"{name}: {len(c)} rows x {len(ch) - 3} measures equal to chiso's")
    return errs


def ranks(chiso, peer, name):
    ch, cr = rows(chiso)
    ph, pr = rows(peer)
    by = lambda rs: {b: [r[2:] for r in rs if r[0] == b] for b in dict.fromkeys(r[0] for r in rs)}
    c, p = by(cr), by(pr)
    errs = []
    if list(c) != list(p):
        errs.append(f"batches differ: chiso {len(c)}, {name} {len(p)}")
    for b in c:
        if b in p and c[b] != p[b]:
            errs.append(f"batch {b}: the ranking differs (unit, numerator, denominator):")
            n = 0
            for i in range(max(len(c[b]), len(p[b]))):
                x = c[b][i] if i < len(c[b]) else None
                y = p[b][i] if i < len(p[b]) else None
                if x != y:
                    errs.append(f"  position {i + 1}: chiso {x}, {name} {y}")
                    n += 1
                    if n >= SHOW:
                        break
            if len(errs) > 3 * SHOW:
                break
    if not errs:
        print(f"{name}: {len(c)} rankings of {len(next(iter(c.values()), []))} provinces "
              "equal to chiso's")
    return errs


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("measures", "ranks"):
        sys.exit(__doc__)
    kind, chiso, peer, name = sys.argv[1:]
    errs = (measures if kind == "measures" else ranks)(chiso, peer, name)
    if errs:
        print(f"MISMATCH: {name}'s {kind} differ from chiso's ({peer} vs {chiso}):")
        for e in errs:
            print("  " + e)
        sys.exit(1)


if __name__ == "__main__":
    main()
