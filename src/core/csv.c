/*
 * csv.c — RFC 4180 reader. A field is unquoted bytes up to a comma or line
 * end, or a quoted run where "" stands for one quote. A UTF-8 byte-order mark
 * at the start is skipped.
 */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

void csv_init(struct csv_reader *r, const char *buf, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = buf;
    r->end = buf + len;
    r->next_line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
}

void csv_free(struct csv_reader *r)
{
    free(r->store);
    r->store = NULL;
    r->store_cap = 0;
}

enum chiso_err csv_next(struct csv_reader *r, bool *got, char *detail,
                        size_t detail_size)
{
    *got = false;
    if (r->p >= r->end)
        return CHISO_OK;
    r->line = r->next_line;
    r->nfields = 0;
    size_t used = 0;
    size_t starts[CHISO_MAX_CSV_FIELDS];
    for (;;) {
        if (r->nfields == CHISO_MAX_CSV_FIELDS)
            return err_set(detail, detail_size, CHISO_ELIMIT,
                           "line %zu: more than %u fields", r->line,
                           CHISO_MAX_CSV_FIELDS);
        size_t need = used + CHISO_MAX_CSV_FIELD_BYTES + 1;
        r->store = xgrow(r->store, &r->store_cap, need, 1);
        starts[r->nfields] = used;
        size_t flen = 0;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return err_set(detail, detail_size, CHISO_EPARSE,
                                   "line %zu: unterminated quoted field",
                                   r->line);
                char c = *r->p++;
                if (c == '\n')
                    r->next_line++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"')
                        r->p++;
                    else
                        break;
                }
                if (flen == CHISO_MAX_CSV_FIELD_BYTES)
                    return err_set(detail, detail_size, CHISO_ELIMIT,
                                   "line %zu: field longer than %u bytes",
                                   r->line, CHISO_MAX_CSV_FIELD_BYTES);
                r->store[used + flen++] = c;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return err_set(detail, detail_size, CHISO_EPARSE,
                               "line %zu: text after a closing quote",
                               r->line);
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
                   *r->p != '\r') {
                if (*r->p == '"')
                    return err_set(detail, detail_size, CHISO_EPARSE,
                                   "line %zu: quote inside an unquoted field",
                                   r->line);
                if (flen == CHISO_MAX_CSV_FIELD_BYTES)
                    return err_set(detail, detail_size, CHISO_ELIMIT,
                                   "line %zu: field longer than %u bytes",
                                   r->line, CHISO_MAX_CSV_FIELD_BYTES);
                r->store[used + flen++] = *r->p++;
            }
        }
        r->store[used + flen] = '\0';
        r->lens[r->nfields++] = flen;
        used += flen + 1;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->next_line++;
        } else if (r->p < r->end)
            return err_set(detail, detail_size, CHISO_EPARSE,
                           "line %zu: bare carriage return", r->line);
        break;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i] = r->store + starts[i];
    *got = true;
    return CHISO_OK;
}

int csv_column(const struct csv_reader *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i], name) == 0)
            return (int)i;
    return -1;
}
