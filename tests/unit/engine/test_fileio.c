/*
 * test_fileio.c — the bounded line reader: line ends, a last line without a
 * newline, blank lines, and lines longer than the limit (cut and flagged,
 * the rest of the line skipped, the next line intact).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "engine/fileio.h"

/* Reads every line of text with a limit of max bytes into out (joined by
 * '|', a too-long line shown as '!' + its kept length). */
static void read_all(const char *text, size_t len, size_t max, char *out,
                     size_t size)
{
    FILE *f = fmemopen((void *)text, len, "r");
    struct line_reader r;
    line_reader_init(&r, f, max);
    const char *line;
    size_t n;
    bool too_long;
    size_t k = 0;
    out[0] = '\0';
    while (line_reader_next(&r, &line, &n, &too_long) > 0) {
        if (too_long)
            k += (size_t)snprintf(out + k, size - k, "!%zu|", n);
        else
            k += (size_t)snprintf(out + k, size - k, "%.*s|", (int)n, line);
    }
    line_reader_free(&r);
    fclose(f);
}

TEST(fileio_lines)
{
    char out[256];
    read_all("a\nbb\n\nccc", 9, 100, out, sizeof out);
    CHECK_EQ_STR(out, "a|bb||ccc|");
    read_all("a\r\nb\n", 5, 100, out, sizeof out);
    CHECK_EQ_STR(out, "a\r|b|");
    read_all("", 0, 100, out, sizeof out);
    CHECK_EQ_STR(out, "");
    read_all("\n", 1, 100, out, sizeof out);
    CHECK_EQ_STR(out, "|");
}

TEST(fileio_too_long_lines)
{
    char out[256];
    /* limit 3: "abcd" is cut to 3 bytes and flagged; "xy" is whole */
    read_all("abcd\nxy\n", 8, 3, out, sizeof out);
    CHECK_EQ_STR(out, "!3|xy|");
    /* a 600,000-byte line (beyond one 256 KiB read-ahead block) with a
     * limit of 1,000: flagged, skipped, and the following line intact */
    size_t big = 600000;
    char *text = malloc(big + 8);
    memset(text, 'x', big);
    memcpy(text + big, "\nok\nz", 5);
    read_all(text, big + 5, 1000, out, sizeof out);
    CHECK(strncmp(out, "!", 1) == 0);
    CHECK(strstr(out, "|ok|z|") != NULL);
    /* the same line as the last one, without a newline */
    read_all(text, big, 1000, out, sizeof out);
    CHECK(out[0] == '!');
    CHECK(strchr(out, '|') == out + strlen(out) - 1);
    free(text);
}
