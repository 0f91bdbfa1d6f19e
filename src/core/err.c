/*
 * err.c — names, messages and HTTP statuses of the error table in err.h.
 */
#include "core/err.h"

#include <stdio.h>

static const struct {
    const char *name;
    const char *message;
    int http;
} err_table[] = {
    [CHISO_OK] = {"ok", "success", 200},
#define XX(name, code, msg, http) [CHISO_E##name] = {code, msg, http},
    CHISO_ERR_MAP(XX)
#undef XX
};

static int in_range(enum chiso_err err)
{
    return (int)err >= 0 && err < CHISO_E__COUNT;
}

const char *err_name(enum chiso_err err)
{
    return in_range(err) ? err_table[err].name : "unknown";
}

const char *err_message(enum chiso_err err)
{
    return in_range(err) ? err_table[err].message : "unknown error";
}

int err_http_status(enum chiso_err err)
{
    return in_range(err) ? err_table[err].http : 500;
}

enum chiso_err err_set(char *buf, size_t size, enum chiso_err err,
                       const char *fmt, ...)
{
    if (buf != NULL && size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
    }
    return err;
}
