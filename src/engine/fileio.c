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

void line_reader_init(struct line_reader *r, FILE *in, size_t max,
                      size_t want)
{
    *r = (struct line_reader){.in = in, .max = max, .want = want ? want : 1};
}

void line_reader_free(struct line_reader *r)
{
    free(r->carry);
    r->carry = NULL;
}

void line_batch_free(struct line_batch *b)
{
    free(b->buf);
    free(b->lines);
    *b = (struct line_batch){0};
}

static void add_line(struct line_batch *b, size_t off, size_t len,
                     bool too_long)
{
    b->lines = xgrow(b->lines, &b->lines_cap, b->n + 1, sizeof *b->lines);
    if (too_long)
        len = 0; /* its bytes are not kept */
    b->lines[b->n++] = (struct line_ref){off, len, too_long};
    b->buf[off + len] = '\0';
}

int line_reader_batch(struct line_reader *r, struct line_batch *b)
{
    b->n = 0;
    b->buf = xgrow(b->buf, &b->cap, r->ncarry + r->want + 1, 1);
    if (r->ncarry > 0)
        memcpy(b->buf, r->carry, r->ncarry);
    size_t len = r->ncarry, start = 0, pos = 0;
    r->ncarry = 0;
    for (;;) {
        char *nl;
        while (pos < len &&
               (nl = memchr(b->buf + pos, '\n', len - pos)) != NULL) {
            size_t end = (size_t)(nl - b->buf);
            bool too_long = r->skipping || end - start > r->max;
            add_line(b, start, end - start, too_long);
            r->skipping = false;
            start = pos = end + 1;
        }
        pos = len;
        /* buf[start, len) is an unfinished line: past the limit, drop it
         * and skip to its end. */
        if (r->skipping || len - start > r->max) {
            r->skipping = true;
            len = pos = start;
        }
        if (r->eof) {
            if (r->skipping || len > start)
                add_line(b, start, len - start, r->skipping);
            r->skipping = false;
            b->end_bytes = r->read;
            return b->n > 0;
        }
        if (b->n > 0) {
            r->ncarry = len - start;
            if (r->ncarry > 0) {
                r->carry = xgrow(r->carry, &r->carry_cap, r->ncarry, 1);
                memcpy(r->carry, b->buf + start, r->ncarry);
            }
            b->end_bytes = r->read - r->ncarry;
            return 1;
        }
        b->buf = xgrow(b->buf, &b->cap, len + r->want + 1, 1);
        size_t got = fread(b->buf + len, 1, r->want, r->in);
        if (got < r->want) {
            if (ferror(r->in))
                return -1;
            r->eof = feof(r->in) != 0;
        }
        len += got;
        r->read += got;
    }
}
