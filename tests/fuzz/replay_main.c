/*
 * replay_main.c — runs a fuzz driver over a saved corpus, without libFuzzer.
 *
 *   build/replay/fuzz_record tests/fuzz/corpus/fuzz_record
 *
 * Calls LLVMFuzzerInitialize when the driver defines it, then
 * LLVMFuzzerTestOneInput once per file of the directory, in name order, each
 * from a buffer of exactly the file's size (so an over-read shows under
 * ASan). Prints "fuzz_record: replayed 37 inputs" and exits 0; exits 1 when
 * the directory is missing, unreadable or holds no input. A file instead of
 * a directory replays that one input, to reproduce a crash. With
 * FUZZ_REPLAY_VERBOSE=1 in the environment each file is named before it runs.
 * The role of SQLite's fuzzcheck.c.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Drivers without set-up leave this undefined: its address is then NULL. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv)
    __attribute__((weak));

/* The input being run, named on abort() so a failed invariant is traceable. */
static char current[4096];

static void on_abort(int sig)
{
    static const char msg[] = "replay: aborted while running ";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 ||
        write(STDERR_FILENO, current, strlen(current)) < 0 ||
        write(STDERR_FILENO, "\n", 1) < 0) {
        /* nothing more can be done in a signal handler */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Reads path into a buffer of exactly its size (malloc(0) aside). */
static bool read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    bool ok = false;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        size_t n = (size_t)st.st_size;
        uint8_t *buf = malloc(n ? n : 1);
        if (buf != NULL && fread(buf, 1, n, f) == n) {
            *data = buf;
            *size = n;
            ok = true;
        } else {
            free(buf);
        }
    }
    fclose(f);
    return ok;
}

static bool run_one(const char *path)
{
    uint8_t *data;
    size_t size;
    if (!read_file(path, &data, &size)) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        return false;
    }
    snprintf(current, sizeof current, "%s", path);
    const char *verbose = getenv("FUZZ_REPLAY_VERBOSE");
    if (verbose != NULL && strcmp(verbose, "1") == 0)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the entries of dir (hidden ones skipped), sorted; NULL when
 * dir cannot be read. */
static char **list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                abort();
            names = grown;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL)
            abort();
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    *count = n;
    return names != NULL ? names : calloc(1, sizeof *names);
}

int main(int argc, char **argv)
{
    const char *me = base_name(argv[0]);
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR|FILE\n", me);
        return 2;
    }
    signal(SIGABRT, on_abort);
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);

    const char *dir = argv[1];
    struct stat st;
    if (stat(dir, &st) != 0) {
        fprintf(stderr, "%s: %s: %s\n", me, dir, strerror(errno));
        return 1;
    }
    if (S_ISREG(st.st_mode)) {
        if (!run_one(dir))
            return 1;
        printf("%s: replayed 1 input\n", me);
        return 0;
    }

    size_t n = 0;
    char **names = list_dir(dir, &n);
    if (names == NULL) {
        fprintf(stderr, "%s: %s: %s\n", me, dir, strerror(errno));
        return 1;
    }
    size_t done = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (len < 0 || (size_t)len >= sizeof path) {
            fprintf(stderr, "%s: path too long: %s/%s\n", me, dir, names[i]);
            ok = false;
        } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            /* subdirectories are not inputs */
        } else if (run_one(path)) {
            done++;
        } else {
            ok = false;
        }
        free(names[i]);
    }
    free(names);
    if (done == 0) {
        fprintf(stderr, "%s: %s holds no input\n", me, dir);
        return 1;
    }
    printf("%s: replayed %zu inputs\n", me, done);
    return ok ? 0 : 1;
}
