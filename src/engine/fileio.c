/*
 * fileio.c — bounded whole-file and line reading.
 */
#include "engine/fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum chiso_err file_read_all(const char *path, size_t max, char **text,
                             size_t *len, char *detail, size_t detail_size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(detail, detail_size, CHISO_EIO, "%s: %s", path,
                       strerror(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    enum chiso_err rc = CHISO_OK;
    for (;;) {
        buf = xgrow(buf, &cap, n + 65536 + 1, 1);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            rc = err_set(detail, detail_size, CHISO_ELIMIT,
                         "%s: larger than %zu bytes", path, max);
            break;
        }
        if (got == 0) {
            if (ferror(f))
                rc = err_set(detail, detail_size, CHISO_EIO, "%s: %s", path,
                             strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc != CHISO_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CHISO_OK;
}

void line_reader_init(struct line_reader *r, FILE *in, size_t max)
{
    *r = (struct line_reader){.in = in, .max = max};
}

void line_reader_free(struct line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

int line_reader_next(struct line_reader *r, const char **line, size_t *len,
                     bool *too_long)
{
    size_t n = 0;
    int c;
    *too_long = false;
    r->buf = xgrow(r->buf, &r->cap, 4096, 1);
    for (;;) {
        c = getc_unlocked(r->in);
        if (c == EOF || c == '\n')
            break;
        r->bytes++;
        if (n == r->max) {
            *too_long = true;
            continue;
        }
        if (n + 1 >= r->cap)
            r->buf = xgrow(r->buf, &r->cap, n + 2, 1);
        r->buf[n++] = (char)c;
    }
    if (c == EOF) {
        if (ferror(r->in))
            return -1;
        if (n == 0 && !*too_long)
            return 0;
    } else {
        r->bytes++;
    }
    r->buf[n] = '\0';
    *line = r->buf;
    *len = n;
    return 1;
}
