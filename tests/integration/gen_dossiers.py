#!/usr/bin/env python3
"""gen_dossiers.py — seeded generator of NDJSON dossier batches for chiso's
integration test (SPEC §4, §4.1).

It writes, into --out DIR:
  batch1.ndjson .. batch3.ndjson   versions of a few thousand dossiers spread over
                                   three sync batches, with blank and bad lines
  batchK.refused                   the lines this generator made bad, one per line:
                                   "LINE<TAB>FIELDS" where FIELDS lists the field
                                   names ('|'-separated) a refusal may name, or is
                                   empty when the line is not a JSON object at all
  manifest.tsv                     "FILE<TAB>ARRIVED_AT" in load order
  all.ndjson, all.refused,
  manifest-all.tsv                 every line of the batches concatenated in load
                                   order, as one batch with one arrival time

The generator only knows which lines it broke; which version of a dossier wins,
and every number, is decided by reference.sql, independently of chiso.
Python standard library only; the same --seed gives the same bytes.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random

ARRIVALS = ["20250701120000", "20250801093000", "20251015080000"]
ARRIVAL_ALL = "20251101000000"

# Boundary moments: the 2025-07-01 merger, month and quarter ends, the year end.
BOUNDARIES = [
    "20250630235959", "20250701000000", "20250531235959", "20250601000000",
    "20250731235959", "20250801000000", "20250831235959", "20250901000000",
    "20250930235959", "20251001000000", "20250331235959", "20250401000000",
    "20241231235959", "20250101000000", "20250630000000", "20250701235959",
    "20250615000000", "20250715235959",
]

DATE_FIELDS = ["NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
               "NgayTra", "NgayTuChoi", "NgayCapNhat"]


def fmt(t):
    return t.strftime("%Y%m%d%H%M%S")


def parse(s):
    return dt.datetime.strptime(s, "%Y%m%d%H%M%S")


class Units:
    def __init__(self, data_dir, rng):
        def rows(name):
            with open(os.path.join(data_dir, name), encoding="utf-8") as f:
                return list(csv.DictReader(f))
        self.provinces = [r["code"] for r in rows("provinces-2025.csv")]
        self.ministries = [r["code"] for r in rows("ministries-2025.csv")]
        self.old = [r["code"] for r in rows("provinces-2008.csv")]
        by_prov = {}
        for r in rows("communes-2025.csv"):
            by_prov.setdefault(r["province_code"], []).append(r["code"])
        # A dozen communes per province keeps the per-commune counts meaningful,
        # plus a few scattered ones from anywhere.
        self.communes = []
        for p in sorted(by_prov):
            cs = by_prov[p]
            self.communes += rng.sample(cs, min(12, len(cs)))
        self.all_communes = [c for p in sorted(by_prov) for c in by_prov[p]]
        self.communes += rng.sample(self.all_communes, 40)

    def pick(self, rng, old_bias=False):
        r = rng.random()
        if old_bias and r < 0.7:
            return rng.choice(self.old)
        if r < 0.60:
            return rng.choice(self.communes)
        if r < 0.75:
            return rng.choice(self.provinces)
        if r < 0.88:
            return rng.choice(self.ministries)
        return rng.choice(self.old)


class Gen:
    def __init__(self, seed, data_dir, n):
        self.rng = random.Random(seed)
        self.units = Units(data_dir, self.rng)
        self.n = n
        old = set(self.units.old)
        self.not_old = [f"{i:02d}" for i in range(100) if f"{i:02d}" not in old]
        self.placed = []      # (file_index, key, bytes, bad_fields or None)
        self.bad_kind = 0

    # ----- dates -------------------------------------------------------
    def pick_received(self, file_index):
        rng = self.rng
        r = rng.random()
        if r < 0.10:
            return parse(rng.choice(BOUNDARIES))
        if r < 0.25:
            # Close to the arrival of the batch the first version goes to, so
            # synced_on_time is sometimes met and sometimes not, exactly at 24 h.
            a = parse(ARRIVALS[file_index])
            k = rng.random()
            if k < 0.15:
                return a - dt.timedelta(hours=24)
            if k < 0.30:
                return a - dt.timedelta(hours=24, seconds=1)
            if k < 0.40:
                return a - dt.timedelta(hours=23, minutes=59, seconds=59)
            return a + dt.timedelta(seconds=rng.randint(-48 * 3600, 5 * 86400))
        if r < 0.28:
            base = dt.datetime(2024, 11, 15)
            return base + dt.timedelta(seconds=rng.randint(0, 47 * 86400))
        base = dt.datetime(2025, 4, 1)
        return base + dt.timedelta(seconds=rng.randint(0, 193 * 86400))

    # ----- parts of a record --------------------------------------------
    def personal_ids(self):
        rng = self.rng
        out = []
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
            prov = "0" + rng.choice(self.units.old)
            cent = str(rng.randint(0, 3))
            yy = f"{rng.randint(0, 99):02d}"
            tail = f"{rng.randint(0, 999999):06d}"
            good = prov + cent + yy + tail
            k = rng.random()
            if k < 0.45:
                out.append({"LoaiDinhDanh": 1, "SoDinhDanh": good})
                continue
            bad = rng.choice([
                ("type2", None), ("typenull", None), ("typeabsent", None),
                ("short", good[:11]), ("long", good + "7"),
                ("notold", "0" + rng.choice(self.not_old) + good[3:]),
                ("first1", "1" + good[1:]), ("century", good[:3] + str(rng.randint(4, 9)) + good[4:]),
                ("letter", good[:6] + "A" + good[7:]),
                ("arabic", good[:5] + "\u0663" + good[6:]),
                ("fullwidth", good[:11] + "\uff15"),
                ("space", " " + good[1:]), ("spaces", good + " "),
                ("null", None), ("absent", None), ("old9", good[:9]),
            ])
            name, val = bad
            if name == "type2":
                out.append({"LoaiDinhDanh": 2, "SoDinhDanh": good})
            elif name == "typenull":
                out.append({"LoaiDinhDanh": None, "SoDinhDanh": good})
            elif name == "typeabsent":
                out.append({"SoDinhDanh": good})
            elif name == "null":
                out.append({"LoaiDinhDanh": 1, "SoDinhDanh": None})
            elif name == "absent":
                out.append({"LoaiDinhDanh": 1})
            elif name == "old9":
                out.append({"LoaiDinhDanh": 2, "SoDinhDanh": val})
            else:
                out.append({"LoaiDinhDanh": 1, "SoDinhDanh": val})
        if out and rng.random() < 0.1:
            out.insert(rng.randrange(len(out) + 1), rng.choice([7, "0011900000000", None, []]))
        return out

    def fees(self):
        rng = self.rng
        out = []
        for i in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            line = {"MaPhiLePhi": f"LP{rng.randint(1, 99):03d}"}
            k = rng.random()
            if k < 0.08:
                line["Gia"] = None
            elif k < 0.12:
                pass
            else:
                line["Gia"] = rng.choice([0, 0, 5000, 10000, 25000, 50000, 100000,
                                          150000, 1000000, 3500000000])
            if rng.random() < 0.1:
                line["TenPhiLePhi"] = "Lệ phí cấp bản sao"
            out.append(line)
        if out and rng.random() < 0.1:
            out.insert(rng.randrange(len(out) + 1), rng.choice([5000, "5000", None, [1]]))
        return out

    def results(self):
        rng = self.rng
        out = []
        for i in range(rng.choice([0, 1, 1, 2])):
            e = {"MaGiayToKetQua": f"KQ{rng.randint(1, 999)}"}
            k = rng.random()
            if k < 0.45:
                e["DuongDanTepTinKetQua"] = f"https://dvc.example.vn/kq/{rng.randint(1, 10**9)}.pdf"
            elif k < 0.65:
                e["DuongDanTepTinKetQua"] = ""
            elif k < 0.80:
                e["DuongDanTepTinKetQua"] = None
            out.append(e)
        if rng.random() < 0.08:
            # A bare string is not an object: ignored, so not an electronic result.
            out.append("https://dvc.example.vn/kq/not-an-object.pdf")
        return out

    def supplements(self, start, end):
        """Rounds inside [start, end], non-overlapping, so processing time stays >= 0."""
        rng = self.rng
        n = rng.choice([0, 0, 0, 0, 1, 1, 1, 2, 3])
        span = max(0, int((end - start).total_seconds()))
        pts = sorted(rng.randint(0, span) for _ in range(2 * n))
        out = []
        for i in range(n):
            yc = start + dt.timedelta(seconds=pts[2 * i])
            bs = start + dt.timedelta(seconds=pts[2 * i + 1])
            k = rng.random()
            if k < 0.70:
                out.append({"NgayYeuCau": fmt(yc), "NgayBoSung": fmt(bs)})
            elif k < 0.80:
                out.append({"NgayYeuCau": fmt(yc)})
            elif k < 0.88:
                out.append({"NgayYeuCau": fmt(yc), "NgayBoSung": None})
            elif k < 0.94:
                out.append({"NgayBoSung": fmt(bs), "NgayYeuCau": None})
            else:
                out.append({})
        if rng.random() < 0.05:
            out.insert(rng.randrange(len(out) + 1), rng.choice([1, "20250701000000", None]))
        return out

    def maybe(self, rec, key, value, p_absent=0.05, p_null=0.05):
        r = self.rng.random()
        if r < p_absent:
            return
        if r < p_absent + p_null:
            rec[key] = None
            return
        rec[key] = value

    # ----- a full state ---------------------------------------------------
    def state(self, code, file_index, unit=None, tn=None, status="pick"):
        rng = self.rng
        if tn is None:
            tn = self.pick_received(file_index)
        if unit is None:
            unit = self.units.pick(rng, old_bias=tn.year == 2024)
        if status == "pick":
            status = rng.choices([None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                                 [3, 5, 8, 5, 10, 5, 5, 4, 4, 25, 26])[0]
        rec = {"MaHoSo": code, "MaDonVi": unit,
               "MaTTHC": rng.choice(["1.001234", "2.000305", "1.010203", "3.000150",
                                     "1.004227", "2.002154"])}
        if rng.random() < 0.95:
            rec["KenhThucHien"] = rng.choices([1, 2, 3], [40, 50, 10])[0]
        elif rng.random() < 0.5:
            rec["KenhThucHien"] = None
        if rng.random() < 0.95:
            rec["MucDo"] = rng.choices([2, 3, 4], [10, 30, 60])[0]
        elif rng.random() < 0.5:
            rec["MucDo"] = None
        if status is not None:
            rec["TrangThaiHoSo"] = status
        elif rng.random() < 0.3:
            rec["TrangThaiHoSo"] = None
        if rng.random() < 0.8:
            rec["NgayNopHoSo"] = fmt(tn - dt.timedelta(seconds=rng.randint(0, 3 * 86400)))
        elif rng.random() < 0.05:
            rec["NgayNopHoSo"] = "20240229235959"  # a leap day is a real date
        if status is not None and status >= 2 or rng.random() < 0.5:
            rec["NgayTiepNhan"] = fmt(tn)
        # Due date: usually a few working days later, at 17:00 or at any second.
        if rng.random() < 0.88:
            due = tn + dt.timedelta(days=rng.randint(0, 20))
            due = due.replace(hour=17, minute=0, second=0) if rng.random() < 0.6 else \
                due + dt.timedelta(seconds=rng.randint(0, 86399))
            if due < tn and rng.random() < 0.5:
                due = tn  # sometimes due the very moment of receipt
            rec["NgayHenTra"] = fmt(due)
        elif rng.random() < 0.3:
            rec["NgayHenTra"] = None
        end = tn + dt.timedelta(days=10)
        if status in (9, 10) or (status in (2, 4, 5, 6) and rng.random() < 0.03):
            if status == 9 and rng.random() < 0.08:
                pass  # processed but no end date: not "completed"
            else:
                k = rng.random()
                if k < 0.05:
                    end = tn
                elif k < 0.15 and "NgayHenTra" in rec and rec["NgayHenTra"] and rec["NgayHenTra"] >= fmt(tn):
                    end = parse(rec["NgayHenTra"])  # finished exactly when due: on time
                elif k < 0.20 and "NgayHenTra" in rec and rec["NgayHenTra"] and rec["NgayHenTra"] >= fmt(tn):
                    end = parse(rec["NgayHenTra"]) + dt.timedelta(seconds=1)
                else:
                    end = tn + dt.timedelta(seconds=rng.randint(0, 25 * 86400))
                rec["NgayKetThucXuLy"] = fmt(end)
                if status == 10 and rng.random() < 0.8:
                    rec["NgayTra"] = fmt(end + dt.timedelta(seconds=rng.randint(0, 3 * 86400)))
        if status in (3, 8) and rng.random() < 0.6:
            rec["NgayTuChoi"] = fmt(tn + dt.timedelta(seconds=rng.randint(0, 20 * 86400)))
        if status in (2, 4) and rng.random() < 0.03:
            # Odd but legal orderings: only NgayKetThucXuLy < NgayTiepNhan refuses.
            rec["NgayTra"] = fmt(tn - dt.timedelta(days=2))
        for flag in ("HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID"):
            r = rng.random()
            if r < 0.85:
                rec[flag] = rng.choice(["0", "1", "1"])
            elif r < 0.92:
                rec[flag] = None
        r = rng.random()
        if r < 0.85:
            rec["DuocThanhToanTrucTuyen"] = rng.randint(0, 3)
        elif r < 0.92:
            rec["DuocThanhToanTrucTuyen"] = None
        fees = self.fees()
        if fees or rng.random() < 0.2:
            rec["DanhSachLePhi"] = fees
        elif rng.random() < 0.1:
            rec["DanhSachLePhi"] = None
        ids = self.personal_ids()
        if ids or rng.random() < 0.2:
            rec["DinhDanhCHS"] = ids
        if status in (9, 10) or rng.random() < 0.05:
            res = self.results()
            if res or rng.random() < 0.3:
                rec["DanhSachGiayToKetQua"] = res
        sup = self.supplements(tn, max(end, tn))
        if sup:
            rec["DanhSachHoSoBoSung"] = sup
        elif rng.random() < 0.05:
            rec["DanhSachHoSoBoSung"] = rng.choice([[], None])
        # Unknown fields are ignored, whatever their type.
        if rng.random() < 0.15:
            rec["TenTTHC"] = "Cấp bản sao trích lục hộ tịch"
        if rng.random() < 0.05:
            rec["ChuHoSo"] = {"HoTen": "Nguyễn Văn Á", "Tuoi": 42.5, "x": [1, None, {"y": True}]}
        if rng.random() < 0.03:
            rec["KenhThucHienCu"] = "2"
        return rec

    # ----- serialisation ---------------------------------------------------
    def dump(self, rec):
        rng = self.rng
        items = list(rec.items())
        if rng.random() < 0.3:
            rng.shuffle(items)
        sep = rng.choice([(",", ":"), (",", ":"), (", ", ": ")])
        s = json.dumps(dict(items), ensure_ascii=rng.random() < 0.3, separators=sep)
        r = rng.random()
        if r < 0.01:
            s = "  " + s + " \t"
        elif r < 0.015:
            s = s + "\r"  # CRLF line end: \r is JSON whitespace
        return s.encode("utf-8")

    # ----- bad lines ---------------------------------------------------------
    def bad(self, rec):
        """A refused variant of a valid record: (bytes, fields)."""
        rng = self.rng
        rec = json.loads(json.dumps(rec))
        kinds = [
            "missing", "empty", "nullreq", "codetype", "unit", "date", "date",
            "noreceipt", "order", "inttype", "inttype", "flag", "supdate",
            "feetype", "idtype", "dupkey", "trailing", "nan", "utf8", "notobject",
            "notjson",
        ]
        kind = kinds[self.bad_kind % len(kinds)]
        self.bad_kind += 1
        enc = lambda r: json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if kind == "missing":
            f = rng.choice(["MaHoSo", "MaDonVi", "MaTTHC"])
            rec.pop(f, None)
            return enc(rec), f
        if kind == "empty":
            f = rng.choice(["MaHoSo", "MaDonVi", "MaTTHC"])
            rec[f] = ""
            return enc(rec), f
        if kind == "nullreq":
            f = rng.choice(["MaHoSo", "MaDonVi", "MaTTHC"])
            rec[f] = None
            return enc(rec), f
        if kind == "codetype":
            f = rng.choice(["MaDonVi", "MaTTHC"])
            rec[f] = rng.choice([1, 1001234, ["01"], {"c": "01"}, True])
            return enc(rec), f
        if kind == "unit":
            rec["MaDonVi"] = rng.choice(["99", "00", "XYZ", "0004", "000040", "01 ",
                                         "VN1", "VN", "03", "2", "Hà Nội"])
            return enc(rec), "MaDonVi"
        if kind == "date":
            f = rng.choice(DATE_FIELDS)
            rec[f] = rng.choice([
                "20250230100000", "20250701240000", "20250229120000", "20250631000000",
                "20251301000000", "20250000120000", "20250700120000", "20250715126000",
                "20250715120060", "2025071512000", "202507151200000", "2025-07-15 12:00",
                20250715120000, "2025071512000a", "\uff12\uff10\uff12\uff15\uff10\uff17"
                "\uff11\uff15\uff11\uff12\uff10\uff10\uff10\uff10", "", " 20250715120000",
                "20250431080000", "20251231240000",
            ])
            return enc(rec), f
        if kind == "noreceipt":
            rec["TrangThaiHoSo"] = rng.randint(2, 10)
            if rng.random() < 0.5:
                rec.pop("NgayTiepNhan", None)
            else:
                rec["NgayTiepNhan"] = None
            rec.pop("NgayKetThucXuLy", None)
            return enc(rec), "NgayTiepNhan|TrangThaiHoSo"
        if kind == "order":
            tn = rec.get("NgayTiepNhan") or "20250701000000"
            rec["NgayTiepNhan"] = tn
            rec["NgayKetThucXuLy"] = fmt(parse(tn) - dt.timedelta(seconds=rng.choice([1, 3600, 86400 * 3])))
            if rng.random() < 0.3:
                rec["TrangThaiHoSo"] = rng.choice([1, None])
            return enc(rec), "NgayKetThucXuLy|NgayTiepNhan"
        if kind == "inttype":
            f, v = rng.choice([
                ("KenhThucHien", "2"), ("KenhThucHien", 2.0), ("KenhThucHien", 2e0),
                ("KenhThucHien", True), ("KenhThucHien", 0), ("KenhThucHien", 4),
                ("MucDo", "4"), ("MucDo", 1), ("MucDo", 5), ("MucDo", 4.0),
                ("TrangThaiHoSo", "9"), ("TrangThaiHoSo", 0), ("TrangThaiHoSo", 11),
                ("TrangThaiHoSo", 9.0), ("TrangThaiHoSo", -1),
                ("DuocThanhToanTrucTuyen", 4), ("DuocThanhToanTrucTuyen", -1),
                ("DuocThanhToanTrucTuyen", "1"), ("DuocThanhToanTrucTuyen", 1.5),
                ("KenhThucHien", [2]),
            ])
            rec[f] = v
            if f == "TrangThaiHoSo":
                rec.setdefault("NgayTiepNhan", "20250701000000")
            s = enc(rec)
            if v == 2e0 and isinstance(v, float) and rng.random() < 0.5:
                s = s.replace(b'"KenhThucHien":2.0', b'"KenhThucHien":2e0')
            return s, f
        if kind == "flag":
            f = rng.choice(["HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID"])
            rec[f] = rng.choice([1, 0, "2", "true", True, "", "01", " 1"])
            return enc(rec), f
        if kind == "supdate":
            k = rng.choice(["NgayYeuCau", "NgayBoSung"])
            r = {"NgayYeuCau": "20250702080000", "NgayBoSung": "20250703080000"}
            r[k] = rng.choice(["20250230080000", "20250702250000", "abc", 20250702080000,
                               "2025070208000"])
            sup = rec.get("DanhSachHoSoBoSung") or []
            sup = [x for x in sup if isinstance(x, dict)][:1]
            sup.insert(rng.randint(0, len(sup)), r)
            rec["DanhSachHoSoBoSung"] = sup
            return enc(rec), k + "|DanhSachHoSoBoSung"
        if kind == "feetype":
            v = rng.choice(["10000", 1000.5, 1e4, True])
            rec["DanhSachLePhi"] = [{"MaPhiLePhi": "LP001", "Gia": 5000},
                                    {"MaPhiLePhi": "LP002", "Gia": v}]
            s = enc(rec)
            if v == 1e4:
                s = s.replace(b'"Gia":10000.0', b'"Gia":1E4')
            return s, "Gia|DanhSachLePhi"
        if kind == "idtype":
            rec["DinhDanhCHS"] = [{"LoaiDinhDanh": rng.choice(["1", 1.0, True]),
                                   "SoDinhDanh": "001085012345"}]
            return enc(rec), "LoaiDinhDanh|DinhDanhCHS"
        if kind == "dupkey":
            s = enc(rec)
            k = rng.random()
            if k < 0.4:
                # Same key twice at the top level, with the same value both times.
                key = rng.choice([x for x in rec if x != "MaHoSo"])
                return s[:-1] + b',' + json.dumps(key).encode() + b":" + \
                    json.dumps(rec[key], ensure_ascii=False).encode() + b"}", ""
            if k < 0.7:
                return b'{"MaHoSo":' + json.dumps(rec["MaHoSo"]).encode() + b"," + s[1:], ""
            return s[:-1] + b',"DanhSachLePhi":[{"MaPhiLePhi":"LP1","Gia":1,"Gia":1}]}', ""
        if kind == "trailing":
            s = enc(rec)
            if rng.random() < 0.5:
                return s[:-1] + b",}", ""
            return s[:-1] + b',"DanhSachLePhi":[{"MaPhiLePhi":"LP1","Gia":1},]}', ""
        if kind == "nan":
            tok = rng.choice([b"NaN", b"Infinity", b"-Infinity"])
            where = rng.choice([b"Gia", b"KenhThucHien", b"GhiChu"])
            s = enc(rec)
            if where == b"Gia":
                return s[:-1] + b',"DanhSachLePhi":[{"MaPhiLePhi":"LP1","Gia":' + tok + b"}]}", ""
            return s[:-1] + b',"' + where + b'":' + tok + b"}", ""
        if kind == "utf8":
            junk = rng.choice([b"\xff", b"\xc3(", b"\xc0\xaf", b"\xed\xa0\x80",
                               b"\xf5\x80\x80\x80", b"\xe1\xba"])
            s = enc(rec)
            where = rng.choice([b"MaTTHC", b"TenTTHC"])
            if where == b"MaTTHC":
                s = s.replace(b'"MaTTHC":"', b'"MaTTHC":"' + junk, 1)
            else:
                s = s[:-1] + b',"TenTTHC":"C\xe1\xba\xa5p ' + junk + b'"}'
            return s, ""
        if kind == "notobject":
            return rng.choice([b"[" + enc(rec) + b"]", b'"MaHoSo"', b"42", b"null",
                               b"true", b"[]", b'"' + rec["MaHoSo"].encode() + b'"']), ""
        # notjson
        s = enc(rec)
        return rng.choice([
            s.replace(b'"MaHoSo"', b"'MaHoSo'", 1),
            s.replace(b'"MaHoSo"', b"MaHoSo", 1),
            s + b" // comment",
            s[:-1] + b',"KenhThucHien":02}',
            s + s,
            s[:-1],
            s[:-1] + b',"GhiChu":"a\tb"}',
            s[:-1] + b',"KenhThucHien":+2}',
            s[:-1] + b',"Gia":0x10}',
            s.replace(b"{", b"{,", 1),
            s[:-1] + b',"DanhSachLePhi":[1,,2]}',
            s.replace(b'":', b'" ', 1),
        ]), ""

    # ----- placement ---------------------------------------------------------
    def put(self, file_index, key, data, bad=None):
        self.placed.append((file_index, key, data, bad))

    def spots(self, k, first_file):
        """k (file, key) arrival spots, sorted in arrival order."""
        rng = self.rng
        out = []
        for i in range(k):
            f = first_file if i == 0 else rng.randrange(first_file, 3)
            out.append((f, rng.random()))
        return sorted(out)

    def mutate(self, rec, file_index):
        """An older or alternative version: another unit, channel, fees or status."""
        rng = self.rng
        old = json.loads(json.dumps(rec))
        for what in rng.sample(["unit", "channel", "fees", "status", "flags", "pay", "level", "ids",
                                "dates"], rng.randint(1, 3)):
            if what == "unit":
                old["MaDonVi"] = self.units.pick(rng)
            elif what == "channel":
                old["KenhThucHien"] = rng.choice([1, 2, 3])
            elif what == "fees":
                old["DanhSachLePhi"] = self.fees() or [{"MaPhiLePhi": "LP9", "Gia": 20000}]
            elif what == "status":
                st = rng.choice([None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
                tn = old.get("NgayTiepNhan") or fmt(self.pick_received(file_index))
                if st is None:
                    old.pop("TrangThaiHoSo", None)
                else:
                    old["TrangThaiHoSo"] = st
                if st is not None and st >= 2:
                    old["NgayTiepNhan"] = tn
                if st in (9, 10) and not old.get("NgayKetThucXuLy"):
                    old["NgayKetThucXuLy"] = fmt(parse(tn) + dt.timedelta(days=rng.randint(0, 9)))
            elif what == "flags":
                old["HoSoCoThanhPhanSoHoa"] = rng.choice(["0", "1"])
                old["TaiKhoanDuocXacThucVoiVNeID"] = rng.choice(["0", "1"])
            elif what == "pay":
                old["DuocThanhToanTrucTuyen"] = rng.randint(0, 3)
            elif what == "level":
                old["MucDo"] = rng.choice([2, 3, 4])
            elif what == "ids":
                old["DinhDanhCHS"] = self.personal_ids()
            elif what == "dates":
                # Every date moved by the same amount, often into another month,
                # so the winning version must retract the old day's counts.
                delta = dt.timedelta(seconds=rng.choice([-1, 1]) * rng.randint(3600, 45 * 86400))
                for k in DATE_FIELDS[:-1]:
                    if isinstance(old.get(k), str):
                        old[k] = fmt(parse(old[k]) + delta)
                for r in old.get("DanhSachHoSoBoSung") or []:
                    if isinstance(r, dict):
                        for k in ("NgayYeuCau", "NgayBoSung"):
                            if isinstance(r.get(k), str):
                                r[k] = fmt(parse(r[k]) + delta)
        return old

    def stamp(self, rec, t):
        if t is None:
            if self.rng.random() < 0.5:
                rec["NgayCapNhat"] = None
            else:
                rec.pop("NgayCapNhat", None)
        else:
            rec["NgayCapNhat"] = fmt(t)
        return rec

    def dossier(self, i):
        rng = self.rng
        code = rng.choice([f"HS-{i:06d}", f"000.{i:05d}.H{i % 97:02d}-250101",
                           f"Đ-{i:06d}", f"H{i}"])
        first_file = rng.choices([0, 1, 2], [45, 35, 20])[0]
        final = self.state(code, first_file)
        t0 = parse(final.get("NgayTiepNhan") or "20250601000000") + \
            dt.timedelta(seconds=rng.randint(0, 40 * 86400))
        stamps = sorted(t0 + dt.timedelta(seconds=rng.randint(0, 30 * 86400)) for _ in range(4))
        r = rng.random()
        versions = []   # in intended arrival order
        if r < 0.55:
            versions = [self.stamp(final, stamps[0] if rng.random() < 0.85 else None)]
        elif r < 0.72 and final.get("TrangThaiHoSo") is not None and final["TrangThaiHoSo"] >= 2:
            # Progression: received, in process, then the final state.
            v1 = json.loads(json.dumps(final))
            v1["TrangThaiHoSo"] = 2
            for k in ("NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "DanhSachGiayToKetQua"):
                v1.pop(k, None)
            v2 = json.loads(json.dumps(v1))
            v2["TrangThaiHoSo"] = rng.choice([4, 5, 6])
            chain = [v1, v2, final][rng.randint(0, 1):]
            versions = [self.stamp(v, stamps[j]) for j, v in enumerate(chain)]
        elif r < 0.82:
            # Correction: an earlier version differing in unit, channel, fees...
            old = self.mutate(final, first_file)
            versions = [self.stamp(old, stamps[0]), self.stamp(final, stamps[1])]
        elif r < 0.88:
            # Out of order: the newer version arrives first, the older one is stale.
            old = self.mutate(final, first_file)
            versions = [self.stamp(final, stamps[2]), self.stamp(old, stamps[1])]
            if rng.random() < 0.4:
                older = self.mutate(final, first_file)
                versions.append(self.stamp(older, stamps[0]))
        elif r < 0.93:
            # Equal stamps: the later arrival wins.
            old = self.mutate(final, first_file)
            versions = [self.stamp(old, stamps[1]), self.stamp(final, stamps[1])]
        else:
            # Unstamped versions rank below stamped ones; among them the later wins.
            a = self.mutate(final, first_file)
            b = self.mutate(final, first_file)
            pattern = rng.choice(["UU", "SU", "US", "USU", "UUS"])
            recs = [a, b, final][:len(pattern)]
            rng.shuffle(recs)
            versions = [self.stamp(v, stamps[j] if p == "S" else None)
                        for j, (v, p) in enumerate(zip(recs, pattern))]
        sp = self.spots(len(versions), first_file=first_file)
        for (f, key), v in zip(sp, versions):
            self.put(f, key, self.dump(v))
        # A bad version naming this dossier, with the highest stamp: refused,
        # so it must change nothing — sometimes before the first valid version.
        if rng.random() < 0.05:
            b = self.mutate(final, first_file)
            b["NgayCapNhat"] = fmt(stamps[3] + dt.timedelta(days=1))
            data, fields = self.bad(b)
            f = rng.randrange(3)
            key = rng.random()
            if rng.random() < 0.3:
                f, key = sp[0][0], sp[0][1] / 2
            self.put(f, key, data, fields)

    def run(self):
        for i in range(self.n):
            self.dossier(i)
        # Standalone bad lines for dossiers that never get a valid version,
        # enough to cover every kind more than once.
        for j in range(3 * 21):
            rec = self.state(f"BAD-{j:04d}", self.rng.randrange(3))
            rec["NgayCapNhat"] = "20250801000000"
            data, fields = self.bad(rec)
            self.put(self.rng.randrange(3), self.rng.random(), data, fields)
        # A commune no other dossier uses, with 128 dossiers received in August
        # 2025 of which one is full-process online: toan_trinh = 0.78125 exactly,
        # so half-up (0.7813) and half-even (0.7812) rounding differ.
        spare = [c for c in self.units.all_communes if c not in set(self.units.communes)]
        commune = self.rng.choice(spare)
        for j in range(128):
            tn = dt.datetime(2025, 8, 1) + dt.timedelta(seconds=self.rng.randint(0, 30 * 86400))
            rec = {"MaHoSo": f"TIE-{j:03d}", "MaDonVi": commune, "MaTTHC": "1.001234",
                   "KenhThucHien": 2 if j == 77 else self.rng.choice([1, 3]),
                   "MucDo": 4, "TrangThaiHoSo": 4, "NgayTiepNhan": fmt(tn),
                   "NgayCapNhat": fmt(tn + dt.timedelta(hours=1))}
            self.put(self.rng.randrange(3), self.rng.random(), self.dump(rec))
        # Dossier codes that differ only by leading zeros are different dossiers.
        for code, unit in (("000777", "01"), ("777", "79")):
            rec = self.state(code, 0, unit=unit, tn=parse("20250630235959"), status=2)
            rec["NgayCapNhat"] = "20250701000000"
            self.put(0, 0.5, self.dump(rec))
        files = []
        for fi in range(3):
            rows = sorted((k, d, b) for (f, k, d, b) in self.placed if f == fi)
            lines, refused = [], []
            if fi == 1:
                lines.append(b"")  # a file starting with a blank line
            for k, d, b in rows:
                if self.rng.random() < 0.01:
                    lines.append(b"")
                lines.append(d)
                if b is not None:
                    refused.append((len(lines), b))
            files.append((lines, refused))
        return files


def write(out, name, lines, refused, final_newline=True):
    with open(os.path.join(out, name + ".ndjson"), "wb") as f:
        f.write(b"\n".join(lines) + (b"\n" if final_newline else b""))
    with open(os.path.join(out, name + ".refused"), "w") as f:
        for n, fields in refused:
            f.write(f"{n}\t{fields}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20250701)
    ap.add_argument("--dossiers", type=int, default=4000)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "..", "data"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    files = Gen(a.seed, a.data, a.dossiers).run()
    all_lines, all_refused = [], []
    with open(os.path.join(a.out, "manifest.tsv"), "w") as m:
        for i, (lines, refused) in enumerate(files):
            name = f"batch{i + 1}"
            # The last batch ends without a final newline.
            write(a.out, name, lines, refused, final_newline=i != 2)
            m.write(f"{name}.ndjson\t{ARRIVALS[i]}\n")
            all_refused += [(n + len(all_lines), f) for n, f in refused]
            all_lines += lines
    write(a.out, "all", all_lines, all_refused)
    with open(os.path.join(a.out, "manifest-all.tsv"), "w") as m:
        m.write(f"all.ndjson\t{ARRIVAL_ALL}\n")


if __name__ == "__main__":
    main()
