/*
 * test_rational.c — exact fractions: arithmetic, comparison, rounding.
 */
#include <stdio.h>

#include "../test.h"
#include "core/rational.h"

static struct rational q(int64_t num, int64_t den)
{
    struct rational r = q_from_int(num), d = q_from_int(den), out = {0, 1};
    if (q_div(r, d, &out) != Q_OK)
        test_fail(__FILE__, __LINE__, "q(num, den)", "cannot divide");
    return out;
}

static void check_q(const char *file, int line, const char *expr,
                    struct rational got, int64_t num, int64_t den)
{
    if (got.num != num || got.den != den)
        test_fail(file, line, expr, "expected %lld/%lld, got %lld/%lld",
                  (long long)num, (long long)den, (long long)got.num,
                  (long long)got.den);
}
#define CHECK_Q(got, num, den) check_q(__FILE__, __LINE__, #got, got, num, den)

static const char *fmt(struct rational a, int decimals)
{
    static char buf[8][96];
    static int i;
    char *out = buf[i++ % 8];
    q_format(a, decimals, '.', out, 96);
    return out;
}

TEST(rational_reduction)
{
    CHECK_Q(q(6, 8), 3, 4);
    CHECK_Q(q(-6, 8), -3, 4);
    CHECK_Q(q(6, -8), -3, 4); /* the denominator is always positive */
    CHECK_Q(q(-6, -8), 3, 4);
    CHECK_Q(q(0, 5), 0, 1);
    CHECK_Q(q(0, -5), 0, 1);
    CHECK_Q(q(7, 1), 7, 1);
    CHECK_Q(q_from_int(-42), -42, 1);
    CHECK(q_is_zero(q(0, 9)));
    CHECK(!q_is_zero(q(1, 9)));
}

TEST(rational_arithmetic)
{
    struct rational r;
    CHECK_EQ_INT(q_add(q(1, 2), q(1, 3), &r), Q_OK);
    CHECK_Q(r, 5, 6);
    CHECK_EQ_INT(q_add(q(1, 6), q(1, 3), &r), Q_OK);
    CHECK_Q(r, 1, 2);
    CHECK_EQ_INT(q_sub(q(1, 2), q(1, 3), &r), Q_OK);
    CHECK_Q(r, 1, 6);
    CHECK_EQ_INT(q_sub(q(1, 3), q(1, 2), &r), Q_OK);
    CHECK_Q(r, -1, 6);
    CHECK_EQ_INT(q_sub(q(2, 5), q(2, 5), &r), Q_OK);
    CHECK_Q(r, 0, 1);
    CHECK_EQ_INT(q_mul(q(2, 3), q(9, 4), &r), Q_OK);
    CHECK_Q(r, 3, 2);
    CHECK_EQ_INT(q_mul(q(-2, 3), q(3, 2), &r), Q_OK);
    CHECK_Q(r, -1, 1);
    CHECK_EQ_INT(q_mul(q(0, 1), q(3, 2), &r), Q_OK);
    CHECK_Q(r, 0, 1);
    CHECK_EQ_INT(q_div(q(2, 3), q(4, 9), &r), Q_OK);
    CHECK_Q(r, 3, 2);
    CHECK_EQ_INT(q_div(q(2, 3), q(-4, 9), &r), Q_OK);
    CHECK_Q(r, -3, 2);
    /* 100 × 81 / 100 */
    CHECK_EQ_INT(q_mul(q_from_int(100), q(81, 100), &r), Q_OK);
    CHECK_Q(r, 81, 1);
    /* 1472400 s / 1 / 86400 = 17 1/24 days = 409/24 */
    CHECK_EQ_INT(q_div(q_from_int(1472400), q_from_int(86400), &r), Q_OK);
    CHECK_Q(r, 409, 24);
}

TEST(rational_division_by_zero)
{
    struct rational r = q(7, 3);
    CHECK_EQ_INT(q_div(q(1, 2), q(0, 1), &r), Q_DIV_ZERO);
    CHECK_Q(r, 7, 3); /* untouched */
    CHECK_EQ_INT(q_div(q(0, 1), q(0, 1), &r), Q_DIV_ZERO);
}

TEST(rational_overflow)
{
    /* 2^62 squared is 2^124, fine; cubed is 2^186: overflow */
    struct rational big = q_from_int(INT64_C(1) << 62), r, r2;
    CHECK_EQ_INT(q_mul(big, big, &r), Q_OK);
    CHECK_EQ_INT(q_mul(r, big, &r2), Q_OVERFLOW);
    /* 2^124 + 2^124 = 2^125 fits; 2^126 + 2^126 = 2^127 does not */
    CHECK_EQ_INT(q_add(r, r, &r2), Q_OK);
    CHECK_EQ_INT(q_mul(r2, q_from_int(2), &r), Q_OK); /* 2^126 */
    CHECK_EQ_INT(q_add(r, r, &r2), Q_OVERFLOW);
    CHECK_EQ_INT(q_sub(q_from_int(0), r, &r2), Q_OK); /* -2^126 */
    struct rational r3;
    CHECK_EQ_INT(q_add(r, q_from_int(1), &r3), Q_OK);  /* 2^126 + 1 */
    CHECK_EQ_INT(q_sub(r2, r3, &r3), Q_OVERFLOW);      /* -2^127 - 1 */
    /* a denominator product past 128 bits */
    struct rational tiny;
    CHECK_EQ_INT(q_div(q_from_int(1), big, &tiny), Q_OK); /* 1 / 2^62 */
    struct rational tiny3 = q(1, 3);
    CHECK_EQ_INT(q_mul(tiny, tiny, &r), Q_OK);              /* 1/2^124 */
    CHECK_EQ_INT(q_mul(r, tiny3, &r2), Q_OK);               /* 1/(3·2^124) */
    CHECK_EQ_INT(q_add(r2, q(1, 5), &r), Q_OVERFLOW);       /* 15·2^124 */
}

TEST(rational_compare)
{
    CHECK_EQ_INT(q_cmp(q(1, 3), q(1, 2)), -1);
    CHECK_EQ_INT(q_cmp(q(1, 2), q(1, 3)), 1);
    CHECK_EQ_INT(q_cmp(q(2, 4), q(1, 2)), 0);
    CHECK_EQ_INT(q_cmp(q(-1, 2), q(1, 3)), -1);
    CHECK_EQ_INT(q_cmp(q(-1, 2), q(-1, 3)), -1);
    /* 2/3 and its 4-decimal rounding differ */
    CHECK_EQ_INT(q_cmp(q(2, 3), q(6667, 10000)), -1);
    CHECK_EQ_INT(q_cmp(q(INT64_MAX, INT64_MAX - 1), q(INT64_MAX - 1,
                                                       INT64_MAX - 2)),
                 -1); /* (n+1)/n shrinks as n grows */
}

/* Values whose cross products pass 2^127: a = 2^100 / (2^40 + 1),
 * b = (2^100 + 2) / (2^40 + 1). Both are reduced: 2^40 + 1 = 257 ×
 * 4278255361 is odd and divides neither 2^100 nor 2^100 + 2 = 2 (2^99 + 1)
 * (2^99 + 1 ≡ 9 mod 257 and ≡ 2^19 + 1 mod 4278255361). Both have the
 * integer part 2^60 − 2^20 and remainders 2^20 and 2^20 + 2, so a < b. */
TEST(rational_compare_large)
{
    q_int d = ((q_int)1 << 40) + 1;
    struct rational a = {(q_int)1 << 100, d};
    struct rational b = {((q_int)1 << 100) + 2, d};
    CHECK_EQ_INT(q_cmp(a, b), -1);
    CHECK_EQ_INT(q_cmp(b, a), 1);
    CHECK_EQ_INT(q_cmp(a, a), 0);
    struct rational na = {-a.num, d}, nb = {-b.num, d};
    CHECK_EQ_INT(q_cmp(na, nb), 1);
    CHECK_EQ_INT(q_cmp(nb, na), -1);
    CHECK_EQ_INT(q_cmp(na, a), -1);
    /* different integer parts: 2^100 / (2^40 + 1) < 2^100 / 2^39 = 2^61 */
    struct rational c = {((q_int)1 << 110) + 1, ((q_int)1 << 49)};
    CHECK_EQ_INT(q_cmp(a, c), -1);
    CHECK_EQ_INT(q_cmp(c, a), 1);
    /* equal integer parts 2^100 − 1, past 2^127 products:
     * a = (2^126 − 1) / 2^26 = 2^100 − 1 + (2^26 − 1)/2^26 and
     * b = (3·2^100 − 1) / 3 = 2^100 − 1 + 2/3, so a > b */
    struct rational e = {((q_int)1 << 126) - 1, (q_int)1 << 26};
    struct rational f = {((q_int)3 << 100) - 1, 3};
    CHECK_EQ_INT(q_cmp(e, f), 1);
    CHECK_EQ_INT(q_cmp(f, e), -1);
}

TEST(rational_format)
{
    CHECK_EQ_STR(fmt(q(2, 3), 4), "0.6667");
    CHECK_EQ_STR(fmt(q(1, 3), 4), "0.3333");
    CHECK_EQ_STR(fmt(q(1, 8), 2), "0.13");  /* 0.125: half up */
    CHECK_EQ_STR(fmt(q(1, 8), 3), "0.125");
    CHECK_EQ_STR(fmt(q(1, 8), 0), "0");
    CHECK_EQ_STR(fmt(q(1, 2), 0), "1");
    CHECK_EQ_STR(fmt(q(3951, 100), 4), "39.5100");
    CHECK_EQ_STR(fmt(q(3951, 100), 2), "39.51");
    CHECK_EQ_STR(fmt(q(3951, 100), 1), "39.5");
    CHECK_EQ_STR(fmt(q(80, 1), 4), "80.0000");
    CHECK_EQ_STR(fmt(q(0, 1), 4), "0.0000");
    CHECK_EQ_STR(fmt(q(1, 20000), 4), "0.0001"); /* 0.00005 */
    CHECK_EQ_STR(fmt(q(1, 20001), 4), "0.0000");
    CHECK_EQ_STR(fmt(q(99994, 100000), 4), "0.9999");
    CHECK_EQ_STR(fmt(q(99995, 100000), 4), "1.0000"); /* 0.99995: carries */
    CHECK_EQ_STR(fmt(q(199999, 200000), 4), "1.0000"); /* 0.999995 */
    CHECK_EQ_STR(fmt(q(409, 24), 4), "17.0417");
    CHECK_EQ_STR(fmt(q(409, 24), 2), "17.04");
    /* negative: half away from zero */
    CHECK_EQ_STR(fmt(q(-1, 8), 2), "-0.13");
    CHECK_EQ_STR(fmt(q(-2, 3), 4), "-0.6667");
    CHECK_EQ_STR(fmt(q(-1, 2), 0), "-1");
    CHECK_EQ_STR(fmt(q(-3951, 100), 2), "-39.51");
    CHECK_EQ_STR(fmt(q(-1, 30000), 4), "0.0000"); /* no "-0.0000" */
    /* large */
    CHECK_EQ_STR(fmt(q_from_int(INT64_MAX), 2), "9223372036854775807.00");
    CHECK_EQ_STR(fmt(q(INT64_MIN + 1, 1), 0), "-9223372036854775807");
    /* the separator */
    char out[32];
    q_format(q(3951, 100), 2, ',', out, sizeof out);
    CHECK_EQ_STR(out, "39,51");
    /* a small buffer is truncated, not overrun */
    q_format(q(3951, 100), 4, '.', out, 4);
    CHECK_EQ_STR(out, "39.");
}

TEST(rational_parse_decimal)
{
    struct rational r = {0, 1};
    CHECK(q_parse_decimal("86400", 5, &r));
    CHECK_Q(r, 86400, 1);
    CHECK(q_parse_decimal("0.25", 4, &r));
    CHECK_Q(r, 1, 4);
    CHECK(q_parse_decimal("39.51", 5, &r));
    CHECK_Q(r, 3951, 100);
    CHECK(q_parse_decimal("100.000", 7, &r));
    CHECK_Q(r, 100, 1);
    CHECK(q_parse_decimal("0.000000000000000001", 20, &r)); /* 18 digits */
    CHECK_Q(r, 1, 1000000000000000000LL);
    CHECK(!q_parse_decimal("0.0000000000000000001", 21, &r)); /* 19 */
    CHECK(!q_parse_decimal("", 0, &r));
    CHECK(!q_parse_decimal(".5", 2, &r));
    CHECK(!q_parse_decimal("5.", 2, &r));
    CHECK(!q_parse_decimal("1.2.3", 5, &r));
    CHECK(!q_parse_decimal("-1", 2, &r));
    CHECK(!q_parse_decimal("1e3", 3, &r));
    CHECK(!q_parse_decimal("12a", 3, &r));
    CHECK(q_parse_decimal("12a", 2, &r)); /* only len bytes are read */
    CHECK_Q(r, 12, 1);
    /* 40 digits overflow 128 bits */
    CHECK(!q_parse_decimal("9999999999999999999999999999999999999999", 40,
                           &r));
    CHECK_EQ_INT(q_to_double(q(1, 4)) == 0.25, 1);
}

/* -2^127 fits a q_int but cannot be negated: q_add(-2^126, -2^126) must
 * either report Q_OVERFLOW or give a value every other operation handles
 * (here: its exact decimal text). */
TEST(rational_int128_min)
{
    struct rational half = {-((q_int)1 << 126), 1}, r = {0, 1};
    enum q_status st = q_add(half, half, &r);
    if (st == Q_OK)
        CHECK_EQ_STR(fmt(r, 0), "-170141183460469231731687303715884105728");
    else
        CHECK_EQ_INT(st, Q_OVERFLOW);
}

/* q_mul and q_div build denominators up to 2^127; formatting one above 2^123
 * must not overflow. (3·2^124 − 1) / (3·2^124) is 0.99999…, "1.0000". */
TEST(rational_format_huge_denominator)
{
    q_int den = (q_int)3 << 124;
    struct rational a = {den - 1, den};
    CHECK_EQ_STR(fmt(a, 4), "1.0000");
    struct rational b = {1, den};
    CHECK_EQ_STR(fmt(b, 4), "0.0000");
}
