/*
 * vpack.c — varint packing of dossier versions.
 */
#include "core/vpack.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* Longest packed version: two strings with a length byte each, 8 varints of
 * at most 10 bytes. */
#define VPACK_MAX_BYTES (2 * (1 + CHISO_MAX_CODE_BYTES) + 8 * 10)

void vpack_put(struct vpack_buf *b, const struct vpack_version *v)
{
    /* vpack_next refuses anything else: a caller's bug, not input. */
    assert(v->code_len >= 1 && v->code_len <= CHISO_MAX_CODE_BYTES);
    assert(v->unit_len >= 1 && v->unit_len <= CHISO_MAX_CODE_BYTES);
    b->data = xgrow(b->data, &b->cap, b->len + VPACK_MAX_BYTES, 1);
    unsigned char *p = b->data + b->len;
    *p++ = (unsigned char)v->code_len;
    memcpy(p, v->code, v->code_len);
    p += v->code_len;
    *p++ = (unsigned char)v->unit_len;
    memcpy(p, v->unit, v->unit_len);
    p += v->unit_len;
    const struct fact *f = &v->fact;
    p = put_varint(p, f->flags);
    p = put_varint(p, zigzag(f->recv_day));
    p = put_varint(p, zigzag(f->end_day));
    p = put_varint(p, zigzag(f->version));
    p = put_varint(p, zigzag(f->first_seen));
    p = put_varint(p, zigzag(f->fee));
    p = put_varint(p, zigzag(f->proc));
    p = put_varint(p, v->line);
    b->len = (size_t)(p - b->data);
}

/* The decoder's cursor; fails once, remembering where the field that was
 * wrong begins. */
struct cursor {
    const unsigned char *data;
    size_t len, pos;
    size_t field; /* where the field being read begins */
    const char *bad; /* what was wrong, NULL while fine */
    size_t bad_at;
};

static void bad(struct cursor *c, const char *what)
{
    if (c->bad == NULL) {
        c->bad = what;
        c->bad_at = c->field;
    }
}

/* A varint has at most 10 bytes; the 10th holds bit 63 only. */
static uint64_t get_varint(struct cursor *c)
{
    c->field = c->pos;
    uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (c->pos >= c->len) {
            bad(c, "truncated number");
            return 0;
        }
        unsigned char byte = c->data[c->pos++];
        if (shift == 63 && byte > 1) {
            bad(c, "number too large");
            return 0;
        }
        v |= (uint64_t)(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return v;
    }
}

static int32_t get_int32(struct cursor *c)
{
    int64_t v = unzigzag(get_varint(c));
    if (v < INT32_MIN || v > INT32_MAX) {
        bad(c, "day out of range");
        return 0;
    }
    return (int32_t)v;
}

static const char *get_bytes(struct cursor *c, size_t *n)
{
    c->field = c->pos;
    if (c->pos >= c->len) {
        bad(c, "truncated code");
        *n = 0;
        return "";
    }
    *n = c->data[c->pos++];
    if (*n == 0 || *n > c->len - c->pos) {
        bad(c, *n == 0 ? "empty code" : "truncated code");
        *n = 0;
        return "";
    }
    const char *s = (const char *)c->data + c->pos;
    c->pos += *n;
    return s;
}

enum chiso_err vpack_next(const unsigned char *data, size_t len, size_t *pos,
                          struct vpack_version *v, char *detail,
                          size_t detail_size)
{
    struct cursor c = {data, len, *pos, *pos, NULL, 0};
    struct vpack_version out = {0};
    out.code = get_bytes(&c, &out.code_len);
    out.unit = get_bytes(&c, &out.unit_len);
    struct fact *f = &out.fact;
    uint64_t flags = get_varint(&c);
    if (flags > UINT32_MAX)
        bad(&c, "measure bits out of range");
    f->flags = (uint32_t)flags;
    f->recv_day = get_int32(&c);
    f->end_day = get_int32(&c);
    f->version = unzigzag(get_varint(&c));
    f->first_seen = unzigzag(get_varint(&c));
    f->fee = unzigzag(get_varint(&c));
    f->proc = unzigzag(get_varint(&c));
    out.line = get_varint(&c);
    if (c.bad != NULL)
        return err_set(detail, detail_size, CHISO_EINVAL,
                       "packed version at byte %zu: %s at byte %zu", *pos,
                       c.bad, c.bad_at);
    *v = out;
    *pos = c.pos;
    return CHISO_OK;
}

bool vpack_equal(const struct vpack_version *a, const struct vpack_version *b)
{
    const struct fact *f = &a->fact, *g = &b->fact;
    return a->code_len == b->code_len &&
           memcmp(a->code, b->code, a->code_len) == 0 &&
           a->unit_len == b->unit_len &&
           memcmp(a->unit, b->unit, a->unit_len) == 0 &&
           f->unit == g->unit && f->flags == g->flags &&
           f->recv_day == g->recv_day && f->end_day == g->end_day &&
           f->version == g->version && f->first_seen == g->first_seen &&
           f->fee == g->fee && f->proc == g->proc && a->line == b->line;
}

void vpack_free(struct vpack_buf *b)
{
    free(b->data);
    *b = (struct vpack_buf){0};
}
