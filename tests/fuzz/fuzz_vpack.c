/*
 * fuzz_vpack.c — vpack_next() over arbitrary stored bytes.
 *
 * A block read back from the store may be damaged, so the decoder must take
 * any bytes. The input is decoded version after version until its end or the
 * first refusal. A refusal is CHISO_EINVAL with a detail naming the byte
 * offset, and leaves the cursor where it was. An accepted version lies
 * inside the input, has codes of 1 to CHISO_MAX_CODE_BYTES bytes, and packs
 * again (vpack_put, into a fresh buffer) to bytes that decode to the same
 * version. Those bytes are never longer than the ones decoded (varints may
 * be padded on input, never on output), and are the same bytes when as long.
 *
 * A round trip cannot see a decoder that drops high bits or refuses a value
 * that fits, since both ends would agree; so every answer is also held to a
 * reference decoder written here from the format alone (vpack.h): strings
 * of 1 to 255 bytes, LEB128 numbers of at most 10 bytes below 2^64, flags
 * below 2^32, days in int32 after zigzag.
 */
#include <string.h>

#include "core/limits.h"
#include "core/vpack.h"
#include "fuzz.h"

__extension__ typedef unsigned __int128 ref_u128;

/* The reference reader; ok goes false at the first thing wrong. */
struct ref {
    const uint8_t *data;
    size_t len, pos;
    bool ok;
};

static uint64_t ref_number(struct ref *r)
{
    ref_u128 value = 0;
    for (int n = 0; r->ok; n++) {
        if (n == 10 || r->pos == r->len) {
            r->ok = false; /* longer than 10 bytes, or cut */
            break;
        }
        uint8_t byte = r->data[r->pos++];
        value |= (ref_u128)(byte & 0x7f) << (7 * n);
        if (byte < 0x80)
            break;
    }
    if (value >> 64 != 0)
        r->ok = false;
    return (uint64_t)value;
}

/* Zigzag undone by cases: even 2n → n, odd 2n+1 → -n-1. */
static int64_t ref_signed(struct ref *r)
{
    uint64_t u = ref_number(r);
    return u % 2 == 0 ? (int64_t)(u / 2) : -(int64_t)(u / 2) - 1;
}

static int32_t ref_day(struct ref *r)
{
    int64_t d = ref_signed(r);
    if (d < INT32_MIN || d > INT32_MAX)
        r->ok = false;
    return r->ok ? (int32_t)d : 0;
}

static const char *ref_string(struct ref *r, size_t *n)
{
    *n = 0;
    if (!r->ok || r->pos == r->len) {
        r->ok = false;
        return NULL;
    }
    size_t len = r->data[r->pos++];
    if (len == 0 || len > r->len - r->pos) {
        r->ok = false;
        return NULL;
    }
    *n = len;
    r->pos += len;
    return (const char *)r->data + r->pos - len;
}

/* The version at *pos by the reference, or false where it refuses. */
static bool ref_next(const uint8_t *data, size_t len, size_t *pos,
                     struct vpack_version *v)
{
    struct ref r = {data, len, *pos, true};
    *v = (struct vpack_version){0};
    v->code = ref_string(&r, &v->code_len);
    v->unit = ref_string(&r, &v->unit_len);
    uint64_t flags = ref_number(&r);
    if (flags > UINT32_MAX)
        r.ok = false;
    v->fact.flags = (uint32_t)flags;
    v->fact.recv_day = ref_day(&r);
    v->fact.end_day = ref_day(&r);
    v->fact.version = ref_signed(&r);
    v->fact.first_seen = ref_signed(&r);
    v->fact.fee = ref_signed(&r);
    v->fact.proc = ref_signed(&r);
    v->line = ref_number(&r);
    if (r.ok)
        *pos = r.pos;
    return r.ok;
}

/* The version decoded from data[start..end) packs back to itself. */
static void check_repack(const uint8_t *data, size_t start, size_t end,
                         const struct vpack_version *v)
{
    struct vpack_buf b = {0};
    vpack_put(&b, v);
    FUZZ_CHECK(b.len > 0 && b.len <= end - start);
    if (b.len == end - start)
        FUZZ_CHECK(memcmp(b.data, data + start, b.len) == 0);

    size_t pos = 0;
    struct vpack_version again;
    char detail[CHISO_DETAIL_BYTES] = "";
    FUZZ_CHECK(vpack_next(b.data, b.len, &pos, &again, detail,
                          sizeof detail) == CHISO_OK);
    FUZZ_CHECK(pos == b.len);
    FUZZ_CHECK(vpack_equal(&again, v));
    vpack_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (pos < size) {
        size_t start = pos, ref_pos = pos;
        struct vpack_version v, ref;
        bool ref_ok = ref_next(data, size, &ref_pos, &ref);
        char detail[CHISO_DETAIL_BYTES] = "";
        enum chiso_err rc =
            vpack_next(data, size, &pos, &v, detail, sizeof detail);
        if (rc != CHISO_OK) {
            FUZZ_CHECK(rc == CHISO_EINVAL);
            FUZZ_CHECK(!ref_ok);
            FUZZ_CHECK(pos == start);
            FUZZ_CHECK(strstr(detail, "byte") != NULL);
            break;
        }
        FUZZ_CHECK(ref_ok);
        FUZZ_CHECK(pos == ref_pos);
        FUZZ_CHECK(vpack_equal(&v, &ref));
        FUZZ_CHECK(pos > start && pos <= size);
        FUZZ_CHECK(v.code_len >= 1 && v.code_len <= CHISO_MAX_CODE_BYTES);
        FUZZ_CHECK(v.unit_len >= 1 && v.unit_len <= CHISO_MAX_CODE_BYTES);
        FUZZ_CHECK((const uint8_t *)v.code > data + start &&
                   (const uint8_t *)v.code + v.code_len <= data + pos);
        FUZZ_CHECK((const uint8_t *)v.unit > (const uint8_t *)v.code &&
                   (const uint8_t *)v.unit + v.unit_len <= data + pos);
        FUZZ_CHECK(v.fact.unit == 0); /* not packed */
        check_repack(data, start, pos, &v);
    }
    return 0;
}
