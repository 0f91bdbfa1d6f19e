/*
 * main.c — chiso's command line: dispatches to the command table.
 */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"load", cmd_load, "load dossier records (NDJSON) from a file"},
    {"value", cmd_value, "an indicator's value for a unit and period"},
    {"rank", cmd_rank, "rank ministries, provinces or communes by an indicator"},
    {"measures", cmd_measures, "every measure for a period, to check figures"},
    {"units", cmd_units, "list units and the old-to-new province lineage"},
    {"indicators", cmd_indicators, "list or check the indicator catalogue"},
    {"demo", cmd_demo, "generate and load a realistic demo year"},
    {"init", cmd_init, "create a database (optionally with your unit lists)"},
    {"info", cmd_info, "what a database holds and its live memory"},
    {"serve", cmd_serve, "serve the HTTP JSON API and live stream"},
    {"token", cmd_token, "create, list and revoke API tokens"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: chiso COMMAND [options]\n\n"
               "chiso measures, tracks and ranks the public-service results "
               "of Vietnam's\nministries, provinces and communes from the "
               "dossier records they sync.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nchiso COMMAND --help tells more. Every command takes --db "
               "PATH (default chiso.db).\n");
}

/*
 * glibc hands memory it frees back to the kernel (blocks above a threshold
 * that moves, and the heap's top above another), and takes it again page
 * fault by page fault: a load allocates and frees batch buffers, frames
 * and SQLite's blobs of a few MiB all the time. Keeping it costs at most
 * the peak the process reaches anyway, and saved 0.2-0.4 s of a 1M-dossier
 * load of 3.4-4.5 s (bench/RESULTS.md).
 */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

int main(int argc, char **argv)
{
    keep_freed_memory();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "chiso: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
