/*
 * test_indicator.c — targets in force, met or not, and competition rankings
 * (SPEC §5).
 *
 * toan_trinh's shipped targets: 80 by 2025-12-31 for all; 50 (national),
 * 70 (ministry) and 30 (province) by 2024-12-31.
 * Days: 2024-06-30 = 19904, 2024-12-31 = 20088, 2025-06-30 = 20269,
 * 2025-12-31 = 20453, 2026-06-30 = 20634.
 */
#include <stdio.h>

#include "../fixture.h"
#include "../test.h"
#include "core/catalogue.h"
#include "core/indicator.h"

#define D_2024_06_30 19904
#define D_2024_12_31 20088
#define D_2025_06_30 20269
#define D_2025_12_31 20453
#define D_2026_06_30 20634

static struct catalogue *defaults(void)
{
    struct catalogue *cat = NULL;
    char detail[256] = "";
    if (catalogue_load_default(&cat, detail, sizeof detail) != CHISO_OK)
        test_fail(__FILE__, __LINE__, "catalogue_load_default", "%s", detail);
    return cat;
}

static const struct unit *unit(const char *code)
{
    return unit_at(fixture_units(), fixture_unit(code));
}

/* The value of the target in force, or -1 without one. */
static long long target(const struct indicator *ind, const char *code,
                        int32_t end)
{
    const struct target *t = indicator_target(ind, unit(code), end);
    if (t == NULL)
        return -1;
    if (t->value.den != 1)
        return -2;
    return (long long)t->value.num;
}

TEST(indicator_target_selection)
{
    struct catalogue *cat = defaults();
    REQUIRE(cat != NULL);
    const struct indicator *tt = catalogue_find(cat, "toan_trinh");
    REQUIRE(tt != NULL);
    CHECK_EQ_INT(target(tt, "01", D_2025_06_30), 80);
    CHECK_EQ_INT(target(tt, "01", D_2024_06_30), 30);
    CHECK_EQ_INT(target(tt, "01", D_2024_12_31), 30); /* deadline day itself */
    CHECK_EQ_INT(target(tt, "01", D_2024_12_31 + 1), 80);
    CHECK_EQ_INT(target(tt, "BCA", D_2024_06_30), 70);
    CHECK_EQ_INT(target(tt, "VN", D_2024_06_30), 50);
    CHECK_EQ_INT(target(tt, "VN", D_2025_06_30), 80);
    CHECK_EQ_INT(target(tt, "BCA", D_2025_12_31), 80);
    /* after every deadline: the latest one */
    CHECK_EQ_INT(target(tt, "01", D_2026_06_30), 80);
    CHECK_EQ_INT(target(tt, "VN", D_2026_06_30), 80);
    /* no commune-level interim target: the general one */
    CHECK_EQ_INT(target(tt, "00004", D_2024_06_30), 80);
    /* indicators without targets */
    CHECK_EQ_INT(target(catalogue_find(cat, "tg_xu_ly"), "01", D_2025_06_30),
                 -1);
    CHECK_EQ_INT(target(catalogue_find(cat, "dinh_danh"), "01", D_2026_06_30),
                 100);
    catalogue_free(cat);
}

/* A unit's own code beats its level, which beats everyone; an earlier
 * deadline still ahead beats a later one whatever its scope. */
TEST(indicator_target_specificity)
{
    static const char text[] = "[x]\n"
                               "expr = received\n"
                               "target = 1 by 2025-12-31\n"
                               "target = 2 by 2025-12-31 for province\n"
                               "target = 3 by 2025-12-31 for 01\n"
                               "target = 4 by 2025-09-30\n"
                               "target = 5 by 2025-09-30 for 04\n";
    struct catalogue *cat = NULL;
    REQUIRE(catalogue_parse(text, strlen(text), &cat, NULL, 0) == CHISO_OK);
    const struct indicator *x = catalogue_at(cat, 0);
    CHECK_EQ_INT(target(x, "01", D_2025_06_30), 4);
    CHECK_EQ_INT(target(x, "04", D_2025_06_30), 5);
    CHECK_EQ_INT(target(x, "01", D_2025_12_31), 3);
    CHECK_EQ_INT(target(x, "04", D_2025_12_31), 2);
    CHECK_EQ_INT(target(x, "BCA", D_2025_12_31), 1);
    CHECK_EQ_INT(target(x, "01", D_2026_06_30), 3);
    CHECK_EQ_INT(target(x, "BCA", D_2026_06_30), 1);
    catalogue_free(cat);
}

static void measures_for(int64_t m[MEASURE__COUNT], int64_t full_online,
                         int64_t received)
{
    memset(m, 0, MEASURE__COUNT * sizeof *m);
    m[MEASURE_FULL_ONLINE] = full_online;
    m[MEASURE_RECEIVED] = received;
}

TEST(indicator_eval_met)
{
    struct catalogue *cat = defaults();
    REQUIRE(cat != NULL);
    const struct indicator *tt = catalogue_find(cat, "toan_trinh");
    REQUIRE(tt != NULL);
    int64_t m[MEASURE__COUNT];
    struct indicator_value v;

    measures_for(m, 81, 100);
    indicator_eval(tt, unit("01"), D_2025_06_30, m, &v);
    CHECK(v.r.has_value);
    CHECK_EQ_INT(v.r.value.num, 81);
    CHECK_EQ_INT(v.r.numerator.num, 81);
    CHECK_EQ_INT(v.r.denominator.num, 100);
    REQUIRE(v.target != NULL);
    CHECK_EQ_INT(v.target->value.num, 80);
    CHECK_EQ_INT(v.status, TARGET_MET);

    measures_for(m, 4, 5); /* exactly 80 %: met */
    indicator_eval(tt, unit("01"), D_2025_06_30, m, &v);
    CHECK_EQ_INT(v.status, TARGET_MET);

    measures_for(m, 399, 500); /* 79.8 % */
    indicator_eval(tt, unit("01"), D_2025_06_30, m, &v);
    CHECK_EQ_INT(v.status, TARGET_NOT_MET);

    measures_for(m, 399, 500); /* …but above the 2024 interim 30 % */
    indicator_eval(tt, unit("01"), D_2024_06_30, m, &v);
    CHECK_EQ_INT(v.status, TARGET_MET);
    CHECK_EQ_INT(v.target->value.num, 30);

    measures_for(m, 0, 0); /* no value: no status, the target still shown */
    indicator_eval(tt, unit("01"), D_2025_06_30, m, &v);
    CHECK(!v.r.has_value);
    CHECK(v.target != NULL);
    CHECK_EQ_INT(v.status, TARGET_NONE);

    const struct indicator *tg = catalogue_find(cat, "tg_xu_ly");
    REQUIRE(tg != NULL);
    memset(m, 0, sizeof m);
    m[MEASURE_PROCESSING_SECONDS] = 3 * 86400;
    m[MEASURE_COMPLETED] = 2;
    indicator_eval(tg, unit("VN"), D_2025_06_30, m, &v);
    CHECK(v.r.has_value);
    CHECK_EQ_INT(v.r.value.num, 3);
    CHECK_EQ_INT(v.r.value.den, 2);
    CHECK(v.target == NULL);
    CHECK_EQ_INT(v.status, TARGET_NONE);
    catalogue_free(cat);
}

/* Lower is better: at or under the target is met. */
TEST(indicator_eval_lower_is_better)
{
    static const char text[] = "[tg]\n"
                               "expr = processing_seconds / completed / 86400\n"
                               "direction = lower\n"
                               "target = 5 by 2025-12-31\n";
    struct catalogue *cat = NULL;
    REQUIRE(catalogue_parse(text, strlen(text), &cat, NULL, 0) == CHISO_OK);
    const struct indicator *tg = catalogue_at(cat, 0);
    int64_t m[MEASURE__COUNT] = {0};
    struct indicator_value v;
    m[MEASURE_COMPLETED] = 4;
    static const struct {
        int64_t days;
        enum target_status status;
    } cases[] = {{16, TARGET_MET}, {20, TARGET_MET}, {21, TARGET_NOT_MET}};
    for (size_t i = 0; i < 3; i++) {
        m[MEASURE_PROCESSING_SECONDS] = cases[i].days * 86400; /* /4 days */
        indicator_eval(tg, unit("01"), D_2025_06_30, m, &v);
        CHECK_EQ_INT(v.status, cases[i].status);
    }
    catalogue_free(cat);
}

/* An entry with value num/den, or none when den is 0. */
static struct rank_entry entry(const char *code, int64_t num, int64_t den)
{
    struct rank_entry e = {.unit = 0, .code = code, .rank = -1};
    e.v.r.has_value = den != 0;
    e.v.r.value = (struct rational){num, den ? den : 1};
    return e;
}

static void check_ranking(const char *file, int line, struct rank_entry *e,
                          size_t n, const char *expected)
{
    char got[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(got + k, sizeof got - k, "%s%s:%d",
                              i ? " " : "", e[i].code, e[i].rank);
    if (strcmp(got, expected) != 0)
        test_fail(file, line, "indicator_rank", "expected \"%s\", got \"%s\"",
                  expected, got);
}
#define CHECK_RANKING(e, n, expected)                                          \
    check_ranking(__FILE__, __LINE__, e, n, expected)

TEST(indicator_rank_competition)
{
    struct rank_entry e[] = {
        entry("20", 80, 1), entry("05", 0, 0),  entry("11", 90, 1),
        entry("08", 80, 1), entry("33", 70, 1), entry("01", 0, 0),
    };
    indicator_rank(e, 6, false);
    /* 90 first; the two 80s share rank 2, by code; 70 is 4th */
    CHECK_RANKING(e, 6, "11:1 08:2 20:2 33:4 01:0 05:0");

    indicator_rank(e, 6, true);
    CHECK_RANKING(e, 6, "33:1 08:2 20:2 11:4 01:0 05:0");
}

TEST(indicator_rank_exact_values)
{
    /* 2/3 and 6667/10000 both show as 0.67 but are not a tie; the three
     * exact thirds are */
    struct rank_entry e[] = {
        entry("48", 2, 3),  entry("01", 6667, 10000), entry("92", 1, 3),
        entry("79", 1, 3),  entry("46", 1, 3),
    };
    indicator_rank(e, 5, false);
    CHECK_RANKING(e, 5, "01:1 48:2 46:3 79:3 92:3");
    /* three-way ties at the top, then one below */
    struct rank_entry f[] = {
        entry("C", 1, 2), entry("A", 1, 2), entry("B", 1, 2), entry("D", 0, 1),
    };
    indicator_rank(f, 4, false);
    CHECK_RANKING(f, 4, "A:1 B:1 C:1 D:4");
    indicator_rank(f, 4, true);
    CHECK_RANKING(f, 4, "D:1 A:2 B:2 C:2");
    /* nobody has a value */
    struct rank_entry g[] = {entry("B", 0, 0), entry("A", 0, 0)};
    indicator_rank(g, 2, false);
    CHECK_RANKING(g, 2, "A:0 B:0");
    indicator_rank(g, 0, false); /* empty: nothing to do */
}
