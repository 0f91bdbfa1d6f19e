/*
 * writer.h — store writes buffered per chunk, done by a background thread.
 *
 * An ingest fills a chunk with operations (dossier versions, refusals; their
 * bytes are copied) and hands it over; the writer thread writes and commits
 * it as one transaction while the ingest fills the next chunk. At most one
 * chunk is in flight: handing over the next waits for the previous one and
 * returns its result, so the caller always learns of a failed commit before
 * it has applied more than one further chunk. The store is used only by the
 * writer thread (or, for a session's only chunk, by the caller) while a
 * writer exists; the caller must not touch it meanwhile.
 */
#ifndef CHISO_WRITER_H
#define CHISO_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct writer;

/* A writer for st, which must have no open transaction. One writer serves
 * the sessions of an engine one after the other, keeping its buffers and
 * thread. */
struct writer *writer_create(struct store *st);

/* Begins a session (a load batch): forgets the last session's result and
 * batch, waiting for its chunk in flight if any. The session's batch row is
 * created in the transaction of its first chunk. */
void writer_start_session(struct writer *w);

/* The store id of the session's batch; 0 until its first chunk is durable. */
int64_t writer_batch_id(const struct writer *w);

/* Waits for the chunk in flight, stops the thread and frees everything; a
 * chunk still being filled is dropped. NULL is harmless. */
void writer_destroy(struct writer *w);

/* Adds a dossier version (the bytes are copied); d->batch is ignored: the
 * rows carry the session's batch. */
void writer_put_dossier(struct writer *w, const struct store_dossier *d);

/* Adds frames (engine/frames.h) of the session's received lines first_line
 * to last_line (the bytes are copied). */
void writer_put_records(struct writer *w, uint64_t first_line,
                        uint64_t last_line, const void *frames, size_t len);

/* Adds a refused line (the bytes are copied). */
void writer_put_refusal(struct writer *w, uint64_t line,
                        const char *field, const char *reason,
                        const char *record, size_t record_len);

/*
 * Waits for the chunk in flight, if any; then hands over the chunk being
 * filled, together with the batch row b to store with it. With wait, also
 * waits for that chunk. Returns the first failure among the chunks waited
 * for (their transaction rolled back), else CHISO_OK; detail then holds the
 * store's message. After a failure nothing more is written.
 */
enum chiso_err writer_flush(struct writer *w, const struct store_batch *b,
                            bool wait, char *detail, size_t detail_size);

#endif
