/*
 * test_vtime.c — civil dates, stamps and periods in Vietnam time (SPEC §3).
 *
 * Day numbers used below, counted by hand from 1970-01-01 = 0:
 *   2025-01-01 = 20089  (55 years × 365 + 14 leap days 1972..2024)
 *   2025-04-01 = 20179  (+ 31 + 28 + 31)
 *   2025-06-01 = 20240  (+ 30 + 31)
 *   2025-06-30 = 20269,  2025-07-01 = 20270,  2025-12-31 = 20453
 *   2024-01-01 = 19723  (20089 − 366)
 *   0000-01-01 = −719528 (1970 years × 365 + 478 leap days in 0..1969)
 *   9999-12-31 = 2932896 (8030 years × 365 + 1947 leap days in 1970..9999,
 *                         minus one)
 */
#include <stdio.h>

#include "../test.h"
#include "core/vtime.h"

#define D_2025_01_01 20089
#define D_2025_04_01 20179
#define D_2025_06_01 20240
#define D_2025_06_30 20269
#define D_2025_07_01 20270
#define D_2025_12_31 20453
#define D_2024_01_01 19723
#define D_0000_01_01 (-719528)
#define D_9999_12_31 2932896

static bool stamp_ok(const char *s)
{
    int64_t m = 0;
    return vt_parse_stamp(s, strlen(s), &m);
}

TEST(vtime_anchor_days)
{
    CHECK_EQ_INT(vt_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(vt_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ_INT(vt_days_from_civil(2000, 1, 1), 10957); /* 30×365 + 7 */
    CHECK_EQ_INT(vt_days_from_civil(2025, 1, 1), D_2025_01_01);
    CHECK_EQ_INT(vt_days_from_civil(2025, 6, 30), D_2025_06_30);
    CHECK_EQ_INT(vt_days_from_civil(2025, 7, 1), D_2025_07_01);
    CHECK_EQ_INT(vt_days_from_civil(0, 1, 1), D_0000_01_01);
    CHECK_EQ_INT(vt_days_from_civil(9999, 12, 31), D_9999_12_31);

    int y, m, d;
    vt_civil_from_days(D_0000_01_01, &y, &m, &d);
    CHECK_EQ_INT(y, 0);
    CHECK_EQ_INT(m, 1);
    CHECK_EQ_INT(d, 1);
    vt_civil_from_days(D_9999_12_31, &y, &m, &d);
    CHECK_EQ_INT(y, 9999);
    CHECK_EQ_INT(m, 12);
    CHECK_EQ_INT(d, 31);
    vt_civil_from_days(-1, &y, &m, &d);
    CHECK_EQ_INT(y, 1969);
    CHECK_EQ_INT(m, 12);
    CHECK_EQ_INT(d, 31);
}

/* Walks every day of 0000..9999: each day is the civil successor of the one
 * before, and days_from_civil inverts civil_from_days. */
TEST(vtime_round_trip_all_days)
{
    int py = 0, pm = 1, pd = 1;
    int bad = 0;
    for (int32_t day = D_0000_01_01; day <= D_9999_12_31 && bad < 5; day++) {
        int y, m, d;
        vt_civil_from_days(day, &y, &m, &d);
        int32_t back = vt_days_from_civil(y, m, d);
        if (back != day) {
            CHECK_EQ_INT(back, day);
            bad++;
        }
        if (day > D_0000_01_01) {
            /* successor of (py, pm, pd) */
            int ey = py, em = pm, ed = pd + 1;
            if (ed > vt_month_days(py, pm)) {
                ed = 1;
                if (++em > 12) {
                    em = 1;
                    ey++;
                }
            }
            if (y != ey || m != em || d != ed) {
                test_fail(__FILE__, __LINE__, "successor date",
                          "day %d: expected %04d-%02d-%02d, got %04d-%02d-%02d",
                          (int)day, ey, em, ed, y, m, d);
                bad++;
            }
        }
        py = y;
        pm = m;
        pd = d;
    }
    CHECK_EQ_INT(py, 9999);
    CHECK_EQ_INT(pm, 12);
    CHECK_EQ_INT(pd, 31);
}

TEST(vtime_leap_years)
{
    CHECK_EQ_INT(vt_month_days(2024, 2), 29);
    CHECK_EQ_INT(vt_month_days(2025, 2), 28);
    CHECK_EQ_INT(vt_month_days(1900, 2), 28);
    CHECK_EQ_INT(vt_month_days(2000, 2), 29);
    CHECK_EQ_INT(vt_month_days(0, 2), 29); /* 0000 is divisible by 400 */
    CHECK_EQ_INT(vt_month_days(2025, 4), 30);
    CHECK_EQ_INT(vt_month_days(2025, 12), 31);

    CHECK(stamp_ok("20240229000000"));
    CHECK(!stamp_ok("20250229000000"));
    CHECK(!stamp_ok("19000229000000"));
    CHECK(stamp_ok("20000229000000"));
    CHECK(!stamp_ok("20250431000000")); /* April has 30 days */
    CHECK(stamp_ok("20250430235959"));
}

TEST(vtime_stamp_values)
{
    int64_t m = 0;
    /* SPEC §3: 2025-07-01T00:30+07:00 is July. 20270 × 86400 + 1800. */
    REQUIRE(vt_parse_stamp("20250701003000", 14, &m));
    CHECK_EQ_INT(m, 1751329800);
    CHECK_EQ_INT(vt_day_of(m), D_2025_07_01);
    CHECK_EQ_INT(vt_month_of(vt_day_of(m)), 2025 * 12 + 6);
    char text[32];
    vt_format_moment(m, text);
    CHECK_EQ_STR(text, "2025-07-01T00:30:00+07:00");

    REQUIRE(vt_parse_stamp("00000101000000", 14, &m));
    CHECK_EQ_INT(m, (int64_t)D_0000_01_01 * 86400);
    REQUIRE(vt_parse_stamp("99991231235959", 14, &m));
    CHECK_EQ_INT(m, (int64_t)D_9999_12_31 * 86400 + 86399);
    vt_format_moment(m, text);
    CHECK_EQ_STR(text, "9999-12-31T23:59:59+07:00");
}

TEST(vtime_stamp_rejects)
{
    int64_t m = 42;
    CHECK(!vt_parse_stamp("2025070100300", 13, &m));   /* 13 chars */
    CHECK(!vt_parse_stamp("202507010030000", 15, &m)); /* 15 chars */
    CHECK(!vt_parse_stamp("2025070100300a", 14, &m));
    CHECK(!vt_parse_stamp("2025-7-1003000", 14, &m));
    CHECK(!vt_parse_stamp(" 2025070100300", 14, &m));
    CHECK(!vt_parse_stamp("20250701240000", 14, &m)); /* hour 24 */
    CHECK(!vt_parse_stamp("20250701006000", 14, &m)); /* minute 60 */
    CHECK(!vt_parse_stamp("20250701000060", 14, &m)); /* second 60 */
    CHECK(!vt_parse_stamp("20251301000000", 14, &m)); /* month 13 */
    CHECK(!vt_parse_stamp("20250001000000", 14, &m)); /* month 0 */
    CHECK(!vt_parse_stamp("20250700000000", 14, &m)); /* day 0 */
    CHECK(!vt_parse_stamp("20250732000000", 14, &m)); /* day 32 */
    CHECK(!vt_parse_stamp("", 0, &m));
    CHECK_EQ_INT(m, 42); /* untouched on failure */
    CHECK(vt_parse_stamp("20250701235959", 14, &m));
}

TEST(vtime_day_of_moments)
{
    CHECK_EQ_INT(vt_day_of(0), 0);
    CHECK_EQ_INT(vt_day_of(86399), 0);
    CHECK_EQ_INT(vt_day_of(86400), 1);
    CHECK_EQ_INT(vt_day_of(-1), -1); /* floor, not truncation */
    CHECK_EQ_INT(vt_day_of(-86400), -1);
    CHECK_EQ_INT(vt_day_of(-86401), -2);
}

/* SPEC §3: 2025-06-30T17:30:00Z is 2025-07-01T00:30+07:00.
 * Unix: 20269 × 86400 + 17.5 × 3600 = 1751241600 + 63000 = 1751304600. */
TEST(vtime_day_of_unix)
{
    CHECK_EQ_INT(vt_day_of_unix(1751304600), D_2025_07_01);
    /* 16:59:59Z is still 2025-06-30 23:59:59 in Vietnam */
    CHECK_EQ_INT(vt_day_of_unix(1751304600 - 1801), D_2025_06_30);
    CHECK_EQ_INT(vt_day_of_unix(1751304600 - 1800), D_2025_07_01);
    CHECK_EQ_INT(vt_day_of_unix(0), 0); /* 07:00 in Vietnam */
    CHECK_EQ_INT(vt_day_of_unix(-25200), 0);
    CHECK_EQ_INT(vt_day_of_unix(-25201), -1);
}

TEST(vtime_month_boundary)
{
    CHECK_EQ_INT(vt_month_of(D_2025_06_30), 2025 * 12 + 5);
    CHECK_EQ_INT(vt_month_of(D_2025_07_01), 2025 * 12 + 6);
    CHECK_EQ_INT(vt_month_first_day(2025 * 12 + 6), D_2025_07_01);
    CHECK_EQ_INT(vt_month_first_day(2025 * 12 + 5), D_2025_06_01);
    CHECK_EQ_INT(vt_month_first_day(2025 * 12 + 12), 20454); /* 2026-01 */
    CHECK_EQ_INT(vt_month_of(-1), 1969 * 12 + 11);
    CHECK_EQ_INT(vt_month_first_day(0), D_0000_01_01);
    char text[16];
    vt_format_day(D_2025_06_30, text);
    CHECK_EQ_STR(text, "2025-06-30");
    vt_format_day(D_0000_01_01, text);
    CHECK_EQ_STR(text, "0000-01-01");
}

static void check_period(const char *file, int line, const char *text,
                         enum vt_kind kind, int32_t from, int32_t to)
{
    struct vt_period p = {VT_DAY, 0, 0};
    char detail[128] = "";
    enum chiso_err rc = vt_period_parse(text, &p, detail, sizeof detail);
    if (rc != CHISO_OK) {
        test_fail(file, line, text, "expected a period, got %s: %s",
                  err_name(rc), detail);
        return;
    }
    if (p.kind != kind || p.from != from || p.to != to)
        test_fail(file, line, text,
                  "expected kind %d %d..%d, got kind %d %d..%d", (int)kind,
                  (int)from, (int)to, (int)p.kind, (int)p.from, (int)p.to);
    char back[VT_PERIOD_TEXT];
    vt_period_format(&p, back);
    if (strcmp(back, text) != 0)
        test_fail(file, line, text, "formats back as \"%s\"", back);
}
#define CHECK_PERIOD(text, kind, from, to)                                     \
    check_period(__FILE__, __LINE__, text, kind, from, to)

TEST(vtime_period_parse)
{
    CHECK_PERIOD("2025-06-30", VT_DAY, D_2025_06_30, D_2025_06_30);
    CHECK_PERIOD("2025-06", VT_MONTH, D_2025_06_01, D_2025_06_30);
    CHECK_PERIOD("2025Q2", VT_QUARTER, D_2025_04_01, D_2025_06_30);
    CHECK_PERIOD("2025Q4", VT_QUARTER, D_2025_12_31 - 91, D_2025_12_31);
    CHECK_PERIOD("2025", VT_YEAR, D_2025_01_01, D_2025_12_31);
    CHECK_PERIOD("2024", VT_YEAR, D_2024_01_01, D_2025_01_01 - 1);
    CHECK_PERIOD("2024-02", VT_MONTH, D_2024_01_01 + 31, D_2024_01_01 + 59);
    CHECK_PERIOD("2025-01-01..2025-06-30", VT_RANGE, D_2025_01_01,
                 D_2025_06_30);
    CHECK_PERIOD("2025-06-30..2025-06-30", VT_RANGE, D_2025_06_30,
                 D_2025_06_30);
    /* A range spans at most 36600 days: 2000-01-01 is 10957, 2100-01-01 is
     * 10957 + 36525 = 47482, and 2100-03-16 is 47482 + 31 + 28 + 15 = 47556,
     * the 36600th day. */
    CHECK_PERIOD("2000-01-01..2100-03-16", VT_RANGE, 10957, 47556);
}

static void check_bad_period(const char *file, int line, const char *text)
{
    struct vt_period p = {VT_DAY, 7, 7};
    char detail[160] = "";
    enum chiso_err rc = vt_period_parse(text, &p, detail, sizeof detail);
    if (rc != CHISO_EINVAL)
        test_fail(file, line, text, "expected %s, got %s",
                  err_name(CHISO_EINVAL), err_name(rc));
    else if (detail[0] == '\0')
        test_fail(file, line, text, "expected a detail, got \"\"");
    if (p.from != 7 || p.to != 7)
        test_fail(file, line, text, "the period was written on error");
}
#define CHECK_BAD_PERIOD(text) check_bad_period(__FILE__, __LINE__, text)

TEST(vtime_period_errors)
{
    CHECK_BAD_PERIOD("2025-13");
    CHECK_BAD_PERIOD("2025-00");
    CHECK_BAD_PERIOD("2025Q5");
    CHECK_BAD_PERIOD("2025Q0");
    CHECK_BAD_PERIOD("2025-06-31");
    CHECK_BAD_PERIOD("2025-02-29");
    CHECK_BAD_PERIOD("2025-06-30..2025-01-01"); /* reversed */
    CHECK_BAD_PERIOD("2025-01-01..2025-06");
    CHECK_BAD_PERIOD("2000-01-01..2100-03-17"); /* 36601 days */
    CHECK_BAD_PERIOD("");
    CHECK_BAD_PERIOD("2025-6");
    CHECK_BAD_PERIOD("abcd");
    CHECK_BAD_PERIOD("20250630");

    struct vt_period p;
    char detail[160] = "";
    vt_period_parse("2025-06-30..2025-01-01", &p, detail, sizeof detail);
    CHECK_CONTAINS(detail, "2025-06-30..2025-01-01");
}

static void check_previous(const char *file, int line, const char *text,
                           const char *expected)
{
    struct vt_period p;
    if (vt_period_parse(text, &p, NULL, 0) != CHISO_OK) {
        test_fail(file, line, text, "expected a period");
        return;
    }
    struct vt_period q = vt_period_previous(&p);
    char got[VT_PERIOD_TEXT];
    vt_period_format(&q, got);
    if (q.kind != p.kind || strcmp(got, expected) != 0)
        test_fail(file, line, text, "previous: expected %s, got %s (kind %d)",
                  expected, got, (int)q.kind);
}
#define CHECK_PREVIOUS(text, expected)                                         \
    check_previous(__FILE__, __LINE__, text, expected)

TEST(vtime_period_previous)
{
    CHECK_PREVIOUS("2025-03-01", "2025-02-28");
    CHECK_PREVIOUS("2024-03-01", "2024-02-29");
    CHECK_PREVIOUS("2025-01-01", "2024-12-31");
    CHECK_PREVIOUS("2025-03", "2025-02");
    CHECK_PREVIOUS("2025-01", "2024-12");
    CHECK_PREVIOUS("2025Q1", "2024Q4");
    CHECK_PREVIOUS("2025Q3", "2025Q2");
    CHECK_PREVIOUS("2025", "2024");
    CHECK_PREVIOUS("2025-01-01..2025-01-10", "2024-12-22..2024-12-31");
    CHECK_PREVIOUS("2025-03-01..2025-03-31", "2025-01-29..2025-02-28");

    struct vt_period p;
    REQUIRE(vt_period_parse("2025-07", &p, NULL, 0) == CHISO_OK);
    struct vt_period q = vt_period_previous(&p);
    CHECK_EQ_INT(q.from, D_2025_06_01);
    CHECK_EQ_INT(q.to, D_2025_06_30);
    REQUIRE(vt_period_parse("2025Q1", &p, NULL, 0) == CHISO_OK);
    q = vt_period_previous(&p);
    CHECK_EQ_INT(q.from, D_2025_01_01 - 92); /* Oct 31 + Nov 30 + Dec 31 */
    CHECK_EQ_INT(q.to, D_2025_01_01 - 1);
}
