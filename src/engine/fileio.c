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

/* Read-ahead block; a line longer than this grows the buffer up to max. */
#define BLOCK (256u << 10)

void line_reader_init(struct line_reader *r, FILE *in, size_t max)
{
    *r = (struct line_reader){.in = in, .max = max};
}

void line_reader_free(struct line_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/* Reads more input after the unread bytes (moved to the front); returns the
 * number of bytes added, 0 at end of input, -1 on error. */
static long fill(struct line_reader *r)
{
    if (r->eof)
        return 0;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < BLOCK)
        r->buf = xgrow(r->buf, &r->cap, r->end + BLOCK + 1, 1);
    size_t got = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->in);
    if (got == 0) {
        if (ferror(r->in))
            return -1;
        r->eof = true;
    }
    r->end += got;
    return (long)got;
}

int line_reader_next(struct line_reader *r, const char **line, size_t *len,
                     bool *too_long)
{
    *too_long = false;
    size_t scanned = 0; /* bytes after start already known to hold no LF */
    for (;;) {
        char *from = r->buf ? r->buf + r->start + scanned : NULL;
        char *nl = from ? memchr(from, '\n', r->end - r->start - scanned) : NULL;
        if (nl != NULL) {
            size_t n = (size_t)(nl - (r->buf + r->start));
            *line = r->buf + r->start;
            r->start += n + 1;
            r->bytes += n + 1;
            *len = n > r->max ? r->max : n;
            *too_long = n > r->max;
            r->buf[r->start - 1] = '\0';
            return 1;
        }
        scanned = r->end - r->start;
        if (scanned > r->max) {
            /* Too long: drop what we have and skip to the next LF. */
            r->bytes += scanned;
            r->start = r->end;
            scanned = 0;
            for (;;) {
                long got = fill(r);
                if (got < 0)
                    return -1;
                if (got == 0) {
                    *too_long = true;
                    *line = "";
                    *len = 0;
                    return 1;
                }
                char *lf = memchr(r->buf, '\n', r->end);
                if (lf != NULL) {
                    size_t n = (size_t)(lf - r->buf) + 1;
                    r->bytes += n;
                    r->start = n;
                    *too_long = true;
                    *line = "";
                    *len = 0;
                    return 1;
                }
                r->bytes += r->end;
                r->start = r->end;
            }
        }
        long got = fill(r);
        if (got < 0)
            return -1;
        if (got == 0) {
            if (r->end == r->start)
                return 0;
            /* The last line has no LF. */
            size_t n = r->end - r->start;
            *line = r->buf + r->start;
            r->buf[r->end] = '\0';
            r->start = r->end;
            r->bytes += n;
            *len = n > r->max ? r->max : n;
            *too_long = n > r->max;
            return 1;
        }
    }
}
