/*
 * test_vpack.c — the packed form of stored versions: round trips over every
 * field's whole range, one encoding worked by hand to pin the format, and
 * damaged bytes, which must be refused with the byte offset and without
 * moving the cursor or reading past the end (every damaged input is decoded
 * from a heap copy of exactly its size, so an over-read shows under ASan).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "core/limits.h"
#include "core/vpack.h"

#define B(m) FACT_BIT(MEASURE_##m)

/* Checks got against exp field by field, so a failure names the field. The
 * unit index of the fact is not packed: it comes back 0 whatever was put. */
static void check_version(const char *file, int line,
                          const struct vpack_version *got,
                          const struct vpack_version *exp)
{
    if (vpack_equal(got, exp) && got->fact.unit == 0)
        return;
    const struct fact *f = &got->fact, *g = &exp->fact;
#define FIELD(name, fmt, cast, a, b)                                           \
    do {                                                                       \
        if ((a) != (b))                                                        \
            test_fail(file, line, "version round trip: " name,                 \
                      "expected " fmt ", got " fmt, (cast)(b), (cast)(a));     \
    } while (0)
    FIELD("code_len", "%zu", size_t, got->code_len, exp->code_len);
    if (got->code_len == exp->code_len &&
        memcmp(got->code, exp->code, got->code_len) != 0)
        test_fail(file, line, "version round trip: code",
                  "expected \"%.*s\", got \"%.*s\"", (int)exp->code_len,
                  exp->code, (int)got->code_len, got->code);
    FIELD("unit_len", "%zu", size_t, got->unit_len, exp->unit_len);
    if (got->unit_len == exp->unit_len &&
        memcmp(got->unit, exp->unit, got->unit_len) != 0)
        test_fail(file, line, "version round trip: unit",
                  "expected \"%.*s\", got \"%.*s\"", (int)exp->unit_len,
                  exp->unit, (int)got->unit_len, got->unit);
    FIELD("fact.unit", "%u", unsigned, f->unit, 0u);
    FIELD("flags", "0x%x", unsigned, f->flags, g->flags);
    FIELD("recv_day", "%d", int, f->recv_day, g->recv_day);
    FIELD("end_day", "%d", int, f->end_day, g->end_day);
    FIELD("version", "%lld", long long, f->version, g->version);
    FIELD("first_seen", "%lld", long long, f->first_seen, g->first_seen);
    FIELD("fee", "%lld", long long, f->fee, g->fee);
    FIELD("proc", "%lld", long long, f->proc, g->proc);
    FIELD("line", "%llu", unsigned long long, got->line, exp->line);
#undef FIELD
}
#define CHECK_VERSION(got, exp) check_version(__FILE__, __LINE__, got, exp)

/* Decodes bytes[0..n) at start from a heap copy of exactly n bytes and
 * checks that it is refused: CHISO_EINVAL, *pos left at start, and a detail
 * that names the byte offset of the version ("... at byte <start> ...") and,
 * unless reason is NULL, contains reason. */
static void check_refused(const char *file, int line, const char *what,
                          const char *reason, const unsigned char *bytes,
                          size_t n, size_t start)
{
    unsigned char *copy = malloc(n ? n : 1);
    if (copy == NULL) {
        test_fail(file, line, what, "malloc(%zu) failed", n);
        return;
    }
    memcpy(copy, bytes, n);
    size_t pos = start;
    struct vpack_version v;
    char detail[CHISO_DETAIL_BYTES] = "";
    enum chiso_err rc = vpack_next(copy, n, &pos, &v, detail, sizeof detail);
    if (rc != CHISO_EINVAL)
        test_fail(file, line, what, "expected CHISO_EINVAL (%d), got %d",
                  CHISO_EINVAL, rc);
    if (pos != start)
        test_fail(file, line, what, "expected *pos to stay %zu, got %zu",
                  start, pos);
    char at[32];
    snprintf(at, sizeof at, "byte %zu", start);
    if (strstr(detail, at) == NULL)
        test_fail(file, line, what,
                  "expected a detail containing \"%s\", got \"%s\"", at,
                  detail);
    if (reason != NULL && strstr(detail, reason) == NULL)
        test_fail(file, line, what,
                  "expected a detail containing \"%s\", got \"%s\"", reason,
                  detail);
    free(copy);
}
#define CHECK_REFUSED(what, reason, bytes, n, start)                           \
    check_refused(__FILE__, __LINE__, what, reason, bytes, n, start)

/* A string of n copies of c, for the longest codes. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n);
    if (s != NULL)
        memset(s, c, n);
    return s;
}

/* Several versions in one buffer, every field at both ends of its range. */
TEST(vpack_round_trip_extremes)
{
    char *long_code = repeat('C', CHISO_MAX_CODE_BYTES);
    char *long_unit = repeat('U', CHISO_MAX_CODE_BYTES);
    REQUIRE(long_code != NULL && long_unit != NULL);
    const struct vpack_version in[] = {
        {/* shortest codes, minimums and maximums crossed */
         .code = "A",
         .code_len = 1,
         .unit = long_unit,
         .unit_len = CHISO_MAX_CODE_BYTES,
         .fact = {.unit = 77, /* not packed: comes back 0 */
                  .flags = 0,
                  .recv_day = INT32_MIN,
                  .end_day = INT32_MAX,
                  .version = INT64_MIN,
                  .first_seen = INT64_MAX,
                  .fee = INT64_MIN,
                  .proc = INT64_MAX},
         .line = 0},
        {/* longest code, the other way round */
         .code = long_code,
         .code_len = CHISO_MAX_CODE_BYTES,
         .unit = "U",
         .unit_len = 1,
         .fact = {.flags = UINT32_MAX,
                  .recv_day = INT32_MAX,
                  .end_day = INT32_MIN,
                  .version = INT64_MAX,
                  .first_seen = INT64_MIN,
                  .fee = INT64_MAX,
                  .proc = INT64_MIN},
         .line = UINT64_MAX},
        {/* a real dossier, days before 1970 and a negative amount */
         .code = "000.00.01.H26-250601-0001",
         .code_len = 25,
         .unit = "000.00.01.H26",
         .unit_len = 13,
         .fact = {.flags = B(RECEIVED) | B(FEE_VND) | B(COMPLETED),
                  .recv_day = -719528, /* 0000-01-01 */
                  .end_day = -1,       /* 1969-12-31 */
                  .version = 63915984001,
                  .first_seen = 1748739600,
                  .fee = 150000,
                  .proc = -1},
         .line = 17},
        {/* zeros, and the one-byte varint boundaries ±64 (zigzag 127/128) */
         .code = "0",
         .code_len = 1,
         .unit = "0",
         .unit_len = 1,
         .fact = {.flags = 127,
                  .recv_day = 0,
                  .end_day = -64,
                  .version = 0,
                  .first_seen = 64,
                  .fee = -1,
                  .proc = 0},
         .line = 128},
    };
    enum { N = sizeof in / sizeof in[0] };
    struct vpack_buf b = {0};
    size_t ends[N];
    for (size_t i = 0; i < N; i++) {
        vpack_put(&b, &in[i]);
        ends[i] = b.len;
    }
    REQUIRE(b.data != NULL);
    CHECK(b.len <= b.cap);
    size_t pos = 0;
    char detail[CHISO_DETAIL_BYTES];
    for (size_t i = 0; i < N; i++) {
        struct vpack_version v;
        detail[0] = '\0';
        enum chiso_err rc =
            vpack_next(b.data, b.len, &pos, &v, detail, sizeof detail);
        if (rc != CHISO_OK) {
            CHECK_EQ_INT(rc, CHISO_OK);
            CHECK_EQ_STR(detail, "");
            break;
        }
        CHECK_VERSION(&v, &in[i]);
        CHECK_EQ_UINT(pos, ends[i]);
    }
    CHECK_EQ_UINT(pos, b.len);

    /* At the end there is nothing more to decode. */
    struct vpack_version v;
    CHECK_EQ_INT(vpack_next(b.data, b.len, &pos, &v, detail, sizeof detail),
                 CHISO_EINVAL);
    CHECK_EQ_UINT(pos, b.len);

    vpack_free(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    vpack_free(&b); /* harmless twice */
    free(long_code);
    free(long_unit);
}

/* Version i of many: every field depends on i, so a shifted or mixed-up
 * version shows. code must hold 32 bytes. */
static struct vpack_version numbered(int i, char *code)
{
    int n = snprintf(code, 32, "H26-%d", i);
    return (struct vpack_version){
        .code = code,
        .code_len = (size_t)n,
        .unit = "000.00.01.H26",
        .unit_len = 13,
        .fact = {.flags = (uint32_t)i * 2654435761u,
                 .recv_day = 20240 - i,
                 .end_day = i * 4099,
                 .version = (int64_t)i << 40,
                 .first_seen = -(int64_t)i * 1000003,
                 .fee = (int64_t)i * i,
                 .proc = i % 2 ? i : -i},
        .line = (uint64_t)i << 50,
    };
}

/* Enough versions to grow the buffer many times, each decoded back. */
TEST(vpack_many_versions)
{
    enum { N = 5000 };
    struct vpack_buf b = {0};
    char code[32];
    for (int i = 0; i < N; i++) {
        struct vpack_version v = numbered(i, code);
        vpack_put(&b, &v);
    }
    size_t pos = 0;
    int bad = 0;
    for (int i = 0; i < N && bad < 5; i++) {
        struct vpack_version got, exp = numbered(i, code);
        char detail[CHISO_DETAIL_BYTES] = "";
        enum chiso_err rc =
            vpack_next(b.data, b.len, &pos, &got, detail, sizeof detail);
        if (rc != CHISO_OK) {
            test_fail(__FILE__, __LINE__, "vpack_next",
                      "version %d: expected CHISO_OK, got %d (%s)", i, rc,
                      detail);
            break;
        }
        if (!vpack_equal(&got, &exp) || got.fact.unit != 0) {
            CHECK_VERSION(&got, &exp);
            bad++;
        }
    }
    CHECK_EQ_UINT(pos, b.len);
    vpack_free(&b);
}

/*
 * One small version, packed by hand. Strings are a length byte and the
 * bytes; numbers are LEB128 (7 bits a byte, low group first, 0x80 = more
 * follows); signed fields are zigzagged first: n >= 0 → 2n, n < 0 → -2n-1.
 */
TEST(vpack_format_by_hand)
{
    static const unsigned char expected[] = {
        0x02, 'H', '1', /* code "H1": length 2 */
        0x01, 'T',      /* unit "T": length 1 */
        0x85, 0x01,     /* flags 133 = 1×128 + 5: 0x80|5, 1 */
        0xa0, 0xbc, 0x02, /* recv_day 20240 → 40480 = 2×128² + 60×128 + 32:
                             0x80|32, 0x80|60, 2 */
        0x01,           /* end_day -1 → 1 */
        0x7f,           /* version -64 → 127, the largest one-byte varint */
        0xd8, 0x04,     /* first_seen 300 → 600 = 4×128 + 88: 0x80|88, 4 */
        0x81, 0x01,     /* fee -65 → 129 = 1×128 + 1: 0x80|1, 1 */
        0x80, 0x01,     /* proc 64 → 128 = 1×128 + 0: 0x80|0, 1 */
        0x11,           /* line 17 (unsigned, not zigzagged) */
    };
    const struct vpack_version v = {
        .code = "H1",
        .code_len = 2,
        .unit = "T",
        .unit_len = 1,
        .fact = {.unit = 5, /* not packed */
                 .flags = 133,
                 .recv_day = 20240,
                 .end_day = -1,
                 .version = -64,
                 .first_seen = 300,
                 .fee = -65,
                 .proc = 64},
        .line = 17,
    };
    struct vpack_buf b = {0};
    vpack_put(&b, &v);
    CHECK_EQ_UINT(b.len, sizeof expected);
    for (size_t i = 0; i < b.len && i < sizeof expected; i++)
        if (b.data[i] != expected[i]) {
            test_fail(__FILE__, __LINE__, "packed bytes",
                      "byte %zu: expected 0x%02x, got 0x%02x", i,
                      expected[i], b.data[i]);
            break;
        }
    vpack_free(&b);

    /* The literal decodes to the same version, in place. */
    size_t pos = 0;
    struct vpack_version got;
    char detail[CHISO_DETAIL_BYTES] = "";
    REQUIRE(vpack_next(expected, sizeof expected, &pos, &got, detail,
                       sizeof detail) == CHISO_OK);
    CHECK_VERSION(&got, &v);
    CHECK_EQ_UINT(pos, sizeof expected);
    CHECK(got.code == (const char *)expected + 1);
    CHECK(got.unit == (const char *)expected + 4);

    /* Longer-than-needed varints still mean the same number: flags 5 as
     * 0x85 0x80 0x00. */
    static const unsigned char padded[] = {0x01, 'A', 0x01, 'B', 0x85, 0x80,
                                           0x00, 0, 0, 0, 0, 0, 0, 0x02};
    pos = 0;
    REQUIRE(vpack_next(padded, sizeof padded, &pos, &got, detail,
                       sizeof detail) == CHISO_OK);
    CHECK_EQ_UINT(got.fact.flags, 5);
    CHECK_EQ_UINT(got.line, 2);
    CHECK_EQ_UINT(pos, sizeof padded);
}

/* Every proper prefix of a packed version is refused, at offset 0 and
 * after another version, without moving the cursor. */
TEST(vpack_truncations)
{
    const struct vpack_version v = {
        .code = "000.00.01.H26-250601-0001",
        .code_len = 25,
        .unit = "000.00.01.H26",
        .unit_len = 13,
        .fact = {.flags = UINT32_MAX,
                 .recv_day = INT32_MIN,
                 .end_day = 20249,
                 .version = INT64_MAX,
                 .first_seen = 1748739600,
                 .fee = -150000,
                 .proc = 86400},
        .line = UINT64_MAX,
    };
    struct vpack_buf b = {0};
    vpack_put(&b, &v);
    size_t one = b.len;
    vpack_put(&b, &v);
    REQUIRE(b.len == 2 * one);
    char what[96];
    for (size_t n = 0; n < one; n++) {
        snprintf(what, sizeof what, "first %zu of %zu bytes", n, one);
        CHECK_REFUSED(what, NULL, b.data, n, 0);
        snprintf(what, sizeof what, "second version cut to %zu of %zu", n,
                 one);
        CHECK_REFUSED(what, NULL, b.data, one + n, one);
    }
    /* The whole of each is accepted (the cut above is what failed). */
    size_t pos = one;
    struct vpack_version got;
    char detail[CHISO_DETAIL_BYTES] = "";
    CHECK_EQ_INT(vpack_next(b.data, b.len, &pos, &got, detail, sizeof detail),
                 CHISO_OK);
    CHECK_VERSION(&got, &v);
    CHECK_EQ_UINT(pos, b.len);
    /* A cursor past the end is refused, not followed. */
    pos = b.len + 1;
    CHECK_EQ_INT(vpack_next(b.data, b.len, &pos, &got, detail, sizeof detail),
                 CHISO_EINVAL);
    CHECK_EQ_UINT(pos, b.len + 1);
    /* No detail buffer is fine too. */
    pos = 0;
    CHECK_EQ_INT(vpack_next(b.data, one - 1, &pos, &got, NULL, 0),
                 CHISO_EINVAL);
    CHECK_EQ_UINT(pos, 0);
    vpack_free(&b);
}

/* Bytes that are not a packed version, each with one thing wrong: code "A",
 * unit "B" and zeros, but for the field under test. */
TEST(vpack_damaged_fields)
{
#define REFUSED(what, reason, ...)                                             \
    do {                                                                       \
        static const unsigned char bytes_[] = {__VA_ARGS__};                   \
        CHECK_REFUSED(what, reason, bytes_, sizeof bytes_, 0);                 \
    } while (0)

    /* The well-formed base the cases below damage, to show they would pass
     * but for the damage. */
    static const unsigned char good[] = {1, 'A', 1, 'B', 0, 0, 0, 0,
                                         0, 0,   0, 0};
    size_t pos = 0;
    struct vpack_version v;
    char detail[CHISO_DETAIL_BYTES] = "";
    CHECK_EQ_INT(vpack_next(good, sizeof good, &pos, &v, detail, sizeof detail),
                 CHISO_OK);
    CHECK_EQ_UINT(pos, sizeof good);

    /* Codes: a length byte of 0, or more bytes than are left. */
    REFUSED("zero-length code", "empty code",
            0, 1, 'B', 0, 0, 0, 0, 0, 0, 0, 0);
    REFUSED("zero-length unit", "empty code",
            1, 'A', 0, 0, 0, 0, 0, 0, 0, 0, 0);
    REFUSED("code longer than the input", "truncated code",
            5, 'A', 'B', 'C');
    REFUSED("unit longer than the input", "truncated code",
            1, 'A', 0xff, 'B', 0, 0, 0, 0, 0, 0, 0, 0);
    /* one byte short: the offset is where the field (its length byte)
     * begins */
    REFUSED("code one byte longer than the input", "truncated code at byte 0",
            3, 'A', 'B');
    REFUSED("unit one byte longer than the input", "truncated code at byte 2",
            1, 'A', 2, 'B');

    /* Varints: version as 11 continuation bytes and an end byte; 10 bytes
     * whose last one holds bits above 2^63 (in line, then in version). */
    REFUSED("varint of 11 continuation bytes", "number",
            1, 'A', 1, 'B', 0, 0, 0,                          /* to end_day */
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0x00, 0, 0, 0, 0);
    REFUSED("10-byte varint ending in 2", "number too large",
            1, 'A', 1, 'B', 0, 0, 0, 0, 0, 0, 0,              /* to proc */
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    REFUSED("10-byte varint ending in 0x7f", "number too large",
            1, 'A', 1, 'B', 0, 0, 0,                          /* to end_day */
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f,
            0, 0, 0, 0);
    /* while 10 bytes ending in 1 is 2^63 and fits: line = 1 << 63 */
    static const unsigned char top[] = {
        1, 'A', 1, 'B', 0, 0, 0, 0, 0, 0, 0, /* to proc */
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    pos = 0;
    CHECK_EQ_INT(vpack_next(top, sizeof top, &pos, &v, detail, sizeof detail),
                 CHISO_OK);
    CHECK_EQ_UINT(v.line, UINT64_C(1) << 63);
    CHECK_EQ_UINT(pos, sizeof top);

    /* Days: zigzag 2^32 is 2^31 = INT32_MAX + 1; 2^32 + 1 is INT32_MIN - 1;
     * 2^64 - 1 is INT64_MIN. */
    REFUSED("recv_day INT32_MAX + 1", "day out of range",
            1, 'A', 1, 'B', 0,                 /* flags */
            0x80, 0x80, 0x80, 0x80, 0x10,      /* recv_day */
            0, 0, 0, 0, 0, 0);
    REFUSED("end_day INT32_MIN - 1", "day out of range",
            1, 'A', 1, 'B', 0, 0,              /* flags, recv_day */
            0x81, 0x80, 0x80, 0x80, 0x10,      /* end_day */
            0, 0, 0, 0, 0);
    REFUSED("end_day INT64_MIN", "day out of range",
            1, 'A', 1, 'B', 0, 0,              /* flags, recv_day */
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            0, 0, 0, 0, 0);
    /* while their neighbours inside the range are days */
    static const unsigned char days[] = {
        1, 'A', 1, 'B', 0,                     /* flags */
        0xfe, 0xff, 0xff, 0xff, 0x0f,          /* recv_day INT32_MAX */
        0xff, 0xff, 0xff, 0xff, 0x0f,          /* end_day INT32_MIN */
        0, 0, 0, 0, 0};
    pos = 0;
    CHECK_EQ_INT(vpack_next(days, sizeof days, &pos, &v, detail, sizeof detail),
                 CHISO_OK);
    CHECK_EQ_INT(v.fact.recv_day, INT32_MAX);
    CHECK_EQ_INT(v.fact.end_day, INT32_MIN);

    /* Flags: 2^32 and 2^64 - 1 do not fit the 32 measure bits. */
    REFUSED("flags 2^32", "measure bits",
            1, 'A', 1, 'B', 0x80, 0x80, 0x80, 0x80, 0x10,
            0, 0, 0, 0, 0, 0, 0);
    REFUSED("flags UINT64_MAX", "measure bits",
            1, 'A', 1, 'B',
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            0, 0, 0, 0, 0, 0, 0);
    /* while UINT32_MAX does */
    static const unsigned char flags[] = {
        1, 'A', 1, 'B', 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0};
    pos = 0;
    CHECK_EQ_INT(
        vpack_next(flags, sizeof flags, &pos, &v, detail, sizeof detail),
        CHISO_OK);
    CHECK_EQ_UINT(v.fact.flags, UINT32_MAX);

    /* Damage in a second version names that version's offset, 12. */
    static const unsigned char second[] = {
        1, 'A', 1, 'B', 0, 0, 0, 0, 0, 0, 0, 0, /* a good first version */
        0, 1, 'B', 0, 0, 0, 0};
    CHECK_REFUSED("empty code of the second version", "empty code", second,
                  sizeof second, 12);
#undef REFUSED
}
