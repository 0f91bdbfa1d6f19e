/*
 * mem.h — the allocation façade.
 *
 * Two kinds of allocation, as redis's zmalloc and SQLite's torture hooks:
 *  - xmalloc & co. for memory whose size the program controls: they abort on
 *    exhaustion, so callers need not test for NULL;
 *  - mem_try_alloc & co. for memory whose size comes from input (after it was
 *    checked against a limit in limits.h): they return NULL on failure and the
 *    caller reports CHISO_ENOMEM.
 * Tests can make the Nth try-allocation fail (mem_fail_nth) to walk every
 * failure path. Not thread-safe to change the hook while others allocate.
 */
#ifndef CHISO_MEM_H
#define CHISO_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows an array of *cap elements of elem bytes to hold at least need; keeps
 * *cap when it suffices. Aborts on exhaustion. Returns the (moved) array. */
void *xgrow(void *array, size_t *cap, size_t need, size_t elem);

/* Zeroed memory for large long-lived arrays (the dossier table, the
 * counters), mapped whole and 2 MiB-aligned and marked for transparent huge
 * pages: loading a 1-million-dossier snapshot faulted in ~30,000 small
 * pages otherwise. Aborts on exhaustion; freed with xfree_huge and the same
 * size. */
void *xmalloc_huge(size_t size);
void xfree_huge(void *p, size_t size);

void *mem_try_alloc(size_t size);
void *mem_try_realloc(void *p, size_t size);
void mem_free(void *p);

/* Test hook: the nth try-allocation from now (1-based) fails; 0 disables. */
void mem_fail_nth(unsigned long n);

#endif
