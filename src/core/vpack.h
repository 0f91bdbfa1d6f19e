/*
 * vpack.h — the stored form of accepted dossier versions.
 *
 * A store keeps the versions of one transaction as one packed buffer: per
 * version its MaHoSo, its unit's code, its fact and its line, as varints
 * (LEB128; signed fields zigzagged) and length-prefixed bytes. Packing is
 * about 25 bytes a version before compression, where a row per version in
 * SQLite cost a B-tree insert each. Pure: no I/O, no allocation beyond the
 * caller's growable buffer. The decoder trusts nothing: stored bytes may be
 * damaged, and it says where.
 */
#ifndef CHISO_VPACK_H
#define CHISO_VPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/fact.h"

/* One version as packed. code and unit are not NUL-terminated on output of
 * vpack_next; unit_len excludes nothing (the bytes are the code). */
struct vpack_version {
    const char *code;
    size_t code_len;
    const char *unit;
    size_t unit_len;
    struct fact fact; /* fact.unit is not packed (the unit code is) */
    uint64_t line;
};

struct vpack_buf {
    unsigned char *data;
    size_t len, cap;
};

/* Appends v (code_len and unit_len at most CHISO_MAX_CODE_BYTES). */
void vpack_put(struct vpack_buf *b, const struct vpack_version *v);

/* Decodes the version at *pos in data[0..len) and advances *pos. Returns
 * CHISO_OK, or CHISO_EINVAL with detail naming the byte offset when the
 * bytes are not a packed version. */
enum chiso_err vpack_next(const unsigned char *data, size_t len, size_t *pos,
                          struct vpack_version *v, char *detail,
                          size_t detail_size);

/* Whether two versions hold the same code, unit, fact and line. */
bool vpack_equal(const struct vpack_version *a, const struct vpack_version *b);

void vpack_free(struct vpack_buf *b);

#endif
