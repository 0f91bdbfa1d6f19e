/*
 * test_fact.c — what one dossier state contributes (SPEC §5), by hand.
 *
 * Days: 2025-06-01 = 20240, so 2025-06-0N = 20239 + N.
 * NgayTiepNhan 20250601080000 is 2025-06-01T08:00+07:00 = 01:00Z, Unix
 * 1748736000 (2025-06-01T00:00Z = 20240 × 86400) + 3600 = 1748739600.
 */
#include <stdio.h>

#include "../fixture.h"
#include "../test.h"
#include "core/fact.h"
#include "core/record.h"

#define RECV_UNIX 1748739600LL
#define DAY(n) (20239 + (n)) /* 2025-06-n */

#define B(m) FACT_BIT(MEASURE_##m)

#define REQ "\"MaHoSo\":\"F1\",\"MaDonVi\":\"00004\",\"MaTTHC\":\"T\""
#define RECV_AT "\"NgayTiepNhan\":\"20250601080000\""

/* Derives the fact of json first seen at first_seen; false if refused. */
static bool derive_at(const char *file, int line, const char *json,
                      int64_t first_seen, struct fact *f)
{
    struct record r;
    if (!fixture_record_at(file, line, json, &r))
        return false;
    fact_derive(&r, first_seen, f);
    return true;
}
#define DERIVE(json, seen, f) derive_at(__FILE__, __LINE__, json, seen, f)

static void check_flags(const char *file, int line, uint32_t got,
                        uint32_t expected)
{
    if (got == expected)
        return;
    char buf[512];
    size_t k = 0;
    for (int m = 0; m < MEASURE__COUNT; m++)
        if ((got ^ expected) & FACT_BIT(m))
            k += (size_t)snprintf(buf + k, sizeof buf - k, " %c%s",
                                  got & FACT_BIT(m) ? '+' : '-',
                                  measure_name((enum measure)m));
    test_fail(file, line, "fact flags",
              "expected 0x%06x, got 0x%06x (unexpected +, missing -:%s)",
              expected, got, buf);
}
#define CHECK_FLAGS(got, expected)                                             \
    check_flags(__FILE__, __LINE__, got, expected)

/* A dossier with every positive trait, completed on time. */
TEST(fact_completed_everything)
{
    struct fact f;
    REQUIRE(DERIVE(
        "{" REQ ",\"TrangThaiHoSo\":10,\"KenhThucHien\":2,\"MucDo\":4," RECV_AT
        ",\"NgayHenTra\":\"20250605170000\","
        "\"NgayKetThucXuLy\":\"20250605170000\","
        "\"HoSoCoThanhPhanSoHoa\":\"1\",\"TaiKhoanDuocXacThucVoiVNeID\":\"1\","
        "\"DuocThanhToanTrucTuyen\":1,"
        "\"DanhSachLePhi\":[{\"MaPhiLePhi\":\"P\",\"Gia\":50000}],"
        "\"DinhDanhCHS\":[{\"LoaiDinhDanh\":1,\"SoDinhDanh\":\"001095001234\"}],"
        "\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":\"K\","
        "\"DuongDanTepTinKetQua\":\"https://kq.vn/1.pdf\"}],"
        "\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":\"20250602080000\","
        "\"NgayBoSung\":\"20250603090000\"}]}",
        RECV_UNIX + 60, &f));
    CHECK_FLAGS(f.flags,
                B(RECEIVED) | B(RECEIVED_ONLINE) | B(ELIGIBLE_FULL) |
                    B(FULL_ONLINE) | B(WITH_PERSONAL_ID) | B(VNEID) |
                    B(DIGITISED) | B(FEE_BEARING) | B(PAID_ONLINE) |
                    B(FEE_VND) | B(FEE_ONLINE_VND) | B(SYNCED_ON_TIME) |
                    B(COMPLETED) | B(COMPLETED_ON_TIME) | B(E_RESULT) |
                    B(PROCESSING_SECONDS));
    CHECK_EQ_UINT(f.unit, fixture_unit("00004"));
    CHECK_EQ_INT(f.recv_day, DAY(1));
    CHECK_EQ_INT(f.end_day, DAY(5));
    CHECK_EQ_INT(f.version, 0);
    CHECK_EQ_INT(f.first_seen, RECV_UNIX + 60);
    CHECK_EQ_INT(f.fee, 50000);
    /* 06-01 08:00 → 06-05 17:00 is 4 d 9 h = 378000 s; the supplement round
     * 06-02 08:00 → 06-03 09:00 is 25 h = 90000 s: 288000 s. */
    CHECK_EQ_INT(f.proc, 288000);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_PROCESSING_SECONDS), 288000);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_VND), 50000);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_ONLINE_VND), 50000);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_RECEIVED), 1);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_COMPLETED), 1);
    CHECK_EQ_INT(fact_day(&f, MEASURE_RECEIVED), DAY(1));
    CHECK_EQ_INT(fact_day(&f, MEASURE_FULL_ONLINE), DAY(1));
    CHECK_EQ_INT(fact_day(&f, MEASURE_SYNCED_ON_TIME), DAY(1));
    CHECK_EQ_INT(fact_day(&f, MEASURE_COMPLETED), DAY(5));
    CHECK_EQ_INT(fact_day(&f, MEASURE_COMPLETED_ON_TIME), DAY(5));
    CHECK_EQ_INT(fact_day(&f, MEASURE_E_RESULT), DAY(5));
    CHECK_EQ_INT(fact_day(&f, MEASURE_PROCESSING_SECONDS), DAY(5));
}

TEST(fact_channels_and_levels)
{
    struct fact f;
    /* postal, level 4 but not online: eligible, not full online */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":2,\"KenhThucHien\":3,"
                   "\"MucDo\":4," RECV_AT "}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(RECEIVED) | B(RECEIVED_POSTAL) | B(ELIGIBLE_FULL) |
                             B(FEE_VND) | B(SYNCED_ON_TIME) | B(OPEN));
    /* online, level 3: online but not full online */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":4,\"KenhThucHien\":2,"
                   "\"MucDo\":3," RECV_AT "}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(RECEIVED) | B(RECEIVED_ONLINE) | B(FEE_VND) |
                             B(SYNCED_ON_TIME) | B(OPEN));
    /* in person */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":6,\"KenhThucHien\":1,"
                   "\"MucDo\":2," RECV_AT "}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags,
                B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) | B(OPEN));
    CHECK_EQ_INT(f.recv_day, DAY(1));
}

/* Status 1 and an absent status count in nothing, whatever else is set. */
TEST(fact_not_received)
{
    struct fact f;
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":1,\"KenhThucHien\":2,\"MucDo\":4,"
                   "\"HoSoCoThanhPhanSoHoa\":\"1\",\"DuocThanhToanTrucTuyen\":1,"
                   "\"DanhSachLePhi\":[{\"Gia\":1000}]," RECV_AT "}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, 0);
    CHECK_EQ_INT(f.proc, 0);
    REQUIRE(DERIVE("{" REQ ",\"KenhThucHien\":2," RECV_AT
                   ",\"NgayKetThucXuLy\":\"20250602080000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, 0);
    CHECK_EQ_INT(f.proc, 0);
}

TEST(fact_on_time_rules)
{
    struct fact f;
    const uint32_t done = B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) |
                          B(COMPLETED) | B(PROCESSING_SECONDS);
    /* finished one second after due: late */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":9," RECV_AT
                   ",\"NgayHenTra\":\"20250605170000\","
                   "\"NgayKetThucXuLy\":\"20250605170001\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, done);
    CHECK_EQ_INT(f.proc, 378001);
    /* equal to due: on time */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":9," RECV_AT
                   ",\"NgayHenTra\":\"20250605170000\","
                   "\"NgayKetThucXuLy\":\"20250605170000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, done | B(COMPLETED_ON_TIME));
    /* no due date: never on time */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":9," RECV_AT
                   ",\"NgayKetThucXuLy\":\"20250601090000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, done);
    CHECK_EQ_INT(f.proc, 3600);
    /* two supplement rounds: not on time, even before due */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":10," RECV_AT
                   ",\"NgayHenTra\":\"20250610170000\","
                   "\"NgayKetThucXuLy\":\"20250605170000\","
                   "\"DanhSachHoSoBoSung\":[{},{}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, done);
    CHECK_EQ_INT(f.proc, 378000); /* no round has both dates */
    /* one round: still on time */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":10," RECV_AT
                   ",\"NgayHenTra\":\"20250610170000\","
                   "\"NgayKetThucXuLy\":\"20250605170000\","
                   "\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":\"20250602080000\"}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, done | B(COMPLETED_ON_TIME));
    CHECK_EQ_INT(f.proc, 378000); /* the round lacks NgayBoSung */
}

/* Status 9 or 10 without NgayKetThucXuLy is not completed (nor open). */
TEST(fact_completed_needs_finish)
{
    struct fact f;
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":10," RECV_AT
                   ",\"NgayHenTra\":\"20250605170000\","
                   "\"DanhSachGiayToKetQua\":[{\"DuongDanTepTinKetQua\":\"f\"}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME));
    CHECK_EQ_INT(f.proc, 0);
    /* a finish date on an open dossier does not complete it */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":4," RECV_AT
                   ",\"NgayKetThucXuLy\":\"20250602080000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags,
                B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) | B(OPEN));
    CHECK_EQ_INT(f.proc, 0);
}

TEST(fact_refused_withdrawn)
{
    struct fact f;
    /* status 3: refused only (not received), dated by NgayTuChoi */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":3,\"KenhThucHien\":2," RECV_AT
                   ",\"NgayTuChoi\":\"20250603100000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(REFUSED));
    CHECK_EQ_INT(fact_day(&f, MEASURE_REFUSED), DAY(3));
    /* else by NgayTiepNhan */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":3," RECV_AT "}", RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(REFUSED));
    CHECK_EQ_INT(fact_day(&f, MEASURE_REFUSED), DAY(1));
    /* status 8: received and refused */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":8,\"KenhThucHien\":2," RECV_AT
                   ",\"NgayTuChoi\":\"20250604000000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(RECEIVED) | B(RECEIVED_ONLINE) | B(FEE_VND) |
                             B(SYNCED_ON_TIME) | B(REFUSED));
    CHECK_EQ_INT(fact_day(&f, MEASURE_RECEIVED), DAY(1));
    CHECK_EQ_INT(fact_day(&f, MEASURE_REFUSED), DAY(4));
    /* status 7: received and withdrawn, both on NgayTiepNhan */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":7," RECV_AT
                   ",\"NgayTuChoi\":\"20250604000000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags,
                B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) | B(WITHDRAWN));
    CHECK_EQ_INT(fact_day(&f, MEASURE_WITHDRAWN), DAY(1));
}

TEST(fact_open_overdue)
{
    struct fact f;
    const uint32_t open =
        B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) | B(OPEN);
    static const int statuses[] = {2, 4, 5, 6};
    for (size_t i = 0; i < 4; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{" REQ ",\"TrangThaiHoSo\":%d," RECV_AT
                 ",\"NgayHenTra\":\"20250610170000\"}",
                 statuses[i]);
        REQUIRE(DERIVE(json, RECV_UNIX, &f));
        CHECK_FLAGS(f.flags, open | B(OPEN_OVERDUE));
        CHECK_EQ_INT(fact_day(&f, MEASURE_OPEN), DAY(1));
        /* overdue from the due day: max(recv_day, due_day) = 06-10 */
        CHECK_EQ_INT(fact_day(&f, MEASURE_OPEN_OVERDUE), DAY(10));
    }
    /* due before it was received: overdue from the received day */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":4," RECV_AT
                   ",\"NgayHenTra\":\"20250520170000\"}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, open | B(OPEN_OVERDUE));
    CHECK_EQ_INT(fact_day(&f, MEASURE_OPEN_OVERDUE), DAY(1));
    /* no due date: open, never overdue */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":5," RECV_AT "}", RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, open);
    /* closed states are not open */
    static const int closed[] = {7, 8, 9, 10};
    for (size_t i = 0; i < 4; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{" REQ ",\"TrangThaiHoSo\":%d," RECV_AT
                 ",\"NgayHenTra\":\"20250610170000\"}",
                 closed[i]);
        REQUIRE(DERIVE(json, RECV_UNIX, &f));
        CHECK(!(f.flags & (B(OPEN) | B(OPEN_OVERDUE))));
    }
}

TEST(fact_fees_and_payment)
{
    struct fact f;
    const uint32_t base = B(RECEIVED) | B(FEE_VND) | B(SYNCED_ON_TIME) |
                          B(OPEN);
    /* paid via the local gateway (2), fee 30000 + 20000 */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":2," RECV_AT
                   ",\"DuocThanhToanTrucTuyen\":2,\"DanhSachLePhi\":"
                   "[{\"Gia\":30000},{\"Gia\":20000}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, base | B(FEE_BEARING) | B(PAID_ONLINE) |
                             B(FEE_ONLINE_VND));
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_VND), 50000);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_ONLINE_VND), 50000);
    /* paid online but no fee: not fee-bearing, not paid_online; the online
     * fee sum counts it with 0 */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":2," RECV_AT
                   ",\"DuocThanhToanTrucTuyen\":1,\"DanhSachLePhi\":"
                   "[{\"Gia\":0}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags & ~B(FEE_ONLINE_VND), base);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_ONLINE_VND), 0);
    CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_VND), 0);
    /* 0 and 3 are not paid online; absent neither */
    static const char *const not_paid[] = {
        ",\"DuocThanhToanTrucTuyen\":0",
        ",\"DuocThanhToanTrucTuyen\":3",
        "",
    };
    for (size_t i = 0; i < 3; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{" REQ ",\"TrangThaiHoSo\":2," RECV_AT
                 "%s,\"DanhSachLePhi\":[{\"Gia\":15000}]}",
                 not_paid[i]);
        REQUIRE(DERIVE(json, RECV_UNIX, &f));
        CHECK_FLAGS(f.flags, base | B(FEE_BEARING));
        CHECK_EQ_INT(fact_amount(&f, MEASURE_FEE_VND), 15000);
    }
    /* fees of a dossier that was not received count nowhere */
    REQUIRE(DERIVE("{" REQ ",\"TrangThaiHoSo\":3," RECV_AT
                   ",\"DuocThanhToanTrucTuyen\":1,\"DanhSachLePhi\":"
                   "[{\"Gia\":15000}]}",
                   RECV_UNIX, &f));
    CHECK_FLAGS(f.flags, B(REFUSED));
}

/* Synced on time: first reached chiso within 24 h of NgayTiepNhan, which is
 * Vietnam time: 20250601080000 is Unix 1748739600. */
TEST(fact_synced_on_time)
{
    const char *json = "{" REQ ",\"TrangThaiHoSo\":2," RECV_AT "}";
    struct fact f;
    REQUIRE(DERIVE(json, RECV_UNIX + 86400, &f));
    CHECK(f.flags & B(SYNCED_ON_TIME));
    REQUIRE(DERIVE(json, RECV_UNIX + 86401, &f));
    CHECK(!(f.flags & B(SYNCED_ON_TIME)));
    REQUIRE(DERIVE(json, RECV_UNIX - 3600, &f)); /* arrived before: fine */
    CHECK(f.flags & B(SYNCED_ON_TIME));
    /* Reading the stamp as UTC would put the deadline 7 h later. */
    REQUIRE(DERIVE(json, RECV_UNIX + 86400 + 7 * 3600, &f));
    CHECK(!(f.flags & B(SYNCED_ON_TIME)));
    CHECK_EQ_INT(f.first_seen, RECV_UNIX + 86400 + 7 * 3600);
}

TEST(fact_version)
{
    struct fact a, b, c, d;
    REQUIRE(DERIVE("{" REQ ",\"NgayCapNhat\":\"20250601080000\"}", 0, &a));
    REQUIRE(DERIVE("{" REQ ",\"NgayCapNhat\":\"20250601080001\"}", 0, &b));
    REQUIRE(DERIVE("{" REQ ",\"NgayCapNhat\":\"00000101000000\"}", 0, &c));
    REQUIRE(DERIVE("{" REQ ",\"NgayCapNhat\":\"99991231235959\"}", 0, &d));
    CHECK(c.version > 0); /* 0 is kept for "no NgayCapNhat" */
    CHECK(a.version > c.version);
    CHECK_EQ_INT(b.version - a.version, 1);
    CHECK(d.version > b.version);
    CHECK(d.version < (INT64_C(1) << 39)); /* fits the packed slot */
}

/* SPEC §4.1 ordering, incoming against stored. */
TEST(fact_wins)
{
    struct fact none = {.version = 0}, old = {.version = 1000},
                newer = {.version = 2000}, same = {.version = 1000};
    CHECK(fact_wins(&old, &none));    /* stamped beats unstamped */
    CHECK(!fact_wins(&none, &old));   /* unstamped loses to stamped */
    CHECK(fact_wins(&none, &none));   /* unstamped vs unstamped: incoming */
    CHECK(fact_wins(&same, &old));    /* equal stamps: incoming */
    CHECK(fact_wins(&newer, &old));   /* newer stamp wins */
    CHECK(!fact_wins(&old, &newer));  /* older stamp loses */
}

TEST(fact_same_contribution)
{
    struct fact a, b;
    const char *json = "{" REQ ",\"TrangThaiHoSo\":2," RECV_AT
                       ",\"DanhSachLePhi\":[{\"Gia\":100}]}";
    REQUIRE(DERIVE(json, RECV_UNIX, &a));
    REQUIRE(DERIVE(json, RECV_UNIX + 10, &b));
    CHECK(fact_same_contribution(&a, &b)); /* first_seen alone: same */
    b.version = 77;
    CHECK(fact_same_contribution(&a, &b)); /* version alone: same */
    b.end_day = a.end_day + 5;             /* no end-dated measure set */
    CHECK(fact_same_contribution(&a, &b));
    b = a;
    b.fee = 101;
    CHECK(!fact_same_contribution(&a, &b));
    b = a;
    b.recv_day++;
    CHECK(!fact_same_contribution(&a, &b));
    b = a;
    b.unit = fixture_unit("00008");
    CHECK(!fact_same_contribution(&a, &b));
    b = a;
    b.flags |= B(VNEID);
    CHECK(!fact_same_contribution(&a, &b));
}

TEST(fact_measure_table)
{
    CHECK_EQ_INT(MEASURE__COUNT, 21);
    CHECK_EQ_STR(measure_name(MEASURE_RECEIVED), "received");
    CHECK_EQ_STR(measure_name(MEASURE_FULL_ONLINE), "full_online");
    CHECK_EQ_STR(measure_name(MEASURE_OPEN_OVERDUE), "open_overdue");
    CHECK_EQ_INT(measure_find("processing_seconds", 18),
                 MEASURE_PROCESSING_SECONDS);
    CHECK_EQ_INT(measure_find("received_online", 8), MEASURE_RECEIVED);
    CHECK_EQ_INT(measure_find("recieved", 8), -1);
    CHECK_EQ_STR(measure_label(MEASURE_COMPLETED, true), "Completed");
    CHECK_EQ_STR(measure_label(MEASURE_COMPLETED, false), "Hồ sơ đã giải quyết");
}
