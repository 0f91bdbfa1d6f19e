/*
 * main.c — runs the unit tests listed in test-list.h.
 *
 *   unit-tests          run every test
 *   unit-tests NAME     run only test NAME (with or without "test_")
 *
 * Each failed check is printed as it happens; the last line is always
 * "N passed, M failed" counting test functions, and the exit status is 1 when
 * any test failed (2 for an unknown test name).
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/record.h"
#include "fixture.h"
#include "test.h"

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

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (only != NULL && strncmp(only, "test_", 5) == 0)
        only += 5;
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    record_init();
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (only != NULL && strcmp(only, tests[i].name) != 0)
            continue;
        current = tests[i].name;
        test_failed_checks = 0;
        tests[i].fn();
        if (test_failed_checks == 0)
            passed++;
        else
            failed++;
    }
    fixture_cleanup();
    if (only != NULL && passed + failed == 0) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        printf("0 passed, 0 failed\n");
        return 2;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
