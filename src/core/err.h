/*
 * err.h — the one error table of chiso.
 *
 * CHISO_ERR_MAP(XX) defines every error once (CHISO_OK, 0, stands apart): its enum constant, its short
 * name (used as the JSON "code"), a message for people, and the HTTP status an
 * API answers with. Functions return an enum chiso_err and pass results
 * through out-parameters that are set only on success; the detail for people
 * ("line 17: field NgayHenTra: not a date") goes into a caller's buffer.
 */
#ifndef CHISO_ERR_H
#define CHISO_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define CHISO_ERR_MAP(XX)                                                      \
    XX(NOMEM, "no_memory", "out of memory", 503)                               \
    XX(INVAL, "invalid", "invalid argument", 400)                              \
    XX(PARSE, "parse", "cannot parse input", 400)                              \
    XX(RECORD, "record_refused", "record refused", 422)                        \
    XX(NOTFOUND, "not_found", "not found", 404)                                \
    XX(LIMIT, "too_large", "input exceeds a limit", 413)                       \
    XX(IO, "io", "input/output error", 500)                                    \
    XX(STORE, "store", "storage error", 500)                                   \
    XX(CONFLICT, "conflict", "conflicts with stored state", 409)               \
    XX(USAGE, "usage", "bad command line", 400)

enum chiso_err {
    CHISO_OK = 0,
#define XX(name, code, msg, http) CHISO_E##name,
    CHISO_ERR_MAP(XX)
#undef XX
        CHISO_E__COUNT
};

/* The short machine name of err ("not_found"); never NULL. */
const char *err_name(enum chiso_err err);

/* A message for people ("not found"); never NULL. */
const char *err_message(enum chiso_err err);

/* The HTTP status an API answers err with. */
int err_http_status(enum chiso_err err);

/*
 * Formats a detail message into buf (size bytes, always NUL-terminated when
 * size > 0) and returns err, so callers can write
 * `return err_set(detail, n, CHISO_EINVAL, "unknown unit %s", code);`.
 * buf may be NULL, in which case only err is returned.
 */
enum chiso_err err_set(char *buf, size_t size, enum chiso_err err,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
