/*
 * fuzz.h — the libFuzzer entry points, declared once.
 *
 * Each tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput and may define
 * LLVMFuzzerInitialize. They are linked either with libFuzzer (clang,
 * tests/fuzz/fuzz.mk) or with replay_main.c, which replays a saved corpus in
 * `make test`. A driver aborts on any broken invariant, so that both the
 * fuzzer and the replay report it as a crash.
 */
#ifndef CHISO_FUZZ_H
#define CHISO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the failed condition when cond is false; unlike assert() it is
 * never compiled out. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
