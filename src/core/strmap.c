/*
 * strmap.c — FNV-1a hashed open addressing; grows by doubling at half load.
 */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static uint64_t hash(const char *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 0x100000001b3u;
    return h;
}

void strmap_init(struct strmap *m)
{
    m->slots = NULL;
    m->cap = m->count = 0;
}

void strmap_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static struct strmap_slot *probe(const struct strmap *m, const char *key,
                                 size_t len)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash(key, len) & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (s->key == NULL ||
            (s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

static void grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key != NULL)
            *probe(m, old.slots[i].key, old.slots[i].len) = old.slots[i];
    free(old.slots);
}

int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    struct strmap_slot *s = probe(m, key, len);
    if (s->key != NULL) {
        s->value = value;
        return 0;
    }
    s->key = xstrndup(key, len);
    s->len = len;
    s->value = value;
    m->count++;
    return 1;
}

int strmap_get(const struct strmap *m, const char *key, size_t len,
               uint32_t *value)
{
    if (m->cap == 0)
        return 0;
    const struct strmap_slot *s = probe(m, key, len);
    if (s->key == NULL)
        return 0;
    *value = s->value;
    return 1;
}
