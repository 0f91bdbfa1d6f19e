/*
 * strmap.h — a map from byte strings to uint32_t values.
 *
 * Open addressing with linear probing, kept at most half full. Keys are
 * copied. Meant for registries built once from trusted lists (units,
 * indicators) and then read by many threads; not for input-fed key sets.
 */
#ifndef CHISO_STRMAP_H
#define CHISO_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap {
    struct strmap_slot {
        char *key; /* NULL: empty */
        size_t len;
        uint32_t value;
    } *slots;
    size_t cap, count;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);

/* Sets key → value; returns 1 if the key was new, 0 if it was replaced. */
int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value);

/* The value of key in *value; returns 1 if found, 0 if not. */
int strmap_get(const struct strmap *m, const char *key, size_t len,
               uint32_t *value);

#endif
