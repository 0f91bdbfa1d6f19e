/*
 * main.c — runs the unit tests listed in test-list.h.
 *
 *   unit-tests          run every test, each in its own child process
 *   unit-tests NAME     run only test NAME (with or without "test_"), in
 *                       this process, for a debugger
 *
 * Each failed check is printed as it happens. A test that crashes (a signal,
 * or a sanitizer report that ends its process) counts as failed and the run
 * goes on. The last line is always "N passed, M failed" counting test
 * functions; the exit status is 1 when any test failed, 2 for an unknown
 * test name.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/record.h"
#include "fixture.h"
#include "test.h"

/* A child's exit status when its checks failed; sanitizers end a process
 * with 1 (ASan, UBSan) or 23 (LeakSanitizer), which this must not be. */
#define EXIT_CHECKS_FAILED 3

static const struct test {
    const char *name;
    void (*fn)(void);
} tests[] = {
#define TEST_ENTRY(name) {#name, test_##name},
#include "test-list.h"
#undef TEST_ENTRY
};

int test_failed_checks;
static const char *current;

void test_fail(const char *file, int line, const char *expr, const char *fmt,
               ...)
{
    if (test_failed_checks++ == 0)
        printf("FAIL %s\n", current);
    printf("  %s:%d: %s\n    ", file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* Runs one test here; returns whether it passed. */
static bool run_here(const struct test *t)
{
    current = t->name;
    test_failed_checks = 0;
    t->fn();
    fflush(stdout);
    return test_failed_checks == 0;
}

/* Runs one test in a child process, so that a crash or a sanitizer abort
 * fails that test only. */
static bool run_isolated(const struct test *t)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return run_here(t);
    }
    if (pid == 0)
        exit(run_here(t) ? 0 : EXIT_CHECKS_FAILED); /* exit(): leak checks */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_CHECKS_FAILED)
        return false;
    if (WIFSIGNALED(status))
        printf("FAIL %s\n  crashed: signal %d\n", t->name, WTERMSIG(status));
    else
        printf("FAIL %s\n  ended with status %d (see the report above)\n",
               t->name, WEXITSTATUS(status));
    fflush(stdout);
    return false;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (only != NULL && strncmp(only, "test_", 5) == 0)
        only += 5;
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    fixture_units(); /* loaded once, shared by every child */
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (only != NULL && strcmp(only, tests[i].name) != 0)
            continue;
        bool ok = only != NULL ? run_here(&tests[i]) : run_isolated(&tests[i]);
        if (ok)
            passed++;
        else
            failed++;
    }
    fixture_cleanup();
    record_thread_done();
    if (only != NULL && passed + failed == 0) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        printf("0 passed, 0 failed\n");
        return 2;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
