/*
 * test.h — the unit-test harness: checks that say what they expected and
 * what they got.
 *
 * A test is a `void test_NAME(void)` function listed once in test-list.h
 * (TEST_ENTRY(NAME)); main.c runs them in list order. A failed check prints
 * file:line, the expression, the expected and the actual value, counts the
 * failure against the running test, and lets the test go on, so one run shows
 * every broken expectation. REQUIRE stops the test where going on would
 * crash. Checks take the value under test first and the expected value
 * second: CHECK_EQ_INT(got, expected).
 */
#ifndef CHISO_TEST_H
#define CHISO_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Prototypes of every test, from the one list. */
#define TEST_ENTRY(name) void test_##name(void);
#include "test-list.h"
#undef TEST_ENTRY

/* Defines a test: TEST(vtime_leap_years) { ... }. */
#define TEST(name) void test_##name(void)

/* Records one failed check of the running test (main.c). */
void test_fail(const char *file, int line, const char *expr,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Failed checks so far in the running test. */
extern int test_failed_checks;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            test_fail(__FILE__, __LINE__, #cond,                               \
                      "expected true, got false");                             \
    } while (0)

/* Like CHECK, but ends the test: for conditions later checks depend on. */
#define REQUIRE(cond)                                                          \
    do {                                                                       \
        if (!(cond)) {                                                         \
            test_fail(__FILE__, __LINE__, #cond,                               \
                      "expected true, got false (test stopped)");              \
            return;                                                            \
        }                                                                      \
    } while (0)

#define CHECK_EQ_INT(got, expected)                                            \
    do {                                                                       \
        long long got_ = (long long)(got);                                     \
        long long exp_ = (long long)(expected);                                \
        if (got_ != exp_)                                                      \
            test_fail(__FILE__, __LINE__, #got " == " #expected,               \
                      "expected %lld, got %lld", exp_, got_);                  \
    } while (0)

#define CHECK_EQ_UINT(got, expected)                                           \
    do {                                                                       \
        unsigned long long got_ = (unsigned long long)(got);                   \
        unsigned long long exp_ = (unsigned long long)(expected);              \
        if (got_ != exp_)                                                      \
            test_fail(__FILE__, __LINE__, #got " == " #expected,               \
                      "expected %llu (0x%llx), got %llu (0x%llx)", exp_, exp_, \
                      got_, got_);                                             \
    } while (0)

#define CHECK_EQ_STR(got, expected)                                            \
    do {                                                                       \
        const char *got_ = (got);                                              \
        const char *exp_ = (expected);                                         \
        if (got_ == NULL || exp_ == NULL ? got_ != exp_                        \
                                         : strcmp(got_, exp_) != 0)            \
            test_fail(__FILE__, __LINE__, #got " == " #expected,               \
                      "expected \"%s\", got \"%s\"",                           \
                      exp_ ? exp_ : "(null)", got_ ? got_ : "(null)");         \
    } while (0)

/* got contains the substring part. */
#define CHECK_CONTAINS(got, part)                                              \
    do {                                                                       \
        const char *got_ = (got);                                              \
        const char *part_ = (part);                                            \
        if (got_ == NULL || strstr(got_, part_) == NULL)                       \
            test_fail(__FILE__, __LINE__, #got " contains " #part,             \
                      "expected text containing \"%s\", got \"%s\"", part_,    \
                      got_ ? got_ : "(null)");                                 \
    } while (0)

#endif
