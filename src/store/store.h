/*
 * store.h — durable storage behind a table of backend functions.
 *
 * Like SQLite's VFS or curl's vtls, each backend is one file that fills a
 * struct store_ops; the engine calls through it and never includes a
 * database header. The store keeps what the live state is rebuilt from: the
 * unit lists, the per-database hash secret, every accepted version of every
 * dossier (its fact and record), load batches and refused lines.
 *
 * Durability contract: after commit() returns CHISO_OK, everything written
 * since begin() survives a crash or power loss. A store is used by one
 * thread at a time.
 *
 * Besides the versions, the store keeps every line a load received, as the
 * engine hands them over: zstd frames (engine/frames.h) of consecutive
 * lines of a batch, numbered as the batch numbers them.
 */
#ifndef CHISO_STORE_H
#define CHISO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/fact.h"

/* Sets a zstd compression context to the settings for dossier data, record
 * text and packed versions alike (measurements in store/zparams.c); then
 * compress with ZSTD_compress2. */
struct ZSTD_CCtx_s;
void store_zstd_records(struct ZSTD_CCtx_s *cctx);

/* One dossier as stored: its latest accepted version. */
struct store_dossier {
    const char *code; /* MaHoSo */
    size_t code_len;
    const char *unit_code; /* the resolved unit's current code */
    struct fact fact;      /* fact.unit is not stored; unit_code is */
    int64_t batch;         /* batch and line it came from (the line is */
                           /* in the batch's stored records) */
    uint64_t line;
};

/* A load batch: also the audit record of a write (who, for which unit,
 * what, when, how many records). */
struct store_batch {
    int64_t id;
    const char *source;        /* a file, or the HTTP request */
    const char *actor;         /* "cli", or "token:<id>" */
    const char *scope;         /* the unit code the writer may write for */
    int64_t started, finished; /* Unix seconds */
    uint64_t lines, accepted, replaced, stale, refused;
};

/* An API token: only a hash of its secret is kept. */
#define STORE_TOKEN_HASH_BYTES 32
struct store_token {
    const char *id;        /* public part, 16 hex digits */
    const char *unit_code; /* the unit it acts for */
    const char *role;      /* "admin", "editor" or "viewer" */
    const unsigned char *hash; /* STORE_TOKEN_HASH_BYTES */
    const char *note;
    int64_t created, revoked; /* Unix seconds; revoked 0: in force */
};

typedef enum chiso_err (*store_token_fn)(void *ctx, const struct store_token *t);
typedef enum chiso_err (*store_batch_fn)(void *ctx, const struct store_batch *b);

/* Called by scan_dossiers for each stored version, oldest first (a later
 * version of a code supersedes the earlier ones); returning an error stops
 * the scan and is returned. The strings live only during the call. */
typedef enum chiso_err (*store_dossier_fn)(void *ctx,
                                           const struct store_dossier *d);

/* Called for each stored blob (snapshot chunks, in order). */
typedef enum chiso_err (*store_blob_fn)(void *ctx, const void *data,
                                        size_t len);

/* Called for each stored unit list. */
typedef enum chiso_err (*store_text_fn)(void *ctx, const char *name,
                                        const char *text, size_t len);

struct store;

struct store_ops {
    const char *name;
    void (*close)(struct store *s);
    enum chiso_err (*begin)(struct store *s);
    enum chiso_err (*commit)(struct store *s);
    void (*rollback)(struct store *s);
    /* Stores an accepted version: from now on the dossier's state. */
    enum chiso_err (*put_dossier)(struct store *s, const struct store_dossier *d);
    /* Stores the received lines first_line..last_line of a batch: frames,
     * len bytes of zstd frames of those lines joined by newlines. */
    enum chiso_err (*put_records)(struct store *s, int64_t batch,
                                  uint64_t first_line, uint64_t last_line,
                                  const void *frames, size_t len);
    enum chiso_err (*put_refusal)(struct store *s, int64_t batch, uint64_t line,
                                  const char *field, const char *reason,
                                  const char *record, size_t record_len);
    /* Creates a batch row (inside a transaction) and sets b->id. */
    enum chiso_err (*open_batch)(struct store *s, struct store_batch *b);
    enum chiso_err (*update_batch)(struct store *s, const struct store_batch *b);
    /* Versions with a sequence number above after_seq, oldest first. */
    enum chiso_err (*scan_dossiers)(struct store *s, int64_t after_seq,
                                    store_dossier_fn fn, void *ctx);
    /* The sequence number of the last stored version (0 if none). */
    enum chiso_err (*last_seq)(struct store *s, int64_t *seq);
    /* Inside a transaction: drops the snapshot chunks, then stores chunk
     * number i (each number once, in any order) as the zstd frame of its
     * bytes the engine made (engine/frames.h: frame_snapshot). */
    enum chiso_err (*clear_snapshot)(struct store *s);
    enum chiso_err (*put_snapshot_chunk)(struct store *s, size_t i,
                                         const void *frame, size_t len);
    /* The snapshot's chunks, decompressed, from chunk number first on. */
    enum chiso_err (*scan_snapshot)(struct store *s, size_t first,
                                    store_blob_fn fn, void *ctx);
    /* CHISO_ENOTFOUND when the key is absent; *len is the full length even
     * when cap is smaller (then only cap bytes are copied). */
    enum chiso_err (*get_meta)(struct store *s, const char *key, void *buf,
                               size_t cap, size_t *len);
    enum chiso_err (*set_meta)(struct store *s, const char *key,
                               const void *value, size_t len);
    enum chiso_err (*scan_unit_lists)(struct store *s, store_text_fn fn,
                                      void *ctx);
    enum chiso_err (*put_unit_list)(struct store *s, const char *name,
                                    const char *text, size_t len);
    enum chiso_err (*put_token)(struct store *s, const struct store_token *t);
    /* CHISO_ENOTFOUND when no token has that id. */
    enum chiso_err (*revoke_token)(struct store *s, const char *id, int64_t at);
    enum chiso_err (*scan_tokens)(struct store *s, store_token_fn fn, void *ctx);
    /* Batches (the audit trail), newest first, at most limit, with an id
     * below before (0: from the newest). */
    enum chiso_err (*scan_batches)(struct store *s, int64_t before,
                                   size_t limit, store_batch_fn fn, void *ctx);
    /* The last error's text, for people. */
    const char *(*last_error)(struct store *s);
};

struct store {
    const struct store_ops *ops;
};

/*
 * Opens (creating if absent) an SQLite database file in WAL mode with
 * synchronous=FULL. *created tells whether the schema was just made.
 */
enum chiso_err store_sqlite_open(const char *path, struct store **out,
                                 bool *created, char *detail,
                                 size_t detail_size);

#endif
