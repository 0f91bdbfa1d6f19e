/*
 * auth.c — token creation, loading and checking.
 */
#include "server/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "core/token.h"
#include "core/unit.h"
#include "engine/chiso.h"
#include "store/store.h"

static const char *const role_names[] = {"viewer", "editor", "admin"};

int auth_role_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

const char *auth_role_name(enum auth_role r)
{
    return role_names[r];
}

enum chiso_err auth_create(struct store *st, const char *unit_code,
                           enum auth_role role, const char *note,
                           char out[AUTH_TOKEN_CHARS + 1], char *detail,
                           size_t detail_size)
{
    unsigned char id[AUTH_ID_CHARS / 2], secret[32];
    unsigned char hash[STORE_TOKEN_HASH_BYTES];
    randombytes_buf(id, sizeof id);
    randombytes_buf(secret, sizeof secret);
    crypto_generichash(hash, sizeof hash, secret, sizeof secret, NULL, 0);
    char id_hex[AUTH_ID_CHARS + 1];
    sodium_bin2hex(id_hex, sizeof id_hex, id, sizeof id);
    struct store_token t = {
        .id = id_hex,
        .unit_code = unit_code,
        .role = role_names[role],
        .hash = hash,
        .note = note,
        .created = time(NULL),
    };
    enum chiso_err rc = st->ops->begin(st);
    if (rc == CHISO_OK)
        rc = st->ops->put_token(st, &t);
    if (rc == CHISO_OK)
        rc = st->ops->commit(st);
    if (rc != CHISO_OK) {
        err_set(detail, detail_size, rc, "storing the token: %s",
                st->ops->last_error(st));
        st->ops->rollback(st);
    } else {
        token_format(id_hex, secret, out);
    }
    sodium_memzero(secret, sizeof secret);
    return rc;
}

struct entry {
    char id[AUTH_ID_CHARS + 1];
    unsigned char hash[STORE_TOKEN_HASH_BYTES];
    uint32_t unit;
    enum auth_role role;
};

struct auth {
    struct entry *e;
    size_t n, cap;
};

struct load_ctx {
    struct auth *a;
    const struct unit_registry *units;
};

static enum chiso_err keep(void *ctx, const struct store_token *t)
{
    struct load_ctx *lc = ctx;
    int role = auth_role_parse(t->role);
    uint32_t unit = unit_find(lc->units, t->unit_code, strlen(t->unit_code));
    if (t->revoked != 0 || role < 0 || unit == UNIT_NONE ||
        strlen(t->id) != AUTH_ID_CHARS)
        return CHISO_OK;
    struct auth *a = lc->a;
    a->e = xgrow(a->e, &a->cap, a->n + 1, sizeof *a->e);
    struct entry *e = &a->e[a->n++];
    memcpy(e->id, t->id, AUTH_ID_CHARS + 1);
    memcpy(e->hash, t->hash, sizeof e->hash);
    e->unit = unit;
    e->role = (enum auth_role)role;
    return CHISO_OK;
}

enum chiso_err auth_load(struct chiso *c, struct auth **out, char *detail,
                         size_t detail_size)
{
    struct auth *a = xcalloc(1, sizeof *a);
    struct load_ctx lc = {a, chiso_units(c)};
    struct store *st = chiso_store(c);
    enum chiso_err rc = st->ops->scan_tokens(st, keep, &lc);
    if (rc != CHISO_OK) {
        err_set(detail, detail_size, rc, "reading tokens: %s",
                st->ops->last_error(st));
        auth_free(a);
        return rc;
    }
    *out = a;
    return CHISO_OK;
}

void auth_free(struct auth *a)
{
    if (a == NULL)
        return;
    sodium_memzero(a->e, a->cap * sizeof *a->e);
    free(a->e);
    free(a);
}

static bool split(const char *header, char id[AUTH_ID_CHARS + 1],
                  unsigned char secret[32])
{
    return header != NULL && token_parse(header, strlen(header), id, secret);
}

static const struct entry *find(const struct auth *a, const char *id)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->e[i].id, id) == 0)
            return &a->e[i];
    return NULL;
}

bool auth_check(const struct auth *a, const char *header, struct auth_who *who)
{
    char id[AUTH_ID_CHARS + 1];
    unsigned char secret[32], hash[STORE_TOKEN_HASH_BYTES];
    if (!split(header, id, secret))
        return false;
    const struct entry *e = find(a, id);
    bool ok = false;
    if (e != NULL) {
        crypto_generichash(hash, sizeof hash, secret, sizeof secret, NULL, 0);
        ok = sodium_memcmp(hash, e->hash, sizeof hash) == 0;
    }
    sodium_memzero(secret, sizeof secret);
    if (ok) {
        memcpy(who->id, e->id, sizeof who->id);
        who->unit = e->unit;
        who->role = e->role;
    }
    return ok;
}

bool auth_knows(const struct auth *a, const char *header)
{
    char id[AUTH_ID_CHARS + 1];
    unsigned char secret[32];
    bool known = !split(header, id, secret) || find(a, id) != NULL;
    sodium_memzero(secret, sizeof secret);
    return known;
}
