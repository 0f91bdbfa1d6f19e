#!/usr/bin/env python3
"""gen_batches.py — the freshness batches of chiso's benchmark, seeded.

  gen_batches.py --bulk BULK.ndjson --data DIR --out DIR [--batches 100]
                 [--lines 1000] [--seed 42]

Writes OUT/batch-001.ndjson … : every line a valid SPEC §4 record, about
  - 46 % corrections of dossiers of the bulk file (the latest version, with a
    NgayCapNhat above any version in the bulk, and a changed status, channel,
    MucDo and/or unit; half of them dossiers received in 2025-12, so the
    ranking of the month moves),
  - 50 % new dossiers received in 2025-12,
  - 2 % corrections of dossiers created or corrected by earlier batches, and
    of dossiers already corrected earlier in the same batch (the later line
    wins, on an equal NgayCapNhat too),
  - 2 % stale re-sends: an older NgayCapNhat than the stored version, with a
    changed status, which every system must ignore.
It also writes OUT/units.csv (code,level,parent,province) and
OUT/old_province.csv (code,successor) from the unit lists, for the peers.
Python standard library only. The bulk file is read once; only the lines of
the dossiers that may be corrected are kept.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import re
import zlib

STAMP = "%Y%m%d%H%M%S"
MAHOSO = re.compile(rb'"MaHoSo":"([^"]*)"')
CAPNHAT = re.compile(rb'"NgayCapNhat":"(\d{14})"')
TIEPNHAN = re.compile(rb'"NgayTiepNhan":"(\d{14})"')


def parse(s):
    return dt.datetime.strptime(s, STAMP)


def fmt(t):
    return t.strftime(STAMP)


def read_units(data):
    def rows(name):
        with open(os.path.join(data, name), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    ministries = [r["code"] for r in rows("ministries-2025.csv")]
    provinces = [r["code"] for r in rows("provinces-2025.csv")]
    communes = [(r["code"], r["province_code"]) for r in rows("communes-2025.csv")]
    old = [(r["code"], r["successor_code"]) for r in rows("provinces-2008.csv")]
    return ministries, provinces, communes, old


def write_units(out, ministries, provinces, communes, old):
    with open(os.path.join(out, "units.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "level", "parent", "province"])
        w.writerow(["VN", "national", "", ""])
        for m in ministries:
            w.writerow([m, "ministry", "VN", ""])
        for p in provinces:
            w.writerow([p, "province", "VN", p])
        for c, p in communes:
            w.writerow([c, "commune", p, p])
    with open(os.path.join(out, "old_province.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "successor"])
        w.writerows(old)


class Gen:
    def __init__(self, rnd, ministries, provinces, communes, old):
        self.rnd = rnd
        self.ministries, self.provinces = ministries, provinces
        self.communes = [c for c, _ in communes]
        self.old = [c for c, _ in old]

    def unit(self):
        x = self.rnd.random()
        if x < 0.70:
            return self.rnd.choice(self.communes)
        if x < 0.85:
            return self.rnd.choice(self.provinces)
        if x < 0.95:
            return self.rnd.choice(self.ministries)
        return self.rnd.choice(self.old)          # re-attributed to its successor

    def person(self):
        r = self.rnd
        if r.random() < 0.9:
            return {"LoaiDinhDanh": 1, "SoDinhDanh": "0" + r.choice(self.old)
                    + str(r.randint(0, 3)) + "".join(str(r.randint(0, 9)) for _ in range(8))}
        return {"LoaiDinhDanh": 2, "SoDinhDanh": "".join(str(r.randint(0, 9)) for _ in range(9))}

    def set_status(self, rec, status):
        """Gives rec the status and the dates it implies, keeping it valid."""
        r = self.rnd
        rec["TrangThaiHoSo"] = status
        for k in ("NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "DanhSachGiayToKetQua"):
            rec.pop(k, None)
        if status == 1:
            rec.pop("NgayTiepNhan", None)
            rec.pop("NgayHenTra", None)
            rec.pop("DanhSachHoSoBoSung", None)
            return
        if "NgayTiepNhan" not in rec:
            tn = parse(rec["NgayNopHoSo"]) + dt.timedelta(minutes=10)
            rec["NgayTiepNhan"] = fmt(tn)
            rec["NgayHenTra"] = fmt(tn + dt.timedelta(days=r.randint(3, 15)))
        tn = parse(rec["NgayTiepNhan"])
        if status in (9, 10):
            kt = tn + dt.timedelta(seconds=r.randint(3600, 20 * 86400))
            rec["NgayKetThucXuLy"] = fmt(kt)
            if status == 10:
                rec["NgayTra"] = fmt(kt + dt.timedelta(hours=1))
            rec["DanhSachGiayToKetQua"] = [{
                "MaGiayToKetQua": "KQ01",
                "DuongDanTepTinKetQua": ("https://kq.example.vn/%s.pdf" % rec["MaHoSo"])
                if r.random() < 0.6 else ""}]
        elif status in (3, 8):
            rec["NgayTuChoi"] = fmt(tn + dt.timedelta(days=r.randint(0, 5)))

    def new(self, code, stamp):
        r = self.rnd
        tn = dt.datetime(2025, 12, 1) + dt.timedelta(seconds=r.randrange(31 * 86400))
        fees = [{"MaPhiLePhi": "LP01", "Gia": r.choice((50000, 100000, 200000))}] \
            if r.random() < 0.3 else []
        rec = {
            "MaHoSo": code, "MaDonVi": self.unit(),
            "MaTTHC": "1.%06d" % r.randint(1000, 2999),
            "KenhThucHien": r.choices((1, 2, 3), (50, 45, 5))[0],
            "MucDo": r.choices((2, 3, 4), (10, 30, 60))[0],
            "TrangThaiHoSo": 2,
            "NgayNopHoSo": fmt(tn - dt.timedelta(minutes=10)),
            "NgayTiepNhan": fmt(tn),
            "NgayHenTra": fmt(tn + dt.timedelta(days=r.randint(3, 15))),
            "HoSoCoThanhPhanSoHoa": r.choice("01"),
            "TaiKhoanDuocXacThucVoiVNeID": r.choice("01"),
            "DuocThanhToanTrucTuyen": r.choice((0, 1, 2, 3)) if fees else 0,
            "DanhSachLePhi": fees,
            "DinhDanhCHS": [self.person()],
        }
        status = r.choices((1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                           (3, 40, 2, 6, 3, 2, 2, 2, 10, 30))[0]
        self.set_status(rec, status)
        if status != 1 and r.random() < 0.05:
            t = tn + dt.timedelta(hours=2)
            rec["DanhSachHoSoBoSung"] = [{"NgayYeuCau": fmt(t),
                                          "NgayBoSung": fmt(t + dt.timedelta(hours=20))}]
        rec["NgayCapNhat"] = stamp
        return rec

    def correct(self, rec, stamp):
        """A newer version: some of status, channel, MucDo and unit change."""
        r = self.rnd
        rec = json.loads(json.dumps(rec))
        changed = False
        while not changed:
            if r.random() < 0.5:
                self.set_status(rec, r.choice((2, 4, 5, 6, 7, 8, 9, 10, 3)))
                changed = True
            if r.random() < 0.4:
                rec["KenhThucHien"] = r.choice((1, 2, 3))
                changed = True
            if r.random() < 0.3:
                rec["MucDo"] = r.choice((2, 3, 4))
                changed = True
            if r.random() < 0.3:
                rec["MaDonVi"] = self.unit()
                changed = True
        rec["NgayCapNhat"] = stamp
        return rec


def scan_bulk(path, pick_mod, seed):
    """(max NgayCapNhat in the file, {MaHoSo: (stamp, line)} of the latest
    version of the dossiers picked by a seeded hash of their code)."""
    salt = str(seed).encode()
    kept, best = {}, b"0"
    with open(path, "rb") as f:
        for line in f:
            m = MAHOSO.search(line)
            s = CAPNHAT.search(line)
            stamp = s.group(1) if s else b"0"
            if stamp > best:
                best = stamp
            code = m.group(1)
            if zlib.crc32(salt + code) % pick_mod:
                continue
            old = kept.get(code)
            if old is None or stamp >= old[0]:
                kept[code] = (stamp, line)
    return best.decode(), kept


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bulk", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--batches", type=int, default=100)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    units = read_units(a.data)
    write_units(a.out, *units)
    rnd = random.Random(a.seed)
    g = Gen(rnd, *units)

    max_stamp, kept = scan_bulk(a.bulk, 12, a.seed)
    pool = sorted(kept)
    december = [c for c in pool if (TIEPNHAN.search(kept[c][1]) or [None, b""])[1][:6] == b"202512"]
    state = {}      # MaHoSo -> latest record (dict) of what the batches sent or corrected
    touched = []    # codes of dossiers the batches created or corrected, in order

    def current(code):
        if code not in state:
            state[code] = json.loads(kept[code][1])
        return state[code]

    # Every batch line gets a stamp above any bulk version, increasing by line,
    # so a correction always wins; stale re-sends get an older one.
    t = parse(max_stamp).replace(hour=0, minute=0, second=0) + dt.timedelta(days=1)
    stats = {"correction": 0, "december": 0, "new": 0, "again": 0, "tie": 0, "stale": 0}
    for b in range(1, a.batches + 1):
        lines, this_batch = [], []
        for i in range(a.lines):
            t += dt.timedelta(seconds=7)
            stamp = fmt(t)
            x = rnd.random()
            if x < 0.02 and touched:
                # stale: an older stamp than the stored version, other content
                code = rnd.choice(touched if rnd.random() < 0.5 else pool)
                rec = g.correct(current(code), fmt(parse(current(code)["NgayCapNhat"])
                                                   - dt.timedelta(hours=1)))
                kind = "stale"
            elif x < 0.04 and (touched or this_batch):
                code = rnd.choice(this_batch if this_batch and rnd.random() < 0.5 else touched)
                if rnd.random() < 0.25:
                    # the same stamp as the stored version: the later arrival wins
                    stamp = current(code)["NgayCapNhat"]
                    kind = "tie"
                else:
                    kind = "again"
                rec = g.correct(current(code), stamp)
                state[code] = rec
            elif x < 0.50:
                in_december = bool(december) and rnd.random() < 0.5
                code = rnd.choice(december if in_december else pool)
                stats["december"] += in_december
                rec = g.correct(current(code), stamp)
                state[code] = rec
                touched.append(code)
                kind = "correction"
            else:
                code = "BENCH-%d-%03d-%05d" % (a.seed, b, i)
                rec = g.new(code, stamp)
                state[code] = rec
                touched.append(code)
                kind = "new"
            this_batch.append(code)
            stats[kind] += 1
            lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
        with open(os.path.join(a.out, "batch-%03d.ndjson" % b), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    print(f"gen_batches: {a.batches} batches of {a.lines} lines: {stats['new']} new dossiers "
          f"received in 2025-12; {stats['correction']} corrections of bulk dossiers "
          f"({stats['december']} of them received in 2025-12; {len(pool)} dossiers to pick from, "
          f"{len(december)} of them of 2025-12); {stats['again'] + stats['tie']} corrections of "
          f"dossiers the batches created or corrected before ({stats['tie']} of them with an "
          f"equal NgayCapNhat, where the later line wins); {stats['stale']} stale re-sends "
          f"(an older NgayCapNhat than the stored version). Batch stamps start after the bulk "
          f"file's latest NgayCapNhat, {max_stamp}")

if __name__ == "__main__":
    main()
