/*
 * token.h — the text of an API token, as an Authorization header sends it.
 *
 * "Bearer chiso_<id>_<secret>": id is 16 lowercase hex digits (it names the
 * token in logs and the audit trail), secret 64 lowercase hex digits (32
 * random bytes). Pure parsing of outside input; fuzzed (fuzz_token).
 */
#ifndef CHISO_TOKEN_H
#define CHISO_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_ID_CHARS 16
#define TOKEN_SECRET_BYTES 32
#define TOKEN_CHARS (6 + TOKEN_ID_CHARS + 1 + 2 * TOKEN_SECRET_BYTES)

/* Parses a header value of len bytes. True with id (NUL-terminated) and
 * secret set; false for anything else, leaving them unspecified. */
bool token_parse(const char *header, size_t len, char id[TOKEN_ID_CHARS + 1],
                 unsigned char secret[TOKEN_SECRET_BYTES]);

/* Writes the token text (TOKEN_CHARS + 1 bytes, without "Bearer "). */
void token_format(const char id[TOKEN_ID_CHARS + 1],
                  const unsigned char secret[TOKEN_SECRET_BYTES],
                  char out[TOKEN_CHARS + 1]);

#endif
