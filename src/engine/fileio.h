/*
 * fileio.h — reading files whole and line by line, within limits.
 */
#ifndef CHISO_FILEIO_H
#define CHISO_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/*
 * Reads a whole file of at most max bytes into a NUL-terminated buffer the
 * caller frees. CHISO_EIO (with the system's reason) or CHISO_ELIMIT.
 */
enum chiso_err file_read_all(const char *path, size_t max, char **text,
                             size_t *len, char *detail, size_t detail_size);

/*
 * Reads a stream as batches of whole lines, each batch in a buffer of its
 * own that stays valid until that batch is read into again: so one batch
 * can be parsed by other threads while the next is read. Lines are at most
 * max bytes: a longer one is returned flagged too_long, without its bytes
 * (they are skipped), so one bad line never costs more than max bytes.
 */
struct line_ref {
    size_t off, len; /* the line is buf[off, off + len), NUL-terminated */
    bool too_long;   /* then len is 0 */
};

struct line_batch {
    char *buf;
    size_t cap;
    struct line_ref *lines;
    size_t n, lines_cap;
    unsigned long long end_bytes; /* input consumed up to its last line */
};

struct line_reader {
    FILE *in;
    size_t max, want;
    char *carry; /* the unfinished line after the last batch */
    size_t ncarry, carry_cap;
    bool eof, skipping;
    unsigned long long read; /* bytes read from the stream */
};

/* Batches of about want bytes (one read each), lines of at most max. */
void line_reader_init(struct line_reader *r, FILE *in, size_t max,
                      size_t want);
void line_reader_free(struct line_reader *r);

/* Reads the next batch into b: returns 1 (b->n >= 1 lines), 0 at the end of
 * the input, or -1 on a read error (errno set). */
int line_reader_batch(struct line_reader *r, struct line_batch *b);

static inline const char *line_at(const struct line_batch *b, size_t i)
{
    return b->buf + b->lines[i].off;
}

void line_batch_free(struct line_batch *b);

#endif
