/*
 * test_fileio.c — the bounded batch line reader: line ends, a last line
 * without a newline, blank lines, lines longer than the limit (flagged,
 * their bytes skipped, the next line intact), and lines cut across batch
 * reads of every size from 1 byte up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "engine/fileio.h"

/* Reads every line of text with a limit of max bytes, in batches of about
 * want bytes, into out: lines joined by '|', a too-long line shown as '!'.
 * Returns the number of batches, and checks each batch's end_bytes. */
static int read_all(const char *text, size_t len, size_t max, size_t want,
                    char *out, size_t size)
{
    FILE *f = fmemopen((void *)text, len, "r");
    struct line_reader r;
    line_reader_init(&r, f, max, want);
    struct line_batch b = {0};
    size_t k = 0;
    int batches = 0;
    unsigned long long last_end = 0;
    out[0] = '\0';
    while (line_reader_batch(&r, &b) > 0) {
        batches++;
        CHECK(b.n > 0);
        CHECK(b.end_bytes > last_end || (b.end_bytes == len && len == last_end));
        CHECK(b.end_bytes <= len);
        last_end = b.end_bytes;
        for (size_t i = 0; i < b.n; i++) {
            const char *line = line_at(&b, i);
            CHECK(line[b.lines[i].len] == '\0');
            if (b.lines[i].too_long)
                k += (size_t)snprintf(out + k, size - k, "!|");
            else
                k += (size_t)snprintf(out + k, size - k, "%.*s|",
                                      (int)b.lines[i].len, line);
        }
    }
    CHECK_EQ_UINT(last_end, len);
    line_batch_free(&b);
    line_reader_free(&r);
    fclose(f);
    return batches;
}

TEST(fileio_lines)
{
    char out[256];
    for (size_t want = 1; want <= 12; want++) {
        read_all("a\nbb\n\nccc", 9, 100, want, out, sizeof out);
        CHECK_EQ_STR(out, "a|bb||ccc|");
        read_all("a\r\nb\n", 5, 100, want, out, sizeof out);
        CHECK_EQ_STR(out, "a\r|b|");
        read_all("", 0, 100, want, out, sizeof out);
        CHECK_EQ_STR(out, "");
        read_all("\n", 1, 100, want, out, sizeof out);
        CHECK_EQ_STR(out, "|");
    }
    /* one read of 4096 bytes takes the whole text as one batch */
    CHECK_EQ_INT(read_all("a\nbb\n\nccc", 9, 100, 4096, out, sizeof out), 1);
    /* reads of 3 bytes: "a\nb" "b\n\n" "ccc": three batches */
    CHECK_EQ_INT(read_all("a\nbb\n\nccc", 9, 100, 3, out, sizeof out), 3);
}

TEST(fileio_too_long_lines)
{
    char out[256];
    for (size_t want = 1; want <= 9; want++) {
        /* limit 3: "abcd" is flagged; "xy" and "abc" are whole */
        read_all("abcd\nxy\nabc\n", 12, 3, want, out, sizeof out);
        CHECK_EQ_STR(out, "!|xy|abc|");
        /* too long as the last line, with and without a newline */
        read_all("xy\nabcdef", 9, 3, want, out, sizeof out);
        CHECK_EQ_STR(out, "xy|!|");
        read_all("xy\nabcdef\n", 10, 3, want, out, sizeof out);
        CHECK_EQ_STR(out, "xy|!|");
    }
    /* a 600,000-byte line (many reads of 64 KiB) with a limit of 1,000:
     * flagged, skipped, and the following lines intact */
    size_t big = 600000;
    char *text = malloc(big + 8);
    memset(text, 'x', big);
    memcpy(text + big, "\nok\nz", 5);
    read_all(text, big + 5, 1000, 65536, out, sizeof out);
    CHECK_EQ_STR(out, "!|ok|z|");
    /* the same line as the last one, without a newline */
    read_all(text, big, 1000, 65536, out, sizeof out);
    CHECK_EQ_STR(out, "!|");
    free(text);
}
