/*
 * auth.h — API tokens: roles, units, hashes.
 *
 * A token is "chiso_<id>_<secret>": id is 16 hex digits (public, names the
 * token in logs and the audit), secret 64 hex digits (32 random bytes from
 * libsodium). The store keeps only BLAKE2b(secret) (crypto_generichash):
 * the secret has 256 bits of entropy, so a fast hash is enough, and a
 * stolen database gives no usable token. Comparison is constant-time.
 */
#ifndef CHISO_AUTH_H
#define CHISO_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct chiso;
struct store;

enum auth_role { AUTH_VIEWER, AUTH_EDITOR, AUTH_ADMIN };

#include "core/token.h"

#define AUTH_ID_CHARS TOKEN_ID_CHARS
#define AUTH_TOKEN_CHARS TOKEN_CHARS

/* Parses "admin", "editor" or "viewer"; -1 otherwise. */
int auth_role_parse(const char *s);
const char *auth_role_name(enum auth_role r);

/* Creates a token for a unit and role and stores its hash; writes the
 * token text (AUTH_TOKEN_CHARS + 1 bytes) to out: shown once, never
 * stored. */
enum chiso_err auth_create(struct store *st, const char *unit_code,
                           enum auth_role role, const char *note,
                           char out[AUTH_TOKEN_CHARS + 1], char *detail,
                           size_t detail_size);

/* The tokens in force, in memory, for a server. */
struct auth;

struct auth_who {
    char id[AUTH_ID_CHARS + 1];
    uint32_t unit; /* unit index */
    enum auth_role role;
};

/* Loads the tokens of st for the units of c. */
enum chiso_err auth_load(struct chiso *c, struct auth **out, char *detail,
                         size_t detail_size);
void auth_free(struct auth *a);

/* Checks an Authorization header value ("Bearer chiso_..."). Returns true
 * and fills *who for a token in force. */
bool auth_check(const struct auth *a, const char *header, struct auth_who *who);

/* Whether a (possibly new) token id is unknown: the caller reloads then. */
bool auth_knows(const struct auth *a, const char *header);

#endif
