/*
 * fuzz_token.c — token_parse() over an Authorization header value.
 *
 * A header that parses must be exactly "Bearer " (any case) +
 * token_format(id, secret) of what it parsed into: nothing else is
 * accepted, and nothing is lost or misread.
 */
#include <string.h>

#include "core/token.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[TOKEN_ID_CHARS + 1];
    unsigned char secret[TOKEN_SECRET_BYTES];
    if (!token_parse((const char *)data, size, id, secret))
        return 0;
    char text[TOKEN_CHARS + 1];
    token_format(id, secret, text);
    FUZZ_CHECK(size == 7 + TOKEN_CHARS);
    for (size_t i = 0; i < 6; i++)
        FUZZ_CHECK((data[i] | 0x20) == (uint8_t)"bearer"[i]);
    FUZZ_CHECK(data[6] == ' ');
    FUZZ_CHECK(memcmp(data + 7, text, TOKEN_CHARS) == 0);
    FUZZ_CHECK(strlen(id) == TOKEN_ID_CHARS);
    return 0;
}
