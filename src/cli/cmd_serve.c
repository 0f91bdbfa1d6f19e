/*
 * cmd_serve.c — `chiso serve` and `chiso token`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/limits.h"
#include "core/mem.h"
#include "core/unit.h"
#include "engine/chiso.h"
#include "server/auth.h"
#include "server/server.h"
#include "store/store.h"

/* Parses "HOST:PORT" (or ":PORT", or "PORT"). */
static bool parse_listen(const char *text, char host[64], unsigned *port)
{
    const char *colon = strrchr(text, ':');
    const char *p = colon ? colon + 1 : text;
    size_t hl = colon ? (size_t)(colon - text) : 0;
    if (hl >= 64)
        return false;
    memcpy(host, colon && hl > 0 ? text : "127.0.0.1", hl > 0 ? hl : 10);
    host[hl > 0 ? hl : 9] = '\0';
    char *end;
    long v = strtol(p, &end, 10);
    if (*p == '\0' || *end != '\0' || v < 0 || v > 65535)
        return false;
    *port = (unsigned)v;
    return true;
}

static bool parse_size(const char *text, size_t lo, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < lo)
        return false;
    *out = (size_t)v;
    return true;
}

int cmd_serve(int argc, char **argv)
{
    static struct opt opts[] = {
        {"db", "PATH", "database file (SQLite)", "chiso.db", false},
        {"listen", "HOST:PORT", "address to listen on (port 0: any free one)",
         "127.0.0.1:8080", false},
        {"threads", "N", "connection threads (default: one per core)", NULL,
         false},
        {"public-read", NULL, "let reads go without a token", NULL, false},
        {"max-body", "BYTES", "largest request body", "67108864", false},
        {"max-lines", "N", "most lines in one batch", "100000", false},
        {"quiet", NULL, "no line per request on standard error", NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "serve", NULL,
        "Serve the HTTP JSON API: record batches in, values, rankings, "
        "measures and a live stream out.",
        "Stops cleanly on SIGINT or SIGTERM: requests in flight finish and "
        "the database is closed. Tokens come from `chiso token create`. The "
        "API is described at /api/v1/openapi.json and in docs/api.md.",
        opts};
    int prc = cli_parse(&spec, argc, argv, NULL);
    if (prc >= 0)
        return prc;
    char host[64];
    struct server_options o = {
        .db_path = opts_get(&spec, "db")->value,
        .host = host,
        .public_read = opts_get(&spec, "public-read")->given,
        .log = opts_get(&spec, "quiet")->given ? NULL : stderr,
    };
    const char *threads = opts_get(&spec, "threads")->value;
    size_t nthreads = 0;
    if (!parse_listen(opts_get(&spec, "listen")->value, host, &o.port)) {
        fprintf(stderr, "chiso serve: --listen '%s': expected HOST:PORT\n",
                opts_get(&spec, "listen")->value);
        return EXIT_USAGE;
    }
    if ((threads && (!parse_size(threads, 1, &nthreads) || nthreads > 256)) ||
        !parse_size(opts_get(&spec, "max-body")->value, 1024, &o.max_body) ||
        !parse_size(opts_get(&spec, "max-lines")->value, 1, &o.max_lines)) {
        fprintf(stderr, "chiso serve: --threads (1 to 256), --max-body (at "
                        "least 1024) and --max-lines (at least 1) take "
                        "whole numbers\n");
        return EXIT_USAGE;
    }
    o.threads = (unsigned)nthreads;
    return server_run(&o);
}

static enum chiso_err print_token(void *ctx, const struct store_token *t)
{
    struct out_table *tab = ctx;
    out_text(tab, t->id);
    out_text(tab, t->unit_code);
    out_text(tab, t->role);
    out_text(tab, t->note);
    out_int(tab, t->created);
    if (t->revoked)
        out_int(tab, t->revoked);
    else
        out_null(tab);
    return CHISO_OK;
}

int cmd_token(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"unit", "CODE", "create: the unit the token acts for", NULL, false},
        {"role", "ROLE", "create: admin, editor or viewer", NULL, false},
        {"note", "TEXT", "create: who or what holds it", "", false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "token", "create|list|revoke [ID]",
        "Create, list and revoke API tokens.",
        "create prints the token once: only a hash of it is stored. An "
        "editor writes records only for its unit and the units below it; a "
        "viewer reads; an admin also reads the audit trail. Examples:\n"
        "  chiso token create --unit 01 --role editor --note 'Ha Noi one-stop'\n"
        "  chiso token list\n"
        "  chiso token revoke 3f2a9c0e1b7d4a55",
        opts};
    const char *pos[2];
    size_t npos = 0;
    int prc = opts_parse(&spec, argc, argv, pos, 2, &npos);
    if (prc != 0)
        return prc == 1 ? EXIT_OK : EXIT_USAGE;
    int fmt = cli_format(&spec);
    if (fmt < 0)
        return EXIT_USAGE;
    const char *verb = npos > 0 ? pos[0] : "";
    bool create = strcmp(verb, "create") == 0, list = strcmp(verb, "list") == 0,
         revoke = strcmp(verb, "revoke") == 0;
    if ((!create && !list && !revoke) || (revoke != (npos == 2))) {
        fprintf(stderr, "chiso token: expected create, list or revoke ID "
                        "(see chiso token --help)\n");
        return EXIT_USAGE;
    }
    int role = -1;
    if (create) {
        if (!cli_require(&spec, "unit") || !cli_require(&spec, "role"))
            return EXIT_USAGE;
        role = auth_role_parse(opts_get(&spec, "role")->value);
        if (role < 0) {
            fprintf(stderr, "chiso token: --role '%s': expected admin, "
                            "editor or viewer\n",
                    opts_get(&spec, "role")->value);
            return EXIT_USAGE;
        }
    }
    struct chiso *c = cli_open(&spec, NULL);
    if (c == NULL)
        return EXIT_FAIL;
    struct store *st = chiso_store(c);
    int status = EXIT_OK;
    char detail[CHISO_DETAIL_BYTES] = "";
    if (create) {
        uint32_t u = cli_unit(&spec, c, opts_get(&spec, "unit")->value);
        char token[AUTH_TOKEN_CHARS + 1];
        if (u == UNIT_NONE) {
            status = EXIT_USAGE;
        } else if (auth_create(st, unit_at(chiso_units(c), u)->code,
                               (enum auth_role)role,
                               opts_get(&spec, "note")->value, token, detail,
                               sizeof detail) != CHISO_OK) {
            fprintf(stderr, "chiso token: %s\n", detail);
            status = EXIT_FAIL;
        } else {
            printf("%s\n", token);
        }
    } else if (list) {
        const char *headers[] = {"id", "unit", "role", "note", "created",
                                 "revoked"};
        struct out_table *t = out_table_new(headers, 6);
        if (st->ops->scan_tokens(st, print_token, t) != CHISO_OK) {
            fprintf(stderr, "chiso token: %s\n", st->ops->last_error(st));
            status = EXIT_FAIL;
        } else {
            out_print(t, stdout, (enum out_format)fmt);
        }
        out_table_free(t);
    } else {
        enum chiso_err rc = st->ops->begin(st);
        if (rc == CHISO_OK)
            rc = st->ops->revoke_token(st, pos[1], (int64_t)time(NULL));
        if (rc == CHISO_OK)
            rc = st->ops->commit(st);
        else
            st->ops->rollback(st);
        if (rc == CHISO_ENOTFOUND) {
            fprintf(stderr, "chiso token: no token in force has the id '%s'\n",
                    pos[1]);
            status = EXIT_USAGE;
        } else if (rc != CHISO_OK) {
            fprintf(stderr, "chiso token: %s\n", st->ops->last_error(st));
            status = EXIT_FAIL;
        } else {
            printf("revoked %s\n", pos[1]);
        }
    }
    chiso_close(c);
    return status;
}
