/*
 * mem.c — aborting and fallible allocation, with a failure hook for tests.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include "core/mem.h"

#include <stdint.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long fail_countdown; /* 0: never fail */

static void out_of_memory(size_t size)
{
    fprintf(stderr, "chiso: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xmalloc_huge(size_t size)
{
    size_t len = size ? size : 1;
    /* Map a huge page more, to cut an aligned range out of it. */
    char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        out_of_memory(size);
    size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (lead > 0)
        munmap(p, lead);
    munmap(p + lead + len, HUGE_PAGE - lead);
#ifdef MADV_HUGEPAGE
    madvise(p + lead, len, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    return p + lead;
}

void xfree_huge(void *p, size_t size)
{
    if (p != NULL)
        munmap(p, size ? size : 1);
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        out_of_memory(size);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void *xgrow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need)
        ncap += ncap / 2 + 1;
    if (ncap > SIZE_MAX / elem)
        out_of_memory(SIZE_MAX);
    array = xrealloc(array, ncap * elem);
    *cap = ncap;
    return array;
}

static int should_fail(void)
{
    if (fail_countdown == 0)
        return 0;
    return --fail_countdown == 0;
}

void *mem_try_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *mem_try_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void mem_free(void *p)
{
    free(p);
}

void mem_fail_nth(unsigned long n)
{
    fail_countdown = n;
}
