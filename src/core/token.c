/*
 * token.c — parsing and formatting token text.
 */
#include "core/token.h"

#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool token_parse(const char *header, size_t len, char id[TOKEN_ID_CHARS + 1],
                 unsigned char secret[TOKEN_SECRET_BYTES])
{
    /* The scheme is case-insensitive (RFC 9110 §11.1). */
    static const char scheme[] = "bearer ", prefix[] = "chiso_";
    const size_t pre = sizeof scheme - 1 + sizeof prefix - 1;
    if (len != pre + TOKEN_ID_CHARS + 1 + 2 * TOKEN_SECRET_BYTES)
        return false;
    for (size_t i = 0; i + 1 < sizeof scheme - 1; i++) /* the letters */
        if ((header[i] | 0x20) != scheme[i])
            return false;
    if (header[sizeof scheme - 2] != ' ')
        return false;
    if (memcmp(header + sizeof scheme - 1, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *p = header + pre;
    for (size_t i = 0; i < TOKEN_ID_CHARS; i++) {
        if (hex_value(p[i]) < 0)
            return false;
        id[i] = p[i];
    }
    id[TOKEN_ID_CHARS] = '\0';
    p += TOKEN_ID_CHARS;
    if (*p++ != '_')
        return false;
    for (size_t i = 0; i < TOKEN_SECRET_BYTES; i++) {
        int hi = hex_value(p[2 * i]), lo = hex_value(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        secret[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

void token_format(const char id[TOKEN_ID_CHARS + 1],
                  const unsigned char secret[TOKEN_SECRET_BYTES],
                  char out[TOKEN_CHARS + 1])
{
    static const char digits[] = "0123456789abcdef";
    memcpy(out, "chiso_", 6);
    memcpy(out + 6, id, TOKEN_ID_CHARS);
    char *p = out + 6 + TOKEN_ID_CHARS;
    *p++ = '_';
    for (size_t i = 0; i < TOKEN_SECRET_BYTES; i++) {
        *p++ = digits[secret[i] >> 4];
        *p++ = digits[secret[i] & 15];
    }
    *p = '\0';
}
