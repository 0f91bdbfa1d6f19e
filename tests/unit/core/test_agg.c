/*
 * test_agg.c — counters per unit and day, rolled up the tree, read over
 * periods; gauges read as of a day.
 *
 * Days: 2025-06-01 = 20240, 2025-06-30 = 20269, 2025-07-01 = 20270.
 */
#include "../fixture.h"
#include "../test.h"
#include "core/agg.h"
#include "core/fact.h"

#define B(m) FACT_BIT(MEASURE_##m)
#define JUN(d) (20239 + (d))
#define JUL(d) (20269 + (d))

static void sum(const struct agg *agg, const char *unit, const char *period,
                int64_t out[MEASURE__COUNT])
{
    struct vt_period p;
    if (vt_period_parse(period, &p, NULL, 0) != CHISO_OK) {
        test_fail(__FILE__, __LINE__, period, "not a period");
        memset(out, 0, MEASURE__COUNT * sizeof *out);
        return;
    }
    agg_sum(agg, fixture_unit(unit), &p, out);
}

/* One measure of one unit over one period. */
static int64_t value(const struct agg *agg, const char *unit,
                     const char *period, enum measure m)
{
    int64_t out[MEASURE__COUNT];
    sum(agg, unit, period, out);
    return out[m];
}
#define V(unit, period, m) value(agg, unit, period, MEASURE_##m)

static bool all_zero(const struct agg *agg, const char *unit,
                     const char *period)
{
    int64_t out[MEASURE__COUNT];
    sum(agg, unit, period, out);
    for (int m = 0; m < MEASURE__COUNT; m++)
        if (out[m] != 0)
            return false;
    return true;
}

/* Received in June at a Hà Nội commune, completed on 2025-07-01. */
static struct fact completed_fact(void)
{
    return (struct fact){
        .unit = fixture_unit("00004"),
        .flags = B(RECEIVED) | B(FEE_VND) | B(COMPLETED) |
                 B(PROCESSING_SECONDS) | B(COMPLETED_ON_TIME),
        .recv_day = JUN(1),
        .end_day = JUL(1),
        .fee = 500,
        .proc = 7200,
    };
}

TEST(agg_rollup_and_periods)
{
    struct agg *agg = agg_create(fixture_units());
    int32_t d0 = 0, d1 = 0;
    CHECK_EQ_INT(agg_span(agg, &d0, &d1), 0);
    struct fact f = completed_fact();
    agg_apply_fact(agg, &f, +1);

    /* the commune, its province and the nation see the same */
    static const char *const chain[] = {"00004", "01", "VN"};
    for (int i = 0; i < 3; i++) {
        const char *u = chain[i];
        CHECK_EQ_INT(V(u, "2025-06", RECEIVED), 1);
        CHECK_EQ_INT(V(u, "2025-06", FEE_VND), 500);
        CHECK_EQ_INT(V(u, "2025-06", COMPLETED), 0);
        CHECK_EQ_INT(V(u, "2025-07", RECEIVED), 0);
        CHECK_EQ_INT(V(u, "2025-07", COMPLETED), 1);
        CHECK_EQ_INT(V(u, "2025-07", COMPLETED_ON_TIME), 1);
        CHECK_EQ_INT(V(u, "2025-07", PROCESSING_SECONDS), 7200);
        CHECK_EQ_INT(V(u, "2025-06-01", RECEIVED), 1);
        CHECK_EQ_INT(V(u, "2025-06-02", RECEIVED), 0);
        CHECK_EQ_INT(V(u, "2025-07-01", COMPLETED), 1);
        CHECK_EQ_INT(V(u, "2025-06-30", COMPLETED), 0);
        CHECK_EQ_INT(V(u, "2025Q2", RECEIVED), 1);
        CHECK_EQ_INT(V(u, "2025Q2", COMPLETED), 0);
        CHECK_EQ_INT(V(u, "2025Q3", COMPLETED), 1);
        CHECK_EQ_INT(V(u, "2025", RECEIVED), 1);
        CHECK_EQ_INT(V(u, "2025", COMPLETED), 1);
        CHECK_EQ_INT(V(u, "2024", RECEIVED), 0);
        CHECK_EQ_INT(V(u, "2025-06-02..2025-07-01", RECEIVED), 0);
        CHECK_EQ_INT(V(u, "2025-06-02..2025-07-01", COMPLETED), 1);
        CHECK_EQ_INT(V(u, "2025-05-31..2025-06-30", RECEIVED), 1);
        CHECK_EQ_INT(V(u, "2025-05-31..2025-06-30", COMPLETED), 0);
        CHECK_EQ_INT(V(u, "2024-01-01..2026-12-31", COMPLETED), 1);
    }
    /* nothing anywhere else */
    CHECK(all_zero(agg, "00008", "2025"));
    CHECK(all_zero(agg, "04", "2025"));
    CHECK(all_zero(agg, "BCA", "2025"));

    /* a ministry's dossier adds to the nation only */
    struct fact m = {
        .unit = fixture_unit("BCA"),
        .flags = B(RECEIVED) | B(FEE_VND) | B(RECEIVED_ONLINE),
        .recv_day = JUN(30),
        .fee = 20000,
    };
    agg_apply_fact(agg, &m, +1);
    CHECK_EQ_INT(V("BCA", "2025-06", RECEIVED_ONLINE), 1);
    CHECK_EQ_INT(V("VN", "2025-06", RECEIVED), 2);
    CHECK_EQ_INT(V("VN", "2025-06", FEE_VND), 20500);
    CHECK_EQ_INT(V("VN", "2025-06-30", RECEIVED), 1);
    CHECK_EQ_INT(V("01", "2025-06", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-06-30..2025-07-01", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-06-30..2025-07-01", COMPLETED), 1);

    CHECK_EQ_INT(agg_span(agg, &d0, &d1), 1);
    CHECK_EQ_INT(d0, JUN(1));
    CHECK_EQ_INT(d1, JUL(1));
    CHECK(agg_memory(agg) > 0);

    /* retracting restores zero everywhere */
    agg_apply_fact(agg, &f, -1);
    agg_apply_fact(agg, &m, -1);
    CHECK(all_zero(agg, "00004", "2025"));
    CHECK(all_zero(agg, "01", "2025"));
    CHECK(all_zero(agg, "VN", "2025"));
    CHECK(all_zero(agg, "BCA", "2025"));
    CHECK_EQ_INT(agg_span(agg, &d0, &d1), 0);
    agg_destroy(agg);
    agg_destroy(NULL);
}

/* Whole months come from month totals, the edges from day rows: a range
 * over three months and a year boundary adds up each day once. */
TEST(agg_ranges_across_months)
{
    struct agg *agg = agg_create(fixture_units());
    /* one received dossier on each day from 2024-12-30 to 2025-03-02
     * (2024-12-30 is 20087; 2025-03-02 is 20089 + 31 + 28 + 1 = 20149) */
    for (int32_t d = 20087; d <= 20149; d++) {
        struct fact f = {
            .unit = fixture_unit("00008"),
            .flags = B(RECEIVED) | B(FEE_VND),
            .recv_day = d,
            .fee = d,
        };
        agg_apply_fact(agg, &f, +1);
    }
    CHECK_EQ_INT(V("00008", "2024", RECEIVED), 2);
    CHECK_EQ_INT(V("00008", "2025-01", RECEIVED), 31);
    CHECK_EQ_INT(V("00008", "2025-02", RECEIVED), 28);
    CHECK_EQ_INT(V("00008", "2025Q1", RECEIVED), 31 + 28 + 2);
    CHECK_EQ_INT(V("01", "2024-12-31..2025-03-01", RECEIVED), 1 + 31 + 28 + 1);
    CHECK_EQ_INT(V("VN", "2025-01-15..2025-02-14", RECEIVED), 31);
    /* fee = day number: days 20103..20133 sum to 31 × 20118 = 623658 */
    CHECK_EQ_INT(V("VN", "2025-01-15..2025-02-14", FEE_VND), 623658);
    CHECK_EQ_INT(V("VN", "2025-03-02..2025-12-31", RECEIVED), 1);
    CHECK_EQ_INT(V("VN", "2025-03-03..2025-12-31", RECEIVED), 0);
    agg_destroy(agg);
}

TEST(agg_gauges)
{
    struct agg *agg = agg_create(fixture_units());
    /* open since 2025-06-01, overdue from 2025-06-10 */
    struct fact f = {
        .unit = fixture_unit("00004"),
        .flags = B(RECEIVED) | B(FEE_VND) | B(OPEN) | B(OPEN_OVERDUE),
        .recv_day = JUN(1),
        .end_day = JUN(10),
    };
    agg_apply_fact(agg, &f, +1);
    CHECK_EQ_INT(V("00004", "2025-05-31", OPEN), 0);
    CHECK_EQ_INT(V("00004", "2025-05", OPEN), 0);
    CHECK_EQ_INT(V("00004", "2025-06-01", OPEN), 1);
    CHECK_EQ_INT(V("00004", "2025-06-01", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("00004", "2025-06-09", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("00004", "2025-06-10", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("01", "2025-06-10", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-06-10", OPEN_OVERDUE), 1);
    /* as of the end of the period's last day, over any period kind */
    CHECK_EQ_INT(V("VN", "2025-06", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-06", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("VN", "2025-01-01..2025-06-05", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-01-01..2025-06-05", OPEN_OVERDUE), 0);
    CHECK_EQ_INT(V("VN", "2025-12", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("VN", "2026", OPEN), 1);
    /* a period starting after the dossier opened still sees it */
    CHECK_EQ_INT(V("VN", "2025-07-01", OPEN), 1);
    /* gauges are not summed over the period's days */
    CHECK_EQ_INT(V("VN", "2025-06-01..2025-06-30", OPEN), 1);
    CHECK_EQ_INT(V("BCA", "2025-06", OPEN), 0);

    struct fact g = f;
    g.recv_day = JUN(20);
    g.end_day = JUN(25);
    agg_apply_fact(agg, &g, +1);
    CHECK_EQ_INT(V("VN", "2025-06-19", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-06-20", OPEN), 2);
    CHECK_EQ_INT(V("VN", "2025-06-24", OPEN_OVERDUE), 1);
    CHECK_EQ_INT(V("VN", "2025-06-25", OPEN_OVERDUE), 2);
    agg_apply_fact(agg, &f, -1);
    CHECK_EQ_INT(V("VN", "2025-06-30", OPEN), 1);
    CHECK_EQ_INT(V("VN", "2025-06-10", OPEN), 0);
    agg_destroy(agg);
}

/* Days before 1970 and far in the future. */
TEST(agg_distant_days)
{
    struct agg *agg = agg_create(fixture_units());
    struct fact old = {
        .unit = fixture_unit("BCA"),
        .flags = B(RECEIVED) | B(FEE_VND),
        .recv_day = -1, /* 1969-12-31 */
    };
    struct fact far = old;
    far.recv_day = 2932896; /* 9999-12-31 */
    agg_apply_fact(agg, &old, +1);
    agg_apply_fact(agg, &far, +1);
    CHECK_EQ_INT(V("BCA", "1969-12-31", RECEIVED), 1);
    CHECK_EQ_INT(V("BCA", "1969", RECEIVED), 1);
    CHECK_EQ_INT(V("BCA", "1970", RECEIVED), 0);
    CHECK_EQ_INT(V("VN", "9999Q4", RECEIVED), 1);
    int32_t d0, d1;
    CHECK_EQ_INT(agg_span(agg, &d0, &d1), 1);
    CHECK_EQ_INT(d0, -1);
    CHECK_EQ_INT(d1, 2932896);
    agg_destroy(agg);
}
