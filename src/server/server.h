/*
 * server.h — `chiso serve`: the HTTP JSON API on libmicrohttpd.
 *
 * One engine behind a reader-writer lock: queries read concurrently, a
 * batch of records is applied and durably committed under the write lock,
 * and only then answered. A bounded pool of libmicrohttpd threads serves the
 * connections; a Server-Sent Events stream announces the values a commit
 * changed. See docs/api.md and data/openapi.json.
 */
#ifndef CHISO_SERVER_H
#define CHISO_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct server_options {
    const char *db_path;
    const char *host; /* IPv4 address to listen on */
    unsigned port;    /* 0: any free port (printed on start) */
    unsigned threads; /* pool size; 0: one per core */
    bool public_read; /* reads without a token */
    size_t max_body;  /* bytes of one request body */
    size_t max_lines; /* lines of one batch */
    FILE *log;        /* a line per request; NULL: none */
};

/* Runs until SIGINT or SIGTERM: in-flight requests finish, the database
 * closes cleanly. Prints "listening on HOST:PORT" to standard output when
 * ready. Returns a process exit status. */
int server_run(const struct server_options *opt);

#endif
