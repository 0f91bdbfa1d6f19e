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
 * Reads lines of at most max bytes from a stream. A longer line is returned
 * cut to its first max bytes with *too_long set, and the rest of it skipped,
 * so one bad line never costs more than max bytes of memory.
 */
struct line_reader {
    FILE *in;
    size_t max;
    char *buf;          /* read-ahead block, then the line returned */
    size_t cap;
    size_t start, end;  /* unread bytes are buf[start, end) */
    bool eof;
    unsigned long long bytes; /* bytes consumed so far */
};

void line_reader_init(struct line_reader *r, FILE *in, size_t max);
void line_reader_free(struct line_reader *r);

/* Returns 1 with *line and *len (without the newline), 0 at end of input, or -1
 * on a read error (errno set). */
int line_reader_next(struct line_reader *r, const char **line, size_t *len,
                     bool *too_long);

#endif
