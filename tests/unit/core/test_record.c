/*
 * test_record.c — one dossier record against each rule of SPEC §4.1.
 *
 * Moments: 20250601080000 is 2025-06-01 (day 20240) at 08:00 Vietnam time,
 * 20240 × 86400 + 8 × 3600 = 1748764800.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../fixture.h"
#include "../test.h"
#include "core/mem.h"
#include "core/record.h"

/* The three required fields, valid. */
#define REQ "\"MaHoSo\":\"H1\",\"MaDonVi\":\"01\",\"MaTTHC\":\"1.000001\""
/* Received on 2025-06-01 08:00. */
#define RECV REQ ",\"TrangThaiHoSo\":2,\"NgayTiepNhan\":\"20250601080000\""

#define M_0601_0800 1748764800LL

static void check_refused(const char *file, int line, const char *json,
                          size_t len, const char *field)
{
    struct record rec;
    struct record_error why = {"?", ""};
    enum chiso_err rc =
        record_parse(fixture_units(), json, len, &rec, &why);
    if (rc != CHISO_ERECORD)
        test_fail(file, line, json, "expected %s on %s, got %s",
                  err_name(CHISO_ERECORD), field, err_name(rc));
    else if (strcmp(why.field, field) != 0)
        test_fail(file, line, json,
                  "expected the field \"%s\", got \"%s\" (%s)", field,
                  why.field, why.reason);
    else if (why.reason[0] == '\0')
        test_fail(file, line, json, "expected a reason, got \"\"");
}
#define CHECK_REFUSED(json, field)                                             \
    check_refused(__FILE__, __LINE__, json, strlen(json), field)

TEST(record_minimal)
{
    struct record r;
    REQUIRE(RECORD_OK("{" REQ "}", &r));
    CHECK_EQ_STR(r.key, "H1");
    CHECK_EQ_INT(r.key_len, 2);
    CHECK_EQ_UINT(r.unit, fixture_unit("01"));
    CHECK(!r.via_lineage);
    CHECK_EQ_INT(r.status, 0);
    CHECK_EQ_INT(r.channel, 0);
    CHECK_EQ_INT(r.level, 0);
    CHECK_EQ_INT(r.payment, -1);
    CHECK(!r.digitised);
    CHECK(!r.vneid);
    CHECK(!r.personal_id);
    CHECK(!r.e_result);
    for (int i = 0; i < RECORD__STAMP_COUNT; i++)
        CHECK_EQ_INT(r.at[i], RECORD_NO_TIME);
    CHECK_EQ_INT(r.fee, 0);
    CHECK_EQ_INT(r.supplements, 0);
    CHECK_EQ_INT(r.supplement_seconds, 0);
}

TEST(record_full)
{
    struct record r;
    REQUIRE(RECORD_OK(
        "{\"MaHoSo\":\"000.00.01.H26-250601-0001\",\"MaDonVi\":\"00004\","
        "\"MaTTHC\":\"1.000001\",\"KenhThucHien\":2,\"MucDo\":4,"
        "\"TrangThaiHoSo\":10,\"NgayNopHoSo\":\"20250601073000\","
        "\"NgayTiepNhan\":\"20250601080000\",\"NgayHenTra\":\"20250605170000\","
        "\"NgayKetThucXuLy\":\"20250604100000\",\"NgayTra\":\"20250604110000\","
        "\"NgayCapNhat\":\"20250604110500\",\"HoSoCoThanhPhanSoHoa\":\"1\","
        "\"TaiKhoanDuocXacThucVoiVNeID\":\"1\",\"DuocThanhToanTrucTuyen\":2}",
        &r));
    CHECK_EQ_STR(r.key, "000.00.01.H26-250601-0001");
    CHECK_EQ_UINT(r.unit, fixture_unit("00004"));
    CHECK_EQ_INT(r.status, 10);
    CHECK_EQ_INT(r.channel, 2);
    CHECK_EQ_INT(r.level, 4);
    CHECK_EQ_INT(r.payment, 2);
    CHECK(r.digitised);
    CHECK(r.vneid);
    CHECK_EQ_INT(r.at[RECORD_SUBMITTED], M_0601_0800 - 1800);
    CHECK_EQ_INT(r.at[RECORD_RECEIVED], M_0601_0800);
    /* 2025-06-05 17:00: + 4 days 9 hours */
    CHECK_EQ_INT(r.at[RECORD_DUE], M_0601_0800 + 4 * 86400 + 9 * 3600);
    /* 2025-06-04 10:00: + 3 days 2 hours */
    CHECK_EQ_INT(r.at[RECORD_FINISHED], M_0601_0800 + 3 * 86400 + 2 * 3600);
    CHECK_EQ_INT(r.at[RECORD_RETURNED], M_0601_0800 + 3 * 86400 + 3 * 3600);
    CHECK_EQ_INT(r.at[RECORD_UPDATED],
                 M_0601_0800 + 3 * 86400 + 3 * 3600 + 300);
    CHECK_EQ_INT(r.at[RECORD_REFUSED_AT], RECORD_NO_TIME);
}

TEST(record_required_fields)
{
    CHECK_REFUSED("{\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}", "MaHoSo");
    CHECK_REFUSED("{\"MaHoSo\":\"\",\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}",
                  "MaHoSo");
    CHECK_REFUSED("{\"MaHoSo\":null,\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}",
                  "MaHoSo");
    CHECK_REFUSED("{\"MaHoSo\":17,\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}",
                  "MaHoSo");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaTTHC\":\"T\"}", "MaDonVi");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"\",\"MaTTHC\":\"T\"}",
                  "MaDonVi");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":1,\"MaTTHC\":\"T\"}",
                  "MaDonVi");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"01\"}", "MaTTHC");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"01\",\"MaTTHC\":\"\"}",
                  "MaTTHC");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"01\",\"MaTTHC\":null}",
                  "MaTTHC");
    /* a code holding a NUL character */
    CHECK_REFUSED("{\"MaHoSo\":\"H\\u0000X\",\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}",
                  "MaHoSo");
}

TEST(record_code_length)
{
    char json[700];
    char code[300];
    memset(code, 'K', 256);
    code[256] = '\0';
    snprintf(json, sizeof json,
             "{\"MaHoSo\":\"%s\",\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}", code);
    CHECK_REFUSED(json, "MaHoSo");
    code[255] = '\0'; /* exactly CHISO_MAX_CODE_BYTES */
    snprintf(json, sizeof json,
             "{\"MaHoSo\":\"%s\",\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}", code);
    struct record r;
    REQUIRE(RECORD_OK(json, &r));
    CHECK_EQ_INT(r.key_len, 255);
    CHECK_EQ_STR(r.key, code);
}

TEST(record_units)
{
    struct record r;
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"99\",\"MaTTHC\":\"T\"}",
                  "MaDonVi");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"03\",\"MaTTHC\":\"T\"}",
                  "MaDonVi");
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"bca\",\"MaTTHC\":\"T\"}",
                  "MaDonVi");
    /* old province code: re-attributed to its successor */
    REQUIRE(RECORD_OK(
        "{\"MaHoSo\":\"H\",\"MaDonVi\":\"02\",\"MaTTHC\":\"T\"}", &r));
    CHECK_EQ_UINT(r.unit, fixture_unit("08"));
    CHECK(r.via_lineage);
    REQUIRE(RECORD_OK(
        "{\"MaHoSo\":\"H\",\"MaDonVi\":\"BCA\",\"MaTTHC\":\"T\"}", &r));
    CHECK_EQ_UINT(r.unit, fixture_unit("BCA"));
    CHECK(!r.via_lineage);
    REQUIRE(RECORD_OK(
        "{\"MaHoSo\":\"H\",\"MaDonVi\":\"32248\",\"MaTTHC\":\"T\"}", &r));
    CHECK_EQ_UINT(r.unit, fixture_unit("32248"));
}

/* SPEC §4.1: MaDonVi "must be a 2025 unit code (commune, province,
 * ministry) or a pre-2025 province code". The national root VN is none of
 * these: no dossier is handled by "the whole country". */
TEST(record_national_root_not_a_handling_unit)
{
    CHECK_REFUSED("{\"MaHoSo\":\"H\",\"MaDonVi\":\"VN\",\"MaTTHC\":\"T\"}",
                  "MaDonVi");
}

TEST(record_status_needs_received)
{
    struct record r;
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":2}", "NgayTiepNhan");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":3}", "NgayTiepNhan");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":10}", "NgayTiepNhan");
    /* null is absent */
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":2,\"NgayTiepNhan\":null}",
                  "NgayTiepNhan");
    REQUIRE(RECORD_OK("{" REQ ",\"TrangThaiHoSo\":1}", &r));
    CHECK_EQ_INT(r.status, 1);
    REQUIRE(RECORD_OK("{" REQ ",\"TrangThaiHoSo\":null}", &r));
    CHECK_EQ_INT(r.status, 0);
    REQUIRE(RECORD_OK("{" RECV "}", &r));
    CHECK_EQ_INT(r.status, 2);
    CHECK_EQ_INT(r.at[RECORD_RECEIVED], M_0601_0800);
}

TEST(record_integer_fields)
{
    struct record r;
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":0}", "TrangThaiHoSo");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":11}", "TrangThaiHoSo");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":\"1\"}", "TrangThaiHoSo");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":4}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":0}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":\"2\"}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":2.0}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":2e0}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"KenhThucHien\":true}", "KenhThucHien");
    CHECK_REFUSED("{" REQ ",\"MucDo\":1}", "MucDo");
    CHECK_REFUSED("{" REQ ",\"MucDo\":5}", "MucDo");
    CHECK_REFUSED("{" REQ ",\"DuocThanhToanTrucTuyen\":4}",
                  "DuocThanhToanTrucTuyen");
    CHECK_REFUSED("{" REQ ",\"DuocThanhToanTrucTuyen\":-1}",
                  "DuocThanhToanTrucTuyen");
    REQUIRE(RECORD_OK("{" REQ ",\"KenhThucHien\":3,\"MucDo\":2,"
                      "\"DuocThanhToanTrucTuyen\":0}",
                      &r));
    CHECK_EQ_INT(r.channel, 3);
    CHECK_EQ_INT(r.level, 2);
    CHECK_EQ_INT(r.payment, 0);
    REQUIRE(RECORD_OK("{" REQ ",\"KenhThucHien\":null,\"MucDo\":null,"
                      "\"DuocThanhToanTrucTuyen\":null}",
                      &r));
    CHECK_EQ_INT(r.channel, 0);
    CHECK_EQ_INT(r.level, 0);
    CHECK_EQ_INT(r.payment, -1);
}

TEST(record_flags)
{
    struct record r;
    CHECK_REFUSED("{" REQ ",\"HoSoCoThanhPhanSoHoa\":1}",
                  "HoSoCoThanhPhanSoHoa");
    CHECK_REFUSED("{" REQ ",\"HoSoCoThanhPhanSoHoa\":true}",
                  "HoSoCoThanhPhanSoHoa");
    CHECK_REFUSED("{" REQ ",\"HoSoCoThanhPhanSoHoa\":\"2\"}",
                  "HoSoCoThanhPhanSoHoa");
    CHECK_REFUSED("{" REQ ",\"HoSoCoThanhPhanSoHoa\":\"\"}",
                  "HoSoCoThanhPhanSoHoa");
    CHECK_REFUSED("{" REQ ",\"HoSoCoThanhPhanSoHoa\":\"01\"}",
                  "HoSoCoThanhPhanSoHoa");
    CHECK_REFUSED("{" REQ ",\"TaiKhoanDuocXacThucVoiVNeID\":0}",
                  "TaiKhoanDuocXacThucVoiVNeID");
    REQUIRE(RECORD_OK("{" REQ ",\"HoSoCoThanhPhanSoHoa\":\"1\","
                      "\"TaiKhoanDuocXacThucVoiVNeID\":\"0\"}",
                      &r));
    CHECK(r.digitised);
    CHECK(!r.vneid);
    REQUIRE(RECORD_OK("{" REQ ",\"HoSoCoThanhPhanSoHoa\":null,"
                      "\"TaiKhoanDuocXacThucVoiVNeID\":\"1\"}",
                      &r));
    CHECK(!r.digitised);
    CHECK(r.vneid);
}

TEST(record_dates)
{
    struct record r;
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":2,"
                  "\"NgayTiepNhan\":\"20250230000000\"}",
                  "NgayTiepNhan");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":2,"
                  "\"NgayTiepNhan\":\"2025063024000\"}",
                  "NgayTiepNhan");
    CHECK_REFUSED("{" REQ ",\"TrangThaiHoSo\":2,"
                  "\"NgayTiepNhan\":20250601080000}",
                  "NgayTiepNhan");
    CHECK_REFUSED("{" RECV ",\"NgayHenTra\":\"20250601240000\"}", "NgayHenTra");
    CHECK_REFUSED("{" RECV ",\"NgayNopHoSo\":\"2025-06-01 08:00\"}",
                  "NgayNopHoSo");
    CHECK_REFUSED("{" RECV ",\"NgayTra\":\"\"}", "NgayTra");
    CHECK_REFUSED("{" RECV ",\"NgayTuChoi\":\"20250631000000\"}", "NgayTuChoi");
    CHECK_REFUSED("{" RECV ",\"NgayCapNhat\":\"2025060108000０\"}",
                  "NgayCapNhat"); /* a full-width digit */
    /* a bad date is refused even without a status */
    CHECK_REFUSED("{" REQ ",\"NgayTiepNhan\":\"20251301000000\"}",
                  "NgayTiepNhan");
    REQUIRE(RECORD_OK("{" RECV ",\"NgayHenTra\":null,\"NgayTra\":null}", &r));
    CHECK_EQ_INT(r.at[RECORD_DUE], RECORD_NO_TIME);
}

TEST(record_finished_not_before_received)
{
    struct record r;
    CHECK_REFUSED("{" RECV ",\"NgayKetThucXuLy\":\"20250601075959\"}",
                  "NgayKetThucXuLy");
    REQUIRE(RECORD_OK("{" RECV ",\"NgayKetThucXuLy\":\"20250601080000\"}", &r));
    CHECK_EQ_INT(r.at[RECORD_FINISHED], M_0601_0800);
    /* no NgayTiepNhan: nothing to compare with */
    REQUIRE(RECORD_OK("{" REQ ",\"TrangThaiHoSo\":1,"
                      "\"NgayKetThucXuLy\":\"20200101000000\"}",
                      &r));
    /* other orderings do not refuse a record */
    REQUIRE(RECORD_OK("{" RECV ",\"NgayHenTra\":\"20250101000000\","
                      "\"NgayNopHoSo\":\"20260101000000\"}",
                      &r));
}

TEST(record_strict_json)
{
    CHECK_REFUSED("{" REQ ",}", "");                      /* trailing comma */
    CHECK_REFUSED("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":1},]}", "");
    CHECK_REFUSED("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":NaN}]}", "");
    CHECK_REFUSED("{" REQ ",\"x\":Infinity}", "");
    CHECK_REFUSED("{" REQ ",\"MaHoSo\":\"H2\"}", ""); /* duplicate key */
    CHECK_REFUSED("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":1,\"Gia\":2}]}", "");
    CHECK_REFUSED("{" REQ ",\"TenNguoiNop\":\"Nguy\xff\x65n\"}", "");
    CHECK_REFUSED("{" REQ ",\"TenNguoiNop\":\"\xc0\xaf\"}", ""); /* overlong */
    CHECK_REFUSED("{\"MaHoSo\":'H1'}", "");
    CHECK_REFUSED("{" REQ "} {}", "");
    CHECK_REFUSED("{" REQ, "");
    CHECK_REFUSED("", "");
    CHECK_REFUSED("   ", "");
    /* not an object */
    CHECK_REFUSED("[{" REQ "}]", "");
    CHECK_REFUSED("\"H1\"", "");
    CHECK_REFUSED("42", "");
    CHECK_REFUSED("null", "");
}

TEST(record_line_limit)
{
    size_t n = CHISO_MAX_LINE_BYTES + 1;
    char *line = malloc(n);
    REQUIRE(line != NULL);
    /* {"MaHoSo":"H","MaDonVi":"01","MaTTHC":"T","x":"aaaa...a"} */
    const char *head = "{" REQ ",\"x\":\"";
    size_t hl = strlen(head);
    memcpy(line, head, hl);
    memset(line + hl, 'a', n - hl - 2);
    memcpy(line + n - 2, "\"}", 2);
    struct record r;
    struct record_error why;
    CHECK_EQ_INT(record_parse(fixture_units(), line, n, &r, &why),
                 CHISO_ERECORD);
    CHECK_EQ_STR(why.field, "");
    /* one byte shorter is within the limit */
    memcpy(line + n - 3, "\"}", 2);
    CHECK_EQ_INT(record_parse(fixture_units(), line, n - 1, &r, &why),
                 CHISO_OK);
    free(line);
}

TEST(record_unknown_and_null_ignored)
{
    struct record r;
    REQUIRE(RECORD_OK("{" RECV ",\"TenThuTuc\":\"Cấp giấy phép\","
                      "\"Extra\":{\"a\":[1,2,{\"b\":null}]},\"Z\":null,"
                      "\"DanhSachLePhi\":null,\"DinhDanhCHS\":null,"
                      "\"DanhSachGiayToKetQua\":null,"
                      "\"DanhSachHoSoBoSung\":null}",
                      &r));
    CHECK_EQ_INT(r.status, 2);
    CHECK_EQ_INT(r.fee, 0);
    CHECK_EQ_INT(r.supplements, 0);
}

TEST(record_fees)
{
    struct record r;
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachLePhi\":["
                      "{\"MaPhiLePhi\":\"LP1\",\"Gia\":50000},"
                      "{\"MaPhiLePhi\":\"LP2\",\"Gia\":25000},"
                      "{\"MaPhiLePhi\":\"LP3\"},"
                      "{\"Gia\":null},"
                      "7,\"x\",null,[1],"
                      "{\"Gia\":1000000000000}]}",
                      &r));
    /* 50000 + 25000 + 10^12 */
    CHECK_EQ_INT(r.fee, 1000000075000LL);
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachLePhi\":[]}", &r));
    CHECK_EQ_INT(r.fee, 0);

    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":[{\"Gia\":1},{\"Gia\":\"2\"}]}",
                  "DanhSachLePhi[1].Gia");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":[{\"Gia\":-1}]}",
                  "DanhSachLePhi[0].Gia");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":[{\"Gia\":1000.5}]}",
                  "DanhSachLePhi[0].Gia");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":[{\"Gia\":1000000000001}]}",
                  "DanhSachLePhi[0].Gia");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":[7,{\"MaPhiLePhi\":7}]}",
                  "DanhSachLePhi[1].MaPhiLePhi");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":{\"Gia\":1}}", "DanhSachLePhi");
    CHECK_REFUSED("{" RECV ",\"DanhSachLePhi\":\"\"}", "DanhSachLePhi");
}

TEST(record_array_limit)
{
    /* 1001 elements are too many; 1000 are fine */
    size_t cap = 16 + 1001 * 3 + 200;
    char *json = malloc(cap);
    REQUIRE(json != NULL);
    for (int n = 1000; n <= 1001; n++) {
        size_t k = (size_t)snprintf(json, cap, "{%s,\"DanhSachLePhi\":[", REQ);
        for (int i = 0; i < n; i++)
            k += (size_t)snprintf(json + k, cap - k, i ? ",{}" : "{}");
        snprintf(json + k, cap - k, "]}");
        struct record r;
        struct record_error why = {"", ""};
        enum chiso_err rc =
            record_parse(fixture_units(), json, strlen(json), &r, &why);
        if (n == 1000) {
            CHECK_EQ_INT(rc, CHISO_OK);
        } else {
            CHECK_EQ_INT(rc, CHISO_ERECORD);
            CHECK_EQ_STR(why.field, "DanhSachLePhi");
        }
    }
    free(json);
}

static bool personal_id(const char *ids)
{
    char json[512];
    struct record r = {.personal_id = false};
    snprintf(json, sizeof json, "{%s,\"DinhDanhCHS\":%s}", RECV, ids);
    if (!RECORD_OK(json, &r))
        return false;
    return r.personal_id;
}

/* SPEC §4: 12 digits; digits 1–3 "0" + a code of provinces-2008.csv (01 …
 * 96, with gaps: 03, 05, 07, 09, 13 … never existed); digit 4 from 0 to 3. */
TEST(record_personal_id)
{
    CHECK(personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"001095001234\"}]"));
    CHECK(personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"096305001234\"}]"));
    CHECK(personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"002195001234\"}]"));
    /* digit 4 = 4 */
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"001495001234\"}]"));
    /* 03 is not a pre-2025 province code; 97 and 00 neither */
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"003095001234\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"097095001234\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"000095001234\"}]"));
    /* digit 1 is always 0 */
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"101095001234\"}]"));
    /* length and digits */
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"00109500123\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"0010950012345\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"00109500123x\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\" 01095001234\"}]"));
    /* only LoaiDinhDanh 1 counts */
    CHECK(!personal_id("[{\"LoaiDinhDanh\":2,\"SoDinhDanh\":\"001095001234\"}]"));
    CHECK(!personal_id("[{\"SoDinhDanh\":\"001095001234\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":null,\"SoDinhDanh\":\"001095001234\"}]"));
    CHECK(!personal_id("[{\"LoaiDinhDanh\":1}]"));
    CHECK(!personal_id("[]"));
    /* one valid entry among others is enough */
    CHECK(personal_id("[{\"LoaiDinhDanh\":2,\"SoDinhDanh\":\"012345678\"},"
                      "\"001095001234\",{\"LoaiDinhDanh\":1,"
                      "\"SoDinhDanh\":\"001095001234\"}]"));

    CHECK_REFUSED("{" RECV ",\"DinhDanhCHS\":[{\"LoaiDinhDanh\":3,"
                  "\"SoDinhDanh\":\"001095001234\"}]}",
                  "DinhDanhCHS[0].LoaiDinhDanh");
    CHECK_REFUSED("{" RECV ",\"DinhDanhCHS\":[{\"LoaiDinhDanh\":\"1\","
                  "\"SoDinhDanh\":\"001095001234\"}]}",
                  "DinhDanhCHS[0].LoaiDinhDanh");
    CHECK_REFUSED("{" RECV ",\"DinhDanhCHS\":[{},{\"LoaiDinhDanh\":1,"
                  "\"SoDinhDanh\":1095001234}]}",
                  "DinhDanhCHS[1].SoDinhDanh");
}

TEST(record_e_result)
{
    struct record r;
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":"
                      "\"KQ1\",\"DuongDanTepTinKetQua\":\"\"}]}",
                      &r));
    CHECK(!r.e_result);
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":"
                      "\"KQ1\",\"DuongDanTepTinKetQua\":null},{\"MaGiayToKetQua\":"
                      "\"KQ2\"}]}",
                      &r));
    CHECK(!r.e_result);
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":"
                      "\"KQ1\",\"DuongDanTepTinKetQua\":\"\"},{\"MaGiayToKetQua\":"
                      "\"KQ2\",\"DuongDanTepTinKetQua\":\"https://kq.vn/2.pdf\"}]}",
                      &r));
    CHECK(r.e_result);
    CHECK_REFUSED("{" RECV ",\"DanhSachGiayToKetQua\":[{\"DuongDanTepTinKetQua\""
                  ":1}]}",
                  "DanhSachGiayToKetQua[0].DuongDanTepTinKetQua");
    CHECK_REFUSED("{" RECV ",\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":[]}]}",
                  "DanhSachGiayToKetQua[0].MaGiayToKetQua");
}

TEST(record_supplements)
{
    struct record r;
    /* round 1: 06-02 08:00 → 06-03 09:00 = 25 h = 90000 s;
     * round 2: asked only, not deducted; round 3: 06-04 10:00 → 06-04 10:30 */
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachHoSoBoSung\":["
                      "{\"NgayYeuCau\":\"20250602080000\","
                      "\"NgayBoSung\":\"20250603090000\"},"
                      "{\"NgayYeuCau\":\"20250603100000\",\"NgayBoSung\":null},"
                      "{\"NgayYeuCau\":\"20250604100000\","
                      "\"NgayBoSung\":\"20250604103000\"}]}",
                      &r));
    CHECK_EQ_INT(r.supplements, 3);
    CHECK_EQ_INT(r.supplement_seconds, 90000 + 1800);
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachHoSoBoSung\":[{}]}", &r));
    CHECK_EQ_INT(r.supplements, 1);
    CHECK_EQ_INT(r.supplement_seconds, 0);

    CHECK_REFUSED("{" RECV ",\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":"
                  "\"20250602080000\",\"NgayBoSung\":\"20250632000000\"}]}",
                  "DanhSachHoSoBoSung[0].NgayBoSung");
    CHECK_REFUSED("{" RECV ",\"DanhSachHoSoBoSung\":[{},{\"NgayYeuCau\":"
                  "\"2025060208000\"}]}",
                  "DanhSachHoSoBoSung[1].NgayYeuCau");
}

/* SPEC §4.1: "array elements that are not objects are ignored", so they are
 * not supplement rounds (and must not cost a dossier its on-time status). */
TEST(record_supplements_ignore_non_objects)
{
    struct record r;
    REQUIRE(RECORD_OK("{" RECV ",\"DanhSachHoSoBoSung\":[7,null,\"x\","
                      "{\"NgayYeuCau\":\"20250602080000\","
                      "\"NgayBoSung\":\"20250602090000\"}]}",
                      &r));
    CHECK_EQ_INT(r.supplements, 1);
    CHECK_EQ_INT(r.supplement_seconds, 3600);
}

/* Lines big enough that the parser outgrows the per-thread arena of
 * record.c: a 300,000-byte string before the fields that matter, and an
 * array of 9,000 small numbers that fills the arena before MaHoSo is read. */
static char *big_string_line(void)
{
    size_t pad = 300000;
    char *json = malloc(pad + 200);
    if (json == NULL)
        return NULL;
    int k = snprintf(json, 64, "{\"x\":\"");
    memset(json + k, 'a', pad);
    snprintf(json + k + pad, 200, "\",%s,\"DanhSachLePhi\":[{\"Gia\":5}]}",
             "\"MaHoSo\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\",\"MaDonVi\":\"01\","
             "\"MaTTHC\":\"T\"");
    return json;
}

static char *long_array_line(void)
{
    enum { PAD = 9000 };
    char *json = malloc(PAD * 2 + 300);
    if (json == NULL)
        return NULL;
    size_t k = (size_t)sprintf(json, "{\"pad\":[0");
    for (int i = 1; i < PAD; i++)
        k += (size_t)sprintf(json + k, ",0");
    sprintf(json + k, "],\"MaHoSo\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\","
                      "\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}");
    return json;
}

/*
 * A failed allocation must neither refuse a valid record nor change what
 * was parsed (jansson 2.14 drops a byte it cannot save and goes on). Every
 * fallible allocation (mem_try_alloc) a parse makes is failed in turn; the
 * result must be the exact record, or CHISO_ENOMEM. A probe allocation
 * after the parse tells when the parse made fewer than n of them.
 */
TEST(record_out_of_memory)
{
    const char *key = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char *(*const lines[])(void) = {big_string_line, long_array_line};
    for (size_t l = 0; l < 2; l++) {
        char *json = lines[l]();
        REQUIRE(json != NULL);
        struct record r;
        struct record_error why;
        /* warm up: the thread's arena exists */
        REQUIRE(record_parse(fixture_units(), json, strlen(json), &r, &why) ==
                CHISO_OK);
        CHECK_EQ_STR(r.key, key);
        int bad = 0;
        for (unsigned long n = 1; bad < 3; n++) {
            why = (struct record_error){"", ""};
            mem_fail_nth(n);
            enum chiso_err rc =
                record_parse(fixture_units(), json, strlen(json), &r, &why);
            void *probe = mem_try_alloc(1);
            mem_fail_nth(0);
            mem_free(probe);
            if (probe == NULL)
                break; /* the parse made fewer than n fallible allocations */
            if (rc == CHISO_OK && strcmp(r.key, key) == 0)
                continue;
            if (rc == CHISO_ENOMEM)
                continue;
            test_fail(__FILE__, __LINE__, "allocation n fails",
                      "line %zu, n = %lu: expected %s or MaHoSo \"%s\", got %s "
                      "(MaHoSo \"%s\"; %s %s)",
                      l, n, err_name(CHISO_ENOMEM), key, err_name(rc),
                      rc == CHISO_OK ? r.key : "-", why.field, why.reason);
            bad++;
        }
        free(json);
    }
}

/* What the one-pass scanner takes, and what it leaves to the tape path: a
 * scanner that gave up on every line would pass every other test. */
static bool scanned(const char *json, struct record *r)
{
    return record_scan(fixture_units(), json, strlen(json), r);
}

TEST(record_scanner_takes_records)
{
    struct record r;
    /* a record as the demo and the portal's sync write it */
    CHECK(scanned("{\"MaHoSo\":\"DEMO-1\",\"MaDonVi\":\"01\",\"MaTTHC\":"
                  "\"1.001572\",\"KenhThucHien\":1,\"MucDo\":4,"
                  "\"TrangThaiHoSo\":2,\"NgayNopHoSo\":\"20250106113859\","
                  "\"NgayTiepNhan\":\"20250106114859\",\"NgayHenTra\":"
                  "\"20250119114859\",\"HoSoCoThanhPhanSoHoa\":\"1\","
                  "\"TaiKhoanDuocXacThucVoiVNeID\":\"0\","
                  "\"DuocThanhToanTrucTuyen\":0,\"DanhSachLePhi\":[],"
                  "\"DinhDanhCHS\":[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":"
                  "\"086338597438\"}],\"NgayCapNhat\":\"20250106115359\"}",
                  &r));
    CHECK_EQ_STR(r.key, "DEMO-1");
    CHECK_EQ_INT(r.status, 2);
    CHECK_EQ_INT(r.level, 4);
    CHECK(r.digitised && !r.vneid && r.personal_id);
    /* 2025-01-06 11:48:59 Vietnam time: day 20094 */
    CHECK_EQ_INT(r.at[RECORD_RECEIVED], 20094LL * 86400 + 11 * 3600 + 48 * 60 + 59);
    /* whitespace, null, unknown scalar members (UTF-8 too), -0 */
    CHECK(scanned(" {\t\"MaHoSo\" : \"H1\" , \"MaDonVi\":\"01\",\"MaTTHC\":"
                  "\"T\",\"MucDo\":null,\"TenThuTuc\":\"C\xe1\xba\xa5p\","
                  "\"So\":-0,\"Co\":true,\"Khong\":false} \r",
                  &r));
    CHECK_EQ_INT(r.level, 0);
    /* arrays of objects with members no rule reads, and empty ones */
    CHECK(scanned("{" REQ ",\"DanhSachLePhi\":[{\"MaPhiLePhi\":\"P\","
                  "\"Gia\":1500,\"Ten\":\"x\"},{},{\"Gia\":null}],"
                  "\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":\"20250601080000\","
                  "\"NgayBoSung\":\"20250601090000\"}]}",
                  &r));
    CHECK_EQ_INT(r.fee, 1500);
    CHECK_EQ_INT(r.supplements, 1);
    CHECK_EQ_INT(r.supplement_seconds, 3600);
}

TEST(record_scanner_leaves_the_rest)
{
    struct record r;
    struct record_error why;
    /* valid records of another shape: the tape path takes them */
    static const char *const taken[] = {
        "{" REQ ",\"TenThuTuc\":\"a\\\"b\"}",           /* an escape */
        "{\"MaHoSo\":\"H\\u0031\",\"MaDonVi\":\"01\",\"MaTTHC\":\"T\"}",
        "{" REQ ",\"SoTien\":1.5}",                       /* a real */
        "{" REQ ",\"Big\":1234567890123456789}",          /* 19 digits */
        "{" REQ ",\"Extra\":{\"a\":1}}",                  /* nested */
        "{" REQ ",\"DinhDanhCHS\":[null]}",               /* a non-object */
    };
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++) {
        CHECK(!scanned(taken[i], &r));
        CHECK_EQ_INT(record_parse(fixture_units(), taken[i], strlen(taken[i]),
                                  &r, &why),
                     CHISO_OK);
    }
    CHECK_EQ_STR(r.key, "H1");
    /* invalid ones: the tape path names the refusal */
    CHECK(!scanned("{" REQ ",\"MaHoSo\":\"H2\"}", &r));
    CHECK_REFUSED("{" REQ ",\"MaHoSo\":\"H2\"}", "");
    CHECK(!scanned("{" REQ ",\"X\":1,\"X\":2}", &r));
    CHECK_REFUSED("{" REQ ",\"X\":1,\"X\":2}", "");
    CHECK(!scanned("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":1,\"Gia\":2}]}", &r));
    CHECK_REFUSED("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":1,\"Gia\":2}]}", "");
    CHECK(!scanned("{" REQ ",\"MucDo\":01}", &r));
    CHECK_REFUSED("{" REQ ",\"MucDo\":01}", "");
    CHECK(!scanned("{" REQ ",\"Co\":truex}", &r));
    CHECK(!scanned("{" REQ "}x", &r));
    CHECK(!scanned("{" REQ ",\"MucDo\":7}", &r));
    CHECK_REFUSED("{" REQ ",\"MucDo\":7}", "MucDo");
    CHECK(!scanned("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":-1}]}", &r));
    CHECK_REFUSED("{" REQ ",\"DanhSachLePhi\":[{\"Gia\":-1}]}",
                  "DanhSachLePhi[0].Gia");
}
