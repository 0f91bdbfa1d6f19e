/*
 * test_expr.c — indicator expressions: grammar, exact values, errors with
 * their column, and the numerator/denominator of ratios.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "core/expr.h"
#include "core/measure.h"

/* Names are the measures (variable = measure number), plus x, y, z. */
enum { X = MEASURE__COUNT, Y, Z, NVARS };

static int resolve(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    if (len == 1 && name[0] >= 'x' && name[0] <= 'z')
        return X + (name[0] - 'x');
    return measure_find(name, len);
}

static struct expr *compile_at(const char *file, int line, const char *text)
{
    struct expr *e = NULL;
    size_t col = 0;
    char detail[160] = "";
    enum chiso_err rc = expr_compile(text, strlen(text), resolve, NULL, &e,
                                     &col, detail, sizeof detail);
    if (rc != CHISO_OK) {
        test_fail(file, line, text, "expected to compile, got %s at column %zu: %s",
                  err_name(rc), col, detail);
        return NULL;
    }
    return e;
}

/* Evaluates text with x, y, z set and expects num/den. */
static void check_value(const char *file, int line, const char *text,
                        int64_t x, int64_t y, int64_t z, int64_t num,
                        int64_t den)
{
    struct expr *e = compile_at(file, line, text);
    if (e == NULL)
        return;
    int64_t vars[NVARS] = {0};
    vars[X] = x;
    vars[Y] = y;
    vars[Z] = z;
    struct expr_result r;
    expr_eval(e, vars, &r);
    if (!r.has_value)
        test_fail(file, line, text, "expected %lld/%lld, got no value",
                  (long long)num, (long long)den);
    else if (r.value.num != num || r.value.den != den)
        test_fail(file, line, text, "expected %lld/%lld, got %lld/%lld",
                  (long long)num, (long long)den, (long long)r.value.num,
                  (long long)r.value.den);
    expr_free(e);
}
#define CHECK_VALUE(text, x, y, z, num, den)                                   \
    check_value(__FILE__, __LINE__, text, x, y, z, num, den)

/* Compiling text fails at 1-based byte column col, with a detail
 * containing part. */
static void check_error(const char *file, int line, const char *text,
                        size_t col, const char *part)
{
    struct expr *e = NULL; /* must stay untouched */
    size_t got_col = 0;
    char detail[160] = "";
    enum chiso_err rc = expr_compile(text, strlen(text), resolve, NULL, &e,
                                     &got_col, detail, sizeof detail);
    if (rc != CHISO_EPARSE && rc != CHISO_ELIMIT) {
        test_fail(file, line, text, "expected a parse error, got %s",
                  err_name(rc));
        if (rc == CHISO_OK)
            expr_free(e);
        return;
    }
    if (got_col != col)
        test_fail(file, line, text, "expected column %zu, got %zu (%s)", col,
                  got_col, detail);
    if (strstr(detail, part) == NULL)
        test_fail(file, line, text, "expected a detail with \"%s\", got \"%s\"",
                  part, detail);
    if (e != NULL)
        test_fail(file, line, text, "*out was written on error");
}
#define CHECK_ERROR(text, col, part)                                           \
    check_error(__FILE__, __LINE__, text, col, part)

TEST(expr_precedence)
{
    CHECK_VALUE("2 + 3 * 4", 0, 0, 0, 14, 1);
    CHECK_VALUE("(2 + 3) * 4", 0, 0, 0, 20, 1);
    CHECK_VALUE("10 - 4 - 3", 0, 0, 0, 3, 1);       /* left to right */
    CHECK_VALUE("100 / 10 / 5", 0, 0, 0, 2, 1);     /* left to right */
    CHECK_VALUE("2 * 3 / 4", 0, 0, 0, 3, 2);
    CHECK_VALUE("2 / 3 * 4", 0, 0, 0, 8, 3);
    CHECK_VALUE("1 - 2 * 3 + 4", 0, 0, 0, -1, 1);
    CHECK_VALUE("((1))", 0, 0, 0, 1, 1);
    CHECK_VALUE("x + y * z", 2, 3, 4, 14, 1);
    CHECK_VALUE("(x + y) / z", 1, 2, 4, 3, 4);
    CHECK_VALUE("0.25 * x", 6, 0, 0, 3, 2);
    CHECK_VALUE("1/3+1/6", 0, 0, 0, 1, 2);          /* no spaces */
    CHECK_VALUE("\t7\t*\t6 ", 0, 0, 0, 42, 1);
}

TEST(expr_unary_minus)
{
    CHECK_VALUE("-2 * 3", 0, 0, 0, -6, 1);
    CHECK_VALUE("2 * -3", 0, 0, 0, -6, 1);
    CHECK_VALUE("2 - -3", 0, 0, 0, 5, 1);
    CHECK_VALUE("--4", 0, 0, 0, 4, 1);
    CHECK_VALUE("-(x - y)", 5, 2, 0, -3, 1);
    CHECK_VALUE("-x / y", 3, 6, 0, -1, 2);
    CHECK_VALUE("1 - -x", 0, 0, 0, 1, 1);
}

/* × (C3 97), ÷ (C3 B7) and − (E2 88 92) as in the catalogue. */
TEST(expr_typographic_operators)
{
    CHECK_VALUE("100 × x / y", 3, 4, 0, 75, 1);
    CHECK_VALUE("x ÷ y", 3, 4, 0, 3, 4);
    CHECK_VALUE("x − y", 3, 4, 0, -1, 1);
    CHECK_VALUE("−x × −y", 3, 4, 0, 12, 1);
    CHECK_VALUE("2×3÷4−1", 0, 0, 0, 1, 2);
    CHECK_VALUE("x −− y", 3, 4, 0, 7, 1);
}

TEST(expr_errors)
{
    CHECK_ERROR("", 1, "expected");
    CHECK_ERROR("   ", 4, "expected");
    CHECK_ERROR("recieved", 1, "unknown name 'recieved'");
    CHECK_ERROR("100 * full_online / recieved", 21, "recieved");
    /* an unclosed '(' is reported where it stands */
    CHECK_ERROR("(x + y", 1, "'(' is never closed");
    CHECK_ERROR("((x + y) * z", 1, "'(' is never closed");
    CHECK_ERROR("x * (y - (z)", 5, "'(' is never closed");
    CHECK_ERROR("x + y)", 6, ")");
    CHECK_ERROR("x y", 3, "after a complete expression");
    CHECK_ERROR("x +", 4, "expected");
    CHECK_ERROR("x * / y", 5, "unexpected character");
    CHECK_ERROR("1.2.3 + x", 1, "not a number");
    CHECK_ERROR("x % y", 3, "%");
    CHECK_ERROR("x + ()", 6, "expected");
    /* columns count bytes: × is two */
    CHECK_ERROR("100 × recieved", 8, "unknown name");
    /* a deep nest is refused, not a stack overflow */
    char deep[300];
    memset(deep, '(', 200);
    strcpy(deep + 200, "x");
    size_t col = 0;
    struct expr *e = NULL;
    char detail[160] = "";
    enum chiso_err rc = expr_compile(deep, strlen(deep), resolve, NULL, &e,
                                     &col, detail, sizeof detail);
    CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
    CHECK(col >= 1 && col <= 201);
    memset(deep, '-', 200);
    rc = expr_compile(deep, strlen(deep), resolve, NULL, &e, &col, detail,
                      sizeof detail);
    CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
    /* too long */
    char *big = malloc(5000);
    REQUIRE(big != NULL);
    memset(big, ' ', 5000);
    big[0] = 'x';
    rc = expr_compile(big, 5000, resolve, NULL, &e, &col, detail,
                      sizeof detail);
    CHECK_EQ_INT(rc, CHISO_ELIMIT);
    free(big);
}

TEST(expr_zero_denominator)
{
    struct expr *e = compile_at(__FILE__, __LINE__, "100 × x / y");
    REQUIRE(e != NULL);
    int64_t vars[NVARS] = {0};
    vars[X] = 5;
    struct expr_result r;
    expr_eval(e, vars, &r);
    CHECK(!r.has_value); /* never 0, never a crash */
    CHECK(r.has_ratio);
    CHECK_EQ_INT(r.numerator.num, 5);
    CHECK_EQ_INT(r.denominator.num, 0);
    expr_free(e);
    /* a zero denominator anywhere */
    e = compile_at(__FILE__, __LINE__, "x + 1 / (y - z)");
    REQUIRE(e != NULL);
    vars[Y] = vars[Z] = 3;
    expr_eval(e, vars, &r);
    CHECK(!r.has_value);
    vars[Z] = 2;
    expr_eval(e, vars, &r);
    CHECK(r.has_value);
    CHECK_EQ_INT(r.value.num, 6);
    expr_free(e);
    /* 0 / 0 */
    e = compile_at(__FILE__, __LINE__, "x / y");
    REQUIRE(e != NULL);
    vars[X] = vars[Y] = 0;
    expr_eval(e, vars, &r);
    CHECK(!r.has_value);
    expr_free(e);
}

static void collect(void *ctx, int var)
{
    int *seen = ctx;
    seen[var]++;
}

/* SPEC §5 indicators: the numerator and denominator shown beside the ratio. */
TEST(expr_numerator_denominator)
{
    int64_t m[NVARS] = {0};
    m[MEASURE_FULL_ONLINE] = 81;
    m[MEASURE_RECEIVED] = 100;
    m[MEASURE_PROCESSING_SECONDS] = 1472400;
    m[MEASURE_COMPLETED] = 2;
    struct expr_result r;

    struct expr *e =
        compile_at(__FILE__, __LINE__, "100 × full_online / received");
    REQUIRE(e != NULL);
    expr_eval(e, m, &r);
    CHECK(r.has_value);
    CHECK_EQ_INT(r.value.num, 81);
    CHECK_EQ_INT(r.value.den, 1);
    CHECK(r.has_ratio);
    CHECK(r.has_parts);
    CHECK_EQ_INT(r.numerator.num, 81);   /* full_online */
    CHECK_EQ_INT(r.denominator.num, 100); /* received */
    int seen[NVARS] = {0};
    expr_each_var(e, collect, seen);
    CHECK_EQ_INT(seen[MEASURE_FULL_ONLINE], 1);
    CHECK_EQ_INT(seen[MEASURE_RECEIVED], 1);
    CHECK_EQ_INT(seen[MEASURE_COMPLETED], 0);
    expr_free(e);

    /* 1472400 / 2 / 86400 = 736200 / 86400 = 409/48 days */
    e = compile_at(__FILE__, __LINE__, "processing_seconds / completed / 86400");
    REQUIRE(e != NULL);
    expr_eval(e, m, &r);
    CHECK(r.has_value);
    CHECK_EQ_INT(r.value.num, 409);
    CHECK_EQ_INT(r.value.den, 48);
    CHECK(r.has_ratio);
    CHECK_EQ_INT(r.numerator.num, 1472400); /* processing_seconds */
    CHECK_EQ_INT(r.denominator.num, 2);     /* completed */
    expr_free(e);

    /* the constant may come last */
    e = compile_at(__FILE__, __LINE__, "full_online / received * 100");
    REQUIRE(e != NULL);
    expr_eval(e, m, &r);
    CHECK_EQ_INT(r.value.num, 81);
    CHECK_EQ_INT(r.numerator.num, 81);
    CHECK_EQ_INT(r.denominator.num, 100);
    expr_free(e);

    /* not a ratio: the value over 1 */
    e = compile_at(__FILE__, __LINE__, "received - full_online");
    REQUIRE(e != NULL);
    expr_eval(e, m, &r);
    CHECK(!r.has_ratio);
    CHECK_EQ_INT(r.value.num, 19);
    CHECK_EQ_INT(r.numerator.num, 19);
    CHECK_EQ_INT(r.denominator.num, 1);
    expr_free(e);
}

TEST(expr_overflow_has_no_value)
{
    struct expr *e = compile_at(__FILE__, __LINE__, "x * x * x * x * x");
    REQUIRE(e != NULL);
    int64_t vars[NVARS] = {0};
    vars[X] = INT64_MAX; /* (2^63)^5 is far past 128 bits */
    struct expr_result r;
    expr_eval(e, vars, &r);
    CHECK(!r.has_value);
    vars[X] = 10;
    expr_eval(e, vars, &r);
    CHECK(r.has_value);
    CHECK_EQ_INT(r.value.num, 100000);
    expr_free(e);
    expr_free(NULL);
}
