/*
 * test_dtable.c — the live dossier table: keys, packing and undoing inserts.
 */
#include <stdio.h>

#include "../fixture.h"
#include "../test.h"
#include "core/dtable.h"

#define B(m) FACT_BIT(MEASURE_##m)

static struct dkey key_of(const struct dtable *t, const char *fmt, int i)
{
    char code[32];
    int n = snprintf(code, sizeof code, fmt, i);
    return dtable_key(t, code, (size_t)n);
}

/* A fact that depends on i, so that a wrong slot shows. */
static struct fact fact_of(int i)
{
    return (struct fact){
        .unit = (uint32_t)(i % 3373),
        .flags = B(RECEIVED) | B(FEE_VND),
        .recv_day = 20240 + i % 400,
        .end_day = 0,
        .version = i,
        .first_seen = 1748739600 + i,
        .fee = (int64_t)i * 1000,
        .proc = 0,
    };
}

static bool same_fact(const struct fact *a, const struct fact *b)
{
    return a->unit == b->unit && a->flags == b->flags &&
           a->recv_day == b->recv_day && a->end_day == b->end_day &&
           a->version == b->version && a->first_seen == b->first_seen &&
           a->fee == b->fee && a->proc == b->proc;
}

static void check_fact(const char *file, int line, const struct fact *got,
                       const struct fact *exp)
{
    if (same_fact(got, exp))
        return;
    test_fail(file, line, "fact round trip",
              "expected unit %u flags 0x%x days %d/%d version %lld seen %lld "
              "fee %lld proc %lld; got unit %u flags 0x%x days %d/%d version "
              "%lld seen %lld fee %lld proc %lld",
              exp->unit, exp->flags, (int)exp->recv_day, (int)exp->end_day,
              (long long)exp->version, (long long)exp->first_seen,
              (long long)exp->fee, (long long)exp->proc, got->unit, got->flags,
              (int)got->recv_day, (int)got->end_day, (long long)got->version,
              (long long)got->first_seen, (long long)got->fee,
              (long long)got->proc);
}
#define CHECK_FACT(got, exp) check_fact(__FILE__, __LINE__, got, exp)

TEST(dtable_keys)
{
    static const unsigned char other[16] = {1};
    struct dtable *t = dtable_create(fixture_secret);
    struct dtable *u = dtable_create(other);
    struct dkey a = dtable_key(t, "H1", 2), b = dtable_key(t, "H1", 2);
    struct dkey c = dtable_key(t, "H2", 2), d = dtable_key(u, "H1", 2);
    CHECK_EQ_UINT(a.h, b.h);
    CHECK_EQ_UINT(a.tag, b.tag);
    CHECK(a.tag < (1u << 24));
    CHECK(a.h != c.h);
    CHECK(a.h != d.h); /* the secret changes every key */
    CHECK_EQ_UINT(dtable_find(t, a), DTABLE_NONE);
    CHECK_EQ_INT(dtable_count(t), 0);
    dtable_destroy(t);
    dtable_destroy(u);
    dtable_destroy(NULL);
}

TEST(dtable_many_keys)
{
    enum { N = 200000 };
    struct dtable *t = dtable_create(fixture_secret);
    for (int i = 0; i < N; i++) {
        struct fact f = fact_of(i);
        uint32_t slot = DTABLE_NONE;
        int rc = dtable_insert(t, key_of(t, "000.00.01.H26-%07d", i), &f,
                               &slot);
        if (rc != CHISO_OK || slot != (uint32_t)i) {
            CHECK_EQ_INT(rc, CHISO_OK);
            CHECK_EQ_UINT(slot, i);
            break;
        }
    }
    CHECK_EQ_INT(dtable_count(t), N);
    int bad = 0;
    for (int i = 0; i < N && bad < 5; i++) {
        uint32_t slot = dtable_find(t, key_of(t, "000.00.01.H26-%07d", i));
        if (slot != (uint32_t)i) {
            CHECK_EQ_UINT(slot, i);
            bad++;
            continue;
        }
        struct fact got, exp = fact_of(i);
        dtable_get(t, slot, &got);
        if (!same_fact(&got, &exp)) {
            CHECK_FACT(&got, &exp);
            bad++;
        }
    }
    for (int i = 0; i < 1000 && bad < 5; i++)
        if (dtable_find(t, key_of(t, "000.00.01.H26-%07d", N + i)) !=
            DTABLE_NONE) {
            test_fail(__FILE__, __LINE__, "dtable_find of a new code",
                      "expected DTABLE_NONE for code %d, got a slot", N + i);
            bad++;
        }
    CHECK(dtable_memory(t) >= (size_t)N * 48);
    dtable_destroy(t);
}

/* The packed slot keeps every field over its whole range. */
TEST(dtable_pack_extremes)
{
    const uint32_t all = (1u << MEASURE__COUNT) - 1;
    struct fact facts[] = {
        { /* every flag, year 0000 and year 9999 */
         .unit = 3372,
         .flags = all,
         .recv_day = -719528, /* 0000-01-01 */
         .end_day = 2932896,  /* 9999-12-31 */
         .version = INT64_C(1) << 39,
         .first_seen = (INT64_C(1) << 40) - 1,
         .fee = INT64_C(1000000000000000), /* 10^15 */
         .proc = -1},
        { /* nothing */
         .unit = 0,
         .flags = 0,
         .recv_day = 0,
         .end_day = 0,
         .version = 0,
         .first_seen = 0,
         .fee = 0,
         .proc = 0},
        { /* reversed extremes */
         .unit = (1u << 20) - 1,
         .flags = B(COMPLETED) | B(PROCESSING_SECONDS) | B(E_RESULT),
         .recv_day = 2932896,
         .end_day = -719528,
         .version = 1,
         .first_seen = 1,
         .fee = 0,
         .proc = INT64_C(315569519999)}, /* 0000-01-01T00:00 → 9999-12-31T23:59:59:
                                          3652424 × 86400 − 1 */
        { /* received only, with the implied fee bit */
         .unit = 1,
         .flags = B(RECEIVED) | B(FEE_VND) | B(OPEN) | B(OPEN_OVERDUE),
         .recv_day = 20240,
         .end_day = 20249,
         .version = 63915984001,
         .first_seen = 1748739600,
         .fee = 1,
         .proc = -INT64_C(1000000000000)},
    };
    struct dtable *t = dtable_create(fixture_secret);
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        uint32_t slot;
        REQUIRE(dtable_insert(t, key_of(t, "X%d", (int)i), &facts[i], &slot) ==
                CHISO_OK);
        struct fact got;
        dtable_get(t, slot, &got);
        CHECK_FACT(&got, &facts[i]);
    }
    /* every single stored bit, with its implied partner */
    for (int m = 0; m < MEASURE__COUNT; m++) {
        struct fact f = facts[1];
        f.flags = FACT_BIT(m);
        if (m == MEASURE_RECEIVED || m == MEASURE_FEE_VND)
            f.flags = B(RECEIVED) | B(FEE_VND);
        if (m == MEASURE_COMPLETED || m == MEASURE_PROCESSING_SECONDS)
            f.flags = B(COMPLETED) | B(PROCESSING_SECONDS);
        dtable_set(t, 1, &f);
        struct fact got;
        dtable_get(t, 1, &got);
        CHECK_FACT(&got, &f);
    }
    /* set keeps the key */
    CHECK_EQ_UINT(dtable_find(t, key_of(t, "X%d", 1)), 1);
    dtable_destroy(t);
}

TEST(dtable_pop)
{
    enum { N = 70000, KEEP = 60000 }; /* crosses a 65536-slot chunk */
    struct dtable *t = dtable_create(fixture_secret);
    for (int i = 0; i < N; i++) {
        struct fact f = fact_of(i);
        uint32_t slot;
        REQUIRE(dtable_insert(t, key_of(t, "P%d", i), &f, &slot) == CHISO_OK);
    }
    for (int i = N - 1; i >= KEEP; i--)
        dtable_pop(t);
    CHECK_EQ_INT(dtable_count(t), KEEP);
    int bad = 0;
    for (int i = 0; i < N && bad < 5; i++) {
        uint32_t slot = dtable_find(t, key_of(t, "P%d", i));
        uint32_t exp = i < KEEP ? (uint32_t)i : DTABLE_NONE;
        if (slot != exp) {
            CHECK_EQ_UINT(slot, exp);
            bad++;
        }
    }
    /* insert again past the popped chunk boundary, with other codes */
    for (int i = KEEP; i < N; i++) {
        struct fact f = fact_of(i + 1);
        uint32_t slot;
        REQUIRE(dtable_insert(t, key_of(t, "Q%d", i), &f, &slot) == CHISO_OK);
        if (slot != (uint32_t)i && bad++ < 5)
            CHECK_EQ_UINT(slot, i);
    }
    for (int i = 0; i < N && bad < 5; i++) {
        uint32_t slot = dtable_find(t, key_of(t, i < KEEP ? "P%d" : "Q%d", i));
        if (slot != (uint32_t)i) {
            CHECK_EQ_UINT(slot, i);
            bad++;
            continue;
        }
        struct fact got, exp = fact_of(i < KEEP ? i : i + 1);
        dtable_get(t, slot, &got);
        if (!same_fact(&got, &exp)) {
            CHECK_FACT(&got, &exp);
            bad++;
        }
    }
    /* pop everything */
    while (dtable_count(t) > 0)
        dtable_pop(t);
    for (int i = 0; i < KEEP && bad < 5; i += 97)
        if (dtable_find(t, key_of(t, "P%d", i)) != DTABLE_NONE) {
            test_fail(__FILE__, __LINE__, "dtable_find after popping all",
                      "expected DTABLE_NONE for P%d, got a slot", i);
            bad++;
        }
    struct fact f = fact_of(5);
    uint32_t slot;
    CHECK_EQ_INT(dtable_insert(t, key_of(t, "P%d", 5), &f, &slot), CHISO_OK);
    CHECK_EQ_UINT(slot, 0);
    CHECK_EQ_UINT(dtable_find(t, key_of(t, "P%d", 5)), 0);
    dtable_destroy(t);
}

/* Pops interleaved with inserts (backward-shift deletion inside probe
 * chains) keep every other key findable. */
TEST(dtable_pop_interleaved)
{
    struct dtable *t = dtable_create(fixture_secret);
    int live = 0, bad = 0;
    for (int round = 0; round < 3000 && bad < 5; round++) {
        struct fact f = fact_of(live);
        uint32_t slot;
        REQUIRE(dtable_insert(t, key_of(t, "R%d", live), &f, &slot) ==
                CHISO_OK);
        live++;
        if (round % 3 == 2) {
            dtable_pop(t);
            live--;
        }
        if (round % 100 == 99)
            for (int i = 0; i < live + 5 && bad < 5; i++) {
                uint32_t s = dtable_find(t, key_of(t, "R%d", i));
                uint32_t exp = i < live ? (uint32_t)i : DTABLE_NONE;
                if (s != exp) {
                    CHECK_EQ_UINT(s, exp);
                    bad++;
                }
            }
    }
    CHECK_EQ_INT(dtable_count(t), 2000);
    dtable_destroy(t);
}
