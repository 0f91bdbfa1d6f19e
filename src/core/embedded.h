/*
 * embedded.h — files from data/ compiled into the binary.
 *
 * The build turns the CSV lists and data/indicators.conf into byte arrays
 * (tools/embed.c writes build/gen/embedded.c) so that a single binary runs
 * with the official reference lists and the default catalogue, and no install
 * path needs to be found at run time.
 */
#ifndef CHISO_EMBEDDED_H
#define CHISO_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* base name, e.g. "provinces-2025.csv" */
    const char *data; /* NUL-terminated; len excludes the NUL */
    size_t len;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_file_count;

/* The embedded file of that base name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
