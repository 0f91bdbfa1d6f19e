/*
 * test_state.c — applying dossier versions: new, replacing, stale, moved
 * between units, undone; the sums they leave (SPEC §4.1, §5).
 *
 * Days: 2025-06-01 = 20240. Arrival times are Unix seconds; a record
 * received at 2025-06-DD HH:00 Vietnam time is Unix
 * 1748736000 + (DD − 1) × 86400 + (HH − 7) × 3600.
 */
#include <stdio.h>

#include "../fixture.h"
#include "../test.h"
#include "core/agg.h"
#include "core/record.h"
#include "core/state.h"

#define JUNE_1_UTC 1748736000LL
/* An arrival 40 days after 2025-06-01: more than 24 h after any June
 * reception, so not synced on time. */
#define LATE (JUNE_1_UTC + 40 * 86400)
/* An arrival at 2025-06-d 08:00 Vietnam time (01:00Z). */
#define ARRIVE_JUN(d) (JUNE_1_UTC + ((d) - 1) * 86400 + 3600)

static enum state_outcome apply_at(const char *file, int line,
                                   struct state *st, const char *json,
                                   int64_t arrival, struct fact *applied)
{
    struct record r;
    struct fact f;
    enum state_outcome out = (enum state_outcome)-1;
    if (!fixture_record_at(file, line, json, &r))
        return out;
    enum chiso_err rc = state_apply(st, &r, arrival, &out, &f);
    if (rc != CHISO_OK)
        test_fail(file, line, json, "expected CHISO_OK, got %s", err_name(rc));
    if (applied != NULL && out != STATE_STALE)
        *applied = f;
    return out;
}
#define APPLY(json, arrival) apply_at(__FILE__, __LINE__, st, json, arrival, NULL)

static int64_t value(const struct state *st, const char *unit,
                     const char *period, enum measure m)
{
    struct vt_period p;
    if (vt_period_parse(period, &p, NULL, 0) != CHISO_OK) {
        test_fail(__FILE__, __LINE__, period, "not a period");
        return -999;
    }
    int64_t out[MEASURE__COUNT];
    agg_sum(state_agg(st), fixture_unit(unit), &p, out);
    return out[m];
}
#define V(unit, period, m) value(st, unit, period, MEASURE_##m)

/* Every measure of a set of units and periods, to compare states. */
static const char *const snap_units[] = {"00004", "00008", "01",  "01273",
                                         "04",    "08",    "BCA", "VN"};
static const char *const snap_periods[] = {
    "2025-06",    "2025-07",    "2025-06-30", "2025-07-01",
    "2025-06-01..2025-07-02", "2025",       "2025-06-12",
};
#define SNAP_N                                                                 \
    (sizeof snap_units / sizeof *snap_units *                                  \
     (sizeof snap_periods / sizeof *snap_periods) * MEASURE__COUNT)

static void snapshot(const struct state *st, int64_t *out)
{
    size_t k = 0;
    for (size_t u = 0; u < sizeof snap_units / sizeof *snap_units; u++)
        for (size_t p = 0; p < sizeof snap_periods / sizeof *snap_periods;
             p++) {
            struct vt_period per;
            vt_period_parse(snap_periods[p], &per, NULL, 0);
            agg_sum(state_agg(st), fixture_unit(snap_units[u]), &per, out + k);
            k += MEASURE__COUNT;
        }
}

static void check_snapshot(const char *file, int line, const struct state *st,
                           const int64_t *before)
{
    int64_t now[SNAP_N];
    snapshot(st, now);
    int shown = 0;
    for (size_t i = 0; i < SNAP_N && shown < 5; i++)
        if (now[i] != before[i]) {
            size_t m = i % MEASURE__COUNT, rest = i / MEASURE__COUNT;
            size_t np = sizeof snap_periods / sizeof *snap_periods;
            test_fail(file, line, "sums unchanged",
                      "unit %s period %s %s: expected %lld, got %lld",
                      snap_units[rest / np], snap_periods[rest % np],
                      measure_name((enum measure)m), (long long)before[i],
                      (long long)now[i]);
            shown++;
        }
}
#define CHECK_SNAPSHOT(before) check_snapshot(__FILE__, __LINE__, st, before)

#define REQ(code, unit) "\"MaHoSo\":\"" code "\",\"MaDonVi\":\"" unit "\",\"MaTTHC\":\"T\""

/* A: online, full-process, fee 1000 paid online, open since 06-01. */
#define REC_A                                                                  \
    "{" REQ("A1", "00004") ",\"TrangThaiHoSo\":2,\"KenhThucHien\":2,"          \
    "\"MucDo\":4,\"NgayTiepNhan\":\"20250601080000\","                         \
    "\"DuocThanhToanTrucTuyen\":1,\"DanhSachLePhi\":[{\"Gia\":1000}]}"
/* B: received 06-15 09:00, completed 07-02 10:00 on time:
 * 17 d 1 h = 1472400 s. */
#define REC_B                                                                  \
    "{" REQ("B1", "00004") ",\"TrangThaiHoSo\":10,"                            \
    "\"NgayTiepNhan\":\"20250615090000\",\"NgayHenTra\":\"20250705170000\","   \
    "\"NgayKetThucXuLy\":\"20250702100000\"}"
/* C: at the province itself, received in the last second of June. */
#define REC_C                                                                  \
    "{" REQ("C1", "01") ",\"TrangThaiHoSo\":4,"                                \
    "\"NgayTiepNhan\":\"20250630235959\"}"
/* D: at old Hà Giang (02, now 08), received 2025-07-01 00:30. */
#define REC_D                                                                  \
    "{" REQ("D1", "02") ",\"TrangThaiHoSo\":2,"                                \
    "\"NgayTiepNhan\":\"20250701003000\"}"
/* E: at a ministry, completed the day it was received, 2 h. */
#define REC_E                                                                  \
    "{" REQ("E1", "BCA") ",\"TrangThaiHoSo\":9,"                               \
    "\"NgayTiepNhan\":\"20250610080000\","                                     \
    "\"NgayKetThucXuLy\":\"20250610100000\"}"

TEST(state_apply_and_sum)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    CHECK_EQ_INT(APPLY(REC_A, ARRIVE_JUN(1)), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_B, ARRIVE_JUN(15)), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_C, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_D, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_E, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(state_dossiers(st), 5);

    /* the commune */
    CHECK_EQ_INT(V("00004", "2025-06", RECEIVED), 2);
    CHECK_EQ_INT(V("00004", "2025-06", RECEIVED_ONLINE), 1);
    CHECK_EQ_INT(V("00004", "2025-06", FULL_ONLINE), 1);
    CHECK_EQ_INT(V("00004", "2025-06", ELIGIBLE_FULL), 1);
    CHECK_EQ_INT(V("00004", "2025-06", FEE_BEARING), 1);
    CHECK_EQ_INT(V("00004", "2025-06", PAID_ONLINE), 1);
    CHECK_EQ_INT(V("00004", "2025-06", FEE_VND), 1000);
    CHECK_EQ_INT(V("00004", "2025-06", FEE_ONLINE_VND), 1000);
    CHECK_EQ_INT(V("00004", "2025-06", SYNCED_ON_TIME), 2);
    CHECK_EQ_INT(V("00004", "2025-06", COMPLETED), 0);
    CHECK_EQ_INT(V("00004", "2025-07", COMPLETED), 1);
    CHECK_EQ_INT(V("00004", "2025-07", COMPLETED_ON_TIME), 1);
    CHECK_EQ_INT(V("00004", "2025-07", PROCESSING_SECONDS), 1472400);
    CHECK_EQ_INT(V("00004", "2025-06-15", RECEIVED), 1);
    CHECK_EQ_INT(V("00008", "2025", RECEIVED), 0);
    /* its province adds C */
    CHECK_EQ_INT(V("01", "2025-06", RECEIVED), 3);
    CHECK_EQ_INT(V("01", "2025-06-30", RECEIVED), 1);
    CHECK_EQ_INT(V("01", "2025-07-01", RECEIVED), 0);
    CHECK_EQ_INT(V("01", "2025-06", SYNCED_ON_TIME), 2); /* C came late */
    /* D counts under 08, in July */
    CHECK_EQ_INT(V("08", "2025-07", RECEIVED), 1);
    CHECK_EQ_INT(V("08", "2025-06", RECEIVED), 0);
    /* the ministry */
    CHECK_EQ_INT(V("BCA", "2025-06", RECEIVED), 1);
    CHECK_EQ_INT(V("BCA", "2025-06-10", COMPLETED), 1);
    CHECK_EQ_INT(V("BCA", "2025-06", PROCESSING_SECONDS), 7200);
    /* the nation */
    CHECK_EQ_INT(V("VN", "2025-06", RECEIVED), 4);
    CHECK_EQ_INT(V("VN", "2025-07", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-07-01", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-06", COMPLETED), 1);
    CHECK_EQ_INT(V("VN", "2025-07", COMPLETED), 1);
    CHECK_EQ_INT(V("VN", "2025-06-01..2025-07-01", RECEIVED), 5);
    CHECK_EQ_INT(V("VN", "2025-06-01..2025-07-01", COMPLETED), 1);
    CHECK_EQ_INT(V("VN", "2025-06-01..2025-07-02", COMPLETED), 2);
    CHECK_EQ_INT(V("VN", "2025-06-01..2025-07-02", PROCESSING_SECONDS),
                 7200 + 1472400);
    CHECK_EQ_INT(V("VN", "2025Q2", RECEIVED), 4);
    CHECK_EQ_INT(V("VN", "2025Q3", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025", RECEIVED), 5);
    CHECK_EQ_INT(V("VN", "2025", COMPLETED), 2);
    /* gauges: A (06-01) and C (06-30) are open at the end of June, D from
     * 07-01 */
    CHECK_EQ_INT(V("VN", "2025-06-29", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-06", OPEN), 2);
    CHECK_EQ_INT(V("VN", "2025-07", OPEN), 3);
    CHECK_EQ_INT(V("01", "2025-07", OPEN), 2);
    CHECK_EQ_INT(V("VN", "2025-07", OPEN_OVERDUE), 0); /* no due dates */
    state_destroy(st);
    state_destroy(NULL);
}

TEST(state_correction_moves_unit)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    struct fact f;
    REQUIRE(apply_at(__FILE__, __LINE__, st, REC_A, ARRIVE_JUN(1), &f) ==
            STATE_ACCEPTED);
    CHECK_EQ_INT(f.first_seen, ARRIVE_JUN(1));
    /* the same dossier, now handled by a Cao Bằng commune, completed */
    REQUIRE(apply_at(__FILE__, __LINE__, st,
                     "{" REQ("A1", "01273") ",\"TrangThaiHoSo\":10,"
                     "\"KenhThucHien\":2,\"MucDo\":4,"
                     "\"NgayTiepNhan\":\"20250601080000\","
                     "\"NgayKetThucXuLy\":\"20250603080000\"}",
                     LATE + 86400 * 30, &f) == STATE_REPLACED);
    CHECK_EQ_UINT(f.unit, fixture_unit("01273"));
    CHECK_EQ_INT(f.first_seen, ARRIVE_JUN(1)); /* the first arrival stays */
    CHECK_EQ_INT(state_dossiers(st), 1);
    CHECK_EQ_INT(V("00004", "2025-06", RECEIVED), 0);
    CHECK_EQ_INT(V("00004", "2025-06", FEE_VND), 0);
    CHECK_EQ_INT(V("01", "2025-06", RECEIVED), 0);
    CHECK_EQ_INT(V("01", "2025-06", FULL_ONLINE), 0);
    CHECK_EQ_INT(V("01", "2025-06", OPEN), 0);
    CHECK_EQ_INT(V("01273", "2025-06", RECEIVED), 1);
    CHECK_EQ_INT(V("01273", "2025-06", FULL_ONLINE), 1);
    CHECK_EQ_INT(V("01273", "2025-06", SYNCED_ON_TIME), 1);
    CHECK_EQ_INT(V("04", "2025-06-03", COMPLETED), 1);
    CHECK_EQ_INT(V("04", "2025-06", PROCESSING_SECONDS), 2 * 86400);
    CHECK_EQ_INT(V("VN", "2025-06", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-06", FEE_VND), 0);
    CHECK_EQ_INT(V("VN", "2025-06", OPEN), 0);

    /* a version that changes nothing counted is still the latest */
    int64_t before[SNAP_N];
    snapshot(st, before);
    CHECK_EQ_INT(APPLY("{" REQ("A1", "01273") ",\"TrangThaiHoSo\":10,"
                       "\"KenhThucHien\":2,\"MucDo\":4,\"MaTTHC2\":\"x\","
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayKetThucXuLy\":\"20250603080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_SNAPSHOT(before);
    state_destroy(st);
}

#define REC_S(stamp, unit, status)                                             \
    "{" REQ("S1", unit) ",\"TrangThaiHoSo\":" #status                          \
    ",\"NgayTiepNhan\":\"20250612080000\"" stamp "}"
#define STAMP(s) ",\"NgayCapNhat\":\"" s "\""

TEST(state_stale_versions)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250612100000"), "00004", 2), LATE),
                 STATE_ACCEPTED);
    int64_t before[SNAP_N];
    snapshot(st, before);
    /* older stamp: ignored */
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250612095959"), "00008", 4), LATE),
                 STATE_STALE);
    CHECK_SNAPSHOT(before);
    /* no stamp against a stamped version: ignored */
    CHECK_EQ_INT(APPLY(REC_S("", "00008", 4), LATE), STATE_STALE);
    CHECK_SNAPSHOT(before);
    CHECK_EQ_INT(V("00004", "2025-06-12", RECEIVED), 1);
    CHECK_EQ_INT(state_dossiers(st), 1);
    /* equal stamp: the later arrival wins */
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250612100000"), "00008", 4), LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("00004", "2025-06-12", RECEIVED), 0);
    CHECK_EQ_INT(V("00008", "2025-06-12", RECEIVED), 1);
    /* newer stamp wins */
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250613000000"), "01273", 7), LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("00008", "2025-06-12", RECEIVED), 0);
    CHECK_EQ_INT(V("01273", "2025-06-12", WITHDRAWN), 1);
    CHECK_EQ_INT(V("01", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("04", "2025", RECEIVED), 1);

    /* unstamped after unstamped: the later arrival wins */
    CHECK_EQ_INT(APPLY("{" REQ("U1", "00004") ",\"TrangThaiHoSo\":2,"
                       "\"NgayTiepNhan\":\"20250612080000\"}",
                       LATE),
                 STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY("{" REQ("U1", "00008") ",\"TrangThaiHoSo\":2,"
                       "\"NgayTiepNhan\":\"20250612080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("00004", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("00008", "2025", RECEIVED), 1);
    /* a stamp beats no stamp */
    CHECK_EQ_INT(APPLY("{" REQ("U1", "00004") ",\"TrangThaiHoSo\":3,"
                       "\"NgayTiepNhan\":\"20250612080000\","
                       "\"NgayCapNhat\":\"20000101000000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("00008", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("00004", "2025", REFUSED), 1);
    CHECK_EQ_INT(state_dossiers(st), 2);
    state_destroy(st);
}

TEST(state_undo)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    CHECK_EQ_INT(APPLY(REC_A, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_B, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250612100000"), "00004", 2), LATE),
                 STATE_ACCEPTED);
    int64_t before[SNAP_N];
    snapshot(st, before);

    state_mark(st);
    CHECK_EQ_INT(APPLY(REC_C, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_D, LATE), STATE_ACCEPTED);
    /* A moves and completes; B is corrected twice; S goes stale once */
    CHECK_EQ_INT(APPLY("{" REQ("A1", "01273") ",\"TrangThaiHoSo\":9,"
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayKetThucXuLy\":\"20250701080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(APPLY("{" REQ("B1", "00004") ",\"TrangThaiHoSo\":8,"
                       "\"NgayTiepNhan\":\"20250615090000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(APPLY("{" REQ("B1", "00008") ",\"TrangThaiHoSo\":4,"
                       "\"NgayTiepNhan\":\"20250616090000\","
                       "\"NgayHenTra\":\"20250620090000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(APPLY(REC_S(STAMP("20250601000000"), "BCA", 2), LATE),
                 STATE_STALE);
    /* a dossier inserted and replaced within the same mark */
    CHECK_EQ_INT(APPLY(REC_E, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY("{" REQ("E1", "BTC") ",\"TrangThaiHoSo\":2,"
                       "\"NgayTiepNhan\":\"20250611080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(state_dossiers(st), 6);
    CHECK_EQ_INT(V("VN", "2025", RECEIVED), 6);

    state_undo(st);
    CHECK_EQ_INT(state_dossiers(st), 3);
    CHECK_SNAPSHOT(before);
    CHECK_EQ_INT(V("BTC", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("00004", "2025-07", PROCESSING_SECONDS), 1472400);
    /* undone dossiers are new again; kept ones are known */
    CHECK_EQ_INT(APPLY(REC_C, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_E, LATE), STATE_ACCEPTED);
    CHECK_EQ_INT(APPLY(REC_A, LATE), STATE_REPLACED);
    CHECK_EQ_INT(state_dossiers(st), 5);

    /* a second undo reverts only what came since the last mark... */
    state_mark(st);
    state_undo(st);
    state_undo(st);
    CHECK_EQ_INT(state_dossiers(st), 5);
    /* ...and what was applied since then */
    state_mark(st);
    CHECK_EQ_INT(APPLY(REC_D, LATE), STATE_ACCEPTED);
    state_undo(st);
    CHECK_EQ_INT(state_dossiers(st), 5);
    CHECK_EQ_INT(V("08", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("VN", "2025", RECEIVED), 5);
    state_destroy(st);
}

TEST(state_gauges_as_of)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    /* in process since 2025-06-01 08:00, due 2025-06-10 17:00 */
    CHECK_EQ_INT(APPLY("{" REQ("G1", "00004") ",\"TrangThaiHoSo\":4,"
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayHenTra\":\"20250610170000\"}",
                       LATE),
                 STATE_ACCEPTED);
    CHECK_EQ_INT(V("00004", "2025-05-31", OPEN), 0);
    CHECK_EQ_INT(V("00004", "2025-06-01", OPEN), 1);
    CHECK_EQ_INT(V("00004", "2025-06-09", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("00004", "2025-06-10", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("01", "2025-06", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("VN", "2025-12-31", OPEN), 1);
    /* a supplement is requested: still open, due moved to 06-20 */
    CHECK_EQ_INT(APPLY("{" REQ("G1", "00004") ",\"TrangThaiHoSo\":5,"
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayHenTra\":\"20250620170000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("VN", "2025-06-10", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("VN", "2025-06-19", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("VN", "2025-06-20", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("VN", "2025-06-20", OPEN), 1);
    /* completed on 06-22: open no more, completed late */
    CHECK_EQ_INT(APPLY("{" REQ("G1", "00004") ",\"TrangThaiHoSo\":10,"
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayHenTra\":\"20250620170000\","
                       "\"NgayKetThucXuLy\":\"20250622080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("VN", "2025-12-31", OPEN), 0);
    CHECK_EQ_INT(V("VN", "2025-12-31", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("00004", "2025-06", COMPLETED), 1);
    CHECK_EQ_INT(V("00004", "2025-06", COMPLETED_ON_TIME), 0);
    CHECK_EQ_INT(V("00004", "2025-06-22", PROCESSING_SECONDS), 21 * 86400);
    state_destroy(st);
}

TEST(state_restore)
{
    struct state *st = state_create(fixture_units(), fixture_secret);
    struct fact f = {
        .unit = fixture_unit("00004"),
        .flags = FACT_BIT(MEASURE_RECEIVED) | FACT_BIT(MEASURE_FEE_VND),
        .recv_day = 20240,
        .version = 5,
        .first_seen = LATE,
        .fee = 300,
    };
    CHECK_EQ_INT(state_restore(st, "R1", 2, &f), CHISO_OK);
    CHECK_EQ_INT(V("01", "2025-06-01", FEE_VND), 300);
    /* the store replays versions oldest first: a later one replaces the
     * earlier (fee 300 on 2025-06-01 becomes 450 on 2025-06-02) */
    struct fact f2 = f;
    f2.fee = 450;
    f2.recv_day = 20241;
    f2.version = 6;
    CHECK_EQ_INT(state_restore(st, "R1", 2, &f2), CHISO_OK);
    CHECK_EQ_INT(state_dossiers(st), 1);
    CHECK_EQ_INT(V("01", "2025-06-01", FEE_VND), 0);
    CHECK_EQ_INT(V("01", "2025-06-02", FEE_VND), 450);
    CHECK_EQ_INT(V("VN", "2025-06", FEE_VND), 450);
    CHECK_EQ_INT(V("VN", "2025-06", RECEIVED), 1);
    /* restoring is not logged: undo leaves it */
    state_mark(st);
    state_undo(st);
    CHECK_EQ_INT(state_dossiers(st), 1);
    /* a restored dossier is known: a stamped version replaces it */
    CHECK_EQ_INT(APPLY("{" REQ("R1", "00008") ",\"TrangThaiHoSo\":2,"
                       "\"NgayTiepNhan\":\"20250601080000\","
                       "\"NgayCapNhat\":\"20250601080000\"}",
                       LATE),
                 STATE_REPLACED);
    CHECK_EQ_INT(V("00004", "2025", RECEIVED), 0);
    CHECK_EQ_INT(V("00008", "2025", RECEIVED), 1);
    CHECK_EQ_INT(V("01", "2025", FEE_VND), 0);
    CHECK(state_table_memory(st) > 0);
    CHECK(state_agg_memory(st) > 0);
    state_destroy(st);
}
