/*
 * cmd_load.c — chiso load: a file of dossier records into the database,
 * with a progress bar on a terminal and a summary with every refusal reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/load_report.h"
#include "core/limits.h"
#include "engine/chiso.h"
#include "engine/ingest.h"

struct progress {
    bool tty;
    unsigned long long total; /* bytes, 0 if unknown */
    struct timespec start, last;
    int last_decile;
};

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, unsigned long long bytes,
                        const struct ingest_counts *counts)
{
    struct progress *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double elapsed = since(&p->start, &now);
    double rate = elapsed > 0 ? (double)counts->lines / elapsed : 0;
    if (p->tty) {
        if (since(&p->last, &now) < 0.1 && bytes < p->total)
            return;
        p->last = now;
        if (p->total > 0) {
            int pct = (int)(100.0 * (double)bytes / (double)p->total);
            int fill = pct / 4;
            fprintf(stderr, "\r%3d%% [%.*s%*s] %" PRIu64 " lines, %.0f lines/s ",
                    pct, fill, "#########################", 25 - fill, "",
                    counts->lines, rate);
        } else {
            fprintf(stderr, "\r%" PRIu64 " lines, %.0f lines/s ", counts->lines,
                    rate);
        }
        return;
    }
    int decile = p->total ? (int)(10.0 * (double)bytes / (double)p->total)
                          : (int)(counts->lines / 1000000);
    if (decile == p->last_decile)
        return;
    p->last_decile = decile;
    if (p->total)
        fprintf(stderr, "load: %d%%, %" PRIu64 " lines, %.0f lines/s\n",
                decile * 10, counts->lines, rate);
    else
        fprintf(stderr, "load: %" PRIu64 " lines, %.0f lines/s\n",
                counts->lines, rate);
}

int cmd_load(int argc, char **argv)
{
    static struct opt opts[] = {
        CLI_COMMON_OPTS,
        {"quiet", NULL, "no progress display", NULL, false},
        {"arrived-at", "STAMP", "when the records reached chiso, yyyyMMddHHmmss "
                                "Vietnam time, for replaying a sync log "
                                "(default: now)", NULL, false},
        {NULL, NULL, NULL, NULL, false},
    };
    static const struct cmd_spec spec = {
        "load", "FILE",
        "Loads dossier records (NDJSON, SPEC §4; '-' reads standard input).",
        "Each valid line is applied: a new dossier is accepted, a newer "
        "version replaces the stored one, an older version (by NgayCapNhat) "
        "is ignored as stale. Invalid lines are refused with their line, "
        "field and reason, and stored in the database (table refusal); the "
        "valid lines of the file are kept. When the summary is printed, every "
        "accepted record is on disk.\n"
        "exit status: 0 all lines taken, 3 some lines refused, 1 failure.",
        opts};
    const char *pos[1];
    size_t npos;
    int prc = opts_parse(&spec, argc, argv, pos, 1, &npos);
    if (prc != 0)
        return prc == 1 ? EXIT_OK : EXIT_USAGE;
    int fmt = cli_format(&spec);
    if (fmt < 0)
        return EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "chiso load: which file? (see chiso load --help)\n");
        return EXIT_USAGE;
    }
    int64_t arrival = (int64_t)time(NULL);
    const char *at = opts_get(&spec, "arrived-at")->value;
    if (at != NULL) {
        int64_t moment;
        if (!vt_parse_stamp(at, strlen(at), &moment)) {
            fprintf(stderr, "chiso load: --arrived-at '%s': expected "
                            "yyyyMMddHHmmss (Vietnam time)\n", at);
            return EXIT_USAGE;
        }
        arrival = moment - VT_UTC_OFFSET;
    }
    const char *path = pos[0];
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "chiso load: %s: %s\n", path, strerror(errno));
        return EXIT_FAIL;
    }
    struct chiso *c = cli_open(&spec, NULL);
    if (c == NULL) {
        if (in != stdin)
            fclose(in);
        return EXIT_FAIL;
    }
    struct progress p = {.tty = isatty(STDERR_FILENO) != 0, .last_decile = 0};
    struct stat sb;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
        p.total = (unsigned long long)sb.st_size;
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    p.last = p.start;
    bool quiet = opts_get(&spec, "quiet")->given;
    struct ingest_report report = {0};
    char detail[CHISO_DETAIL_BYTES] = "";
    enum chiso_err rc = ingest_stream(c, in, path, arrival,
                                      quiet ? NULL : on_progress, &p, &report,
                                      detail, sizeof detail);
    if (p.tty && !quiet)
        fprintf(stderr, "\n");
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (in != stdin)
        fclose(in);
    load_report_print(stdout, (enum out_format)fmt, path, &report,
                      since(&p.start, &end));
    int status = report.counts.refused > 0 ? EXIT_REFUSED : EXIT_OK;
    if (rc != CHISO_OK) {
        fprintf(stderr, "chiso load: %s (the lines before were kept)\n",
                detail[0] ? detail : err_message(rc));
        status = EXIT_FAIL;
    }
    ingest_report_free(&report);
    chiso_close(c);
    return status;
}
