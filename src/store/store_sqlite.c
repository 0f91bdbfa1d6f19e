/*
 * store_sqlite.c — the embedded store: one SQLite file, WAL, synchronous=FULL.
 *
 * Append-only: a transaction becomes one row of `block`, written just before
 * COMMIT: the facts of its accepted versions, numbered first_seq..last_seq
 * and packed (core/vpack.h) in a zstd frame, and the lines it received,
 * first_line..last_line of its batch, as the engine's zstd frames. A row per
 * version cost a B-tree insert each (about a quarter of a bulk load's time),
 * and raw lines made the WAL, then the checkpoint, write every byte twice:
 * a load of 956 MiB of NDJSON made a 1.1 GiB database, now about 0.2 GiB.
 * Appends touch only the last pages of the table, so a bulk load and a small
 * durable batch both write little more than the bytes they add. Only
 * winning versions get a fact, so the last version of a code is its current
 * state; a restart replays the blocks in order. The blocks keep the full
 * history (an audit trail). Statements are prepared once at open. The
 * fact's measure bits are stored as they are in memory; SCHEMA_VERSION
 * changes whenever their meaning does.
 */
#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/vpack.h"
#include "store/store.h"

#define SCHEMA_VERSION "5"

/* The packed versions compress with the settings for dossier data
 * (store/zparams.c); the snapshot's chunks come compressed. */

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS unit_list("
    "  name TEXT PRIMARY KEY, content TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS block("
    "  id INTEGER PRIMARY KEY, batch INTEGER NOT NULL,"
    "  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
    "  first_line INTEGER NOT NULL, last_line INTEGER NOT NULL,"
    "  versions BLOB NOT NULL, records BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS snapshot_chunk("
    "  chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS token("
    "  id TEXT PRIMARY KEY, unit TEXT NOT NULL, role TEXT NOT NULL,"
    "  hash BLOB NOT NULL, note TEXT NOT NULL, created INTEGER NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS batch("
    "  id INTEGER PRIMARY KEY, source TEXT NOT NULL, actor TEXT NOT NULL,"
    "  scope TEXT NOT NULL, started INTEGER NOT NULL,"
    "  finished INTEGER, lines INTEGER NOT NULL DEFAULT 0,"
    "  accepted INTEGER NOT NULL DEFAULT 0, replaced INTEGER NOT NULL DEFAULT 0,"
    "  stale INTEGER NOT NULL DEFAULT 0, refused INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS refusal("
    "  batch INTEGER NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL,"
    "  reason TEXT NOT NULL, record TEXT NOT NULL,"
    "  PRIMARY KEY(batch, line)) WITHOUT ROWID;";

enum stmt {
    ST_PUT_BLOCK,
    ST_PUT_REFUSAL,
    ST_OPEN_BATCH,
    ST_UPDATE_BATCH,
    ST_GET_META,
    ST_SET_META,
    ST_PUT_UNIT_LIST,
    ST_PUT_SNAPSHOT,
    ST_LAST_SEQ,
    ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
    [ST_PUT_BLOCK] = "INSERT INTO block(batch, first_seq, last_seq,"
                     " first_line, last_line, versions, records)"
                     " VALUES(?,?,?,?,?,?,?)",
    [ST_PUT_REFUSAL] = "INSERT OR REPLACE INTO refusal(batch, line, field,"
                       " reason, record) VALUES(?,?,?,?,?)",
    [ST_OPEN_BATCH] = "INSERT INTO batch(source, actor, scope, started)"
                      " VALUES(?,?,?,?)",
    [ST_UPDATE_BATCH] = "UPDATE batch SET finished=?, lines=?, accepted=?,"
                        " replaced=?, stale=?, refused=? WHERE id=?",
    [ST_GET_META] = "SELECT value FROM meta WHERE key=?",
    [ST_SET_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)",
    [ST_PUT_UNIT_LIST] =
        "INSERT OR REPLACE INTO unit_list(name, content) VALUES(?,?)",
    [ST_PUT_SNAPSHOT] = "INSERT INTO snapshot_chunk(chunk, data) VALUES(?,?)",
    [ST_LAST_SEQ] = "SELECT coalesce((SELECT last_seq FROM block"
                    " ORDER BY id DESC LIMIT 1), 0)",
};

struct sqlite_store {
    struct store base; /* first: a struct store * is a struct sqlite_store * */
    sqlite3 *db;
    /* WAL checkpoints run off the commit path: a thread with its own
     * connection checkpoints (PASSIVE: never blocking the writer) after
     * commits, so that no commit pays for copying the WAL into the file. */
    sqlite3 *ckpt_db;
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    bool ckpt_started, ckpt_wanted, ckpt_stop;
    /* The open block: the versions and lines stored since begin() (all of
     * one batch), versions numbered after last_seq, the last committed. */
    struct vpack_buf versions;
    size_t nversions;
    unsigned char *records;
    size_t nrecords, records_cap;
    uint64_t first_line, last_line; /* 0: no lines yet */
    int64_t batch;
    int64_t last_seq;
    ZSTD_CCtx *zc;
    int64_t page_size; /* bytes, of the database file */
    void *zbuf; /* compressed bytes */
    size_t zbuf_cap;
    sqlite3_stmt *st[ST__COUNT];
    char error[256];
};

static void stop_checkpointer(struct sqlite_store *ss);

static struct sqlite_store *from(struct store *s)
{
    return (struct sqlite_store *)s;
}

/* Records SQLite's message and returns CHISO_ESTORE. */
static enum chiso_err fail(struct sqlite_store *ss, const char *what)
{
    snprintf(ss->error, sizeof ss->error, "%s: %s", what,
             sqlite3_errmsg(ss->db));
    return CHISO_ESTORE;
}

static enum chiso_err exec(struct sqlite_store *ss, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(ss->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return CHISO_OK;
    snprintf(ss->error, sizeof ss->error, "%s", msg ? msg : "unknown error");
    sqlite3_free(msg);
    return CHISO_ESTORE;
}

/* Runs a prepared statement to completion and resets it. */
static enum chiso_err step_done(struct sqlite_store *ss, enum stmt which,
                                const char *what)
{
    sqlite3_stmt *st = ss->st[which];
    int rc = sqlite3_step(st);
    enum chiso_err err = rc == SQLITE_DONE ? CHISO_OK : fail(ss, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return err;
}

static void sq_close(struct store *s)
{
    struct sqlite_store *ss = from(s);
    if (ss == NULL)
        return;
    stop_checkpointer(ss);
    for (int i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(ss->st[i]);
    sqlite3_close(ss->db);
    ZSTD_freeCCtx(ss->zc);
    vpack_free(&ss->versions);
    free(ss->records);
    free(ss->zbuf);
    free(ss);
}

static void forget_block(struct sqlite_store *ss)
{
    ss->versions.len = 0;
    ss->nrecords = 0;
    ss->nversions = 0;
    ss->first_line = ss->last_line = 0;
}

/* Inserts the open block's row, if it holds anything. */
static enum chiso_err put_block(struct sqlite_store *ss)
{
    if (ss->nversions == 0 && ss->nrecords == 0)
        return CHISO_OK;
    size_t bound = ZSTD_compressBound(ss->versions.len);
    ss->zbuf = xgrow(ss->zbuf, &ss->zbuf_cap, bound, 1);
    size_t zv = ZSTD_compress2(ss->zc, ss->zbuf, bound, ss->versions.data,
                               ss->versions.len);
    if (ZSTD_isError(zv)) {
        snprintf(ss->error, sizeof ss->error, "compressing: %s",
                 ZSTD_getErrorName(zv));
        return CHISO_ESTORE;
    }
    int64_t last = ss->last_seq + (int64_t)ss->nversions;
    sqlite3_stmt *st = ss->st[ST_PUT_BLOCK];
    sqlite3_bind_int64(st, 1, ss->batch);
    sqlite3_bind_int64(st, 2, ss->last_seq + 1);
    sqlite3_bind_int64(st, 3, last);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)ss->first_line);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)ss->last_line);
    sqlite3_bind_blob64(st, 6, ss->zbuf, zv, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 7, ss->records ? (void *)ss->records : (void *)"",
                        ss->nrecords, SQLITE_STATIC);
    enum chiso_err rc = step_done(ss, ST_PUT_BLOCK, "storing versions");
    if (rc == CHISO_OK) {
        ss->last_seq = last;
        forget_block(ss);
    }
    return rc;
}

/* A block holds one batch's versions and lines: another batch's closes it. */
static enum chiso_err switch_batch(struct sqlite_store *ss, int64_t batch)
{
    enum chiso_err rc = CHISO_OK;
    if ((ss->nversions > 0 || ss->nrecords > 0) && batch != ss->batch)
        rc = put_block(ss);
    ss->batch = batch;
    return rc;
}

static enum chiso_err read_last_seq(struct sqlite_store *ss, int64_t *seq)
{
    sqlite3_stmt *st = ss->st[ST_LAST_SEQ];
    int step = sqlite3_step(st);
    enum chiso_err rc =
        step == SQLITE_ROW ? CHISO_OK : fail(ss, "reading versions");
    if (rc == CHISO_OK)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

static enum chiso_err sq_begin(struct store *s)
{
    struct sqlite_store *ss = from(s);
    enum chiso_err rc = exec(ss, "BEGIN IMMEDIATE");
    /* Another connection may have appended since: number from the file. */
    if (rc == CHISO_OK)
        rc = read_last_seq(ss, &ss->last_seq);
    return rc;
}

static enum chiso_err sq_commit(struct store *s)
{
    struct sqlite_store *ss = from(s);
    enum chiso_err rc = put_block(ss);
    if (rc == CHISO_OK)
        rc = exec(ss, "COMMIT");
    return rc;
}

/* WAL bytes after which a commit wakes the checkpointer: 32 MiB. A
 * checkpoint's writes and fsync of the database file compete with the next
 * commits' fsync of the WAL: after every commit, a durable batch of 1,000
 * records took ~2x its median at p99; every 4 MiB (a checkpoint every ~40
 * such batches), 4.3x. Every 32 MiB, one batch in ~320 meets one, and a
 * bulk load's WAL stays within ~32 MiB (plus its last commit). */
#define CKPT_BYTES (32 << 20)

/* SQLite calls this after each commit with the pages now in the WAL. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct sqlite_store *ss = arg;
    if ((int64_t)pages * ss->page_size >= CKPT_BYTES) {
        pthread_mutex_lock(&ss->ckpt_mu);
        ss->ckpt_wanted = true;
        pthread_cond_signal(&ss->ckpt_cv);
        pthread_mutex_unlock(&ss->ckpt_mu);
    }
    return SQLITE_OK;
}

/* Copies committed WAL frames into the database file when asked (after a
 * commit), without ever blocking the writing connection. */
static void *checkpointer(void *arg)
{
    struct sqlite_store *ss = arg;
    pthread_mutex_lock(&ss->ckpt_mu);
    for (;;) {
        while (!ss->ckpt_wanted && !ss->ckpt_stop)
            pthread_cond_wait(&ss->ckpt_cv, &ss->ckpt_mu);
        if (ss->ckpt_stop)
            break;
        ss->ckpt_wanted = false;
        pthread_mutex_unlock(&ss->ckpt_mu);
        sqlite3_wal_checkpoint_v2(ss->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, NULL);
        pthread_mutex_lock(&ss->ckpt_mu);
    }
    pthread_mutex_unlock(&ss->ckpt_mu);
    return NULL;
}

/* Starts the checkpointer; without it, SQLite checkpoints in commits. */
static void start_checkpointer(struct sqlite_store *ss, const char *path)
{
    if (sqlite3_open_v2(path, &ss->ckpt_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sqlite3_close(ss->ckpt_db);
        ss->ckpt_db = NULL;
        return;
    }
    sqlite3_busy_timeout(ss->ckpt_db, 10000);
    /* A connection learns the database is in WAL mode when it first reads
     * it; until then sqlite3_wal_checkpoint_v2 does nothing and says so
     * only through *pnLog = -1 (it did, unnoticed, until every checkpoint
     * fell to the close of the store: 0.6-0.7 s at the end of a bulk
     * load, copying the whole WAL). */
    if (sqlite3_exec(ss->ckpt_db, "SELECT count(*) FROM sqlite_schema", NULL,
                     NULL, NULL) != SQLITE_OK) {
        sqlite3_close(ss->ckpt_db);
        ss->ckpt_db = NULL;
        return;
    }
    pthread_mutex_init(&ss->ckpt_mu, NULL);
    pthread_cond_init(&ss->ckpt_cv, NULL);
    if (pthread_create(&ss->ckpt_thread, NULL, checkpointer, ss) != 0) {
        sqlite3_close(ss->ckpt_db);
        ss->ckpt_db = NULL;
        return;
    }
    ss->ckpt_started = true;
    exec(ss, "PRAGMA wal_autocheckpoint=0");
    sqlite3_wal_hook(ss->db, wal_hook, ss);
}

static void stop_checkpointer(struct sqlite_store *ss)
{
    if (!ss->ckpt_started)
        return;
    sqlite3_wal_hook(ss->db, NULL, NULL);
    pthread_mutex_lock(&ss->ckpt_mu);
    ss->ckpt_stop = true;
    pthread_cond_signal(&ss->ckpt_cv);
    pthread_mutex_unlock(&ss->ckpt_mu);
    pthread_join(ss->ckpt_thread, NULL);
    sqlite3_close(ss->ckpt_db);
    pthread_mutex_destroy(&ss->ckpt_mu);
    pthread_cond_destroy(&ss->ckpt_cv);
    ss->ckpt_started = false;
}

static void sq_rollback(struct store *s)
{
    struct sqlite_store *ss = from(s);
    forget_block(ss);
    if (!sqlite3_get_autocommit(ss->db))
        exec(ss, "ROLLBACK");
}

static enum chiso_err sq_put_dossier(struct store *s,
                                     const struct store_dossier *d)
{
    struct sqlite_store *ss = from(s);
    enum chiso_err rc = switch_batch(ss, d->batch);
    if (rc != CHISO_OK)
        return rc;
    struct vpack_version v = {
        .code = d->code,
        .code_len = d->code_len,
        .unit = d->unit_code,
        .unit_len = strlen(d->unit_code),
        .fact = d->fact,
        .line = d->line,
    };
    vpack_put(&ss->versions, &v);
    ss->nversions++;
    return CHISO_OK;
}

static enum chiso_err sq_put_records(struct store *s, int64_t batch,
                                     uint64_t first_line, uint64_t last_line,
                                     const void *frames, size_t len)
{
    struct sqlite_store *ss = from(s);
    enum chiso_err rc = switch_batch(ss, batch);
    if (rc != CHISO_OK)
        return rc;
    ss->records = xgrow(ss->records, &ss->records_cap, ss->nrecords + len, 1);
    memcpy(ss->records + ss->nrecords, frames, len);
    ss->nrecords += len;
    if (ss->first_line == 0)
        ss->first_line = first_line;
    ss->last_line = last_line;
    return CHISO_OK;
}

static enum chiso_err sq_put_refusal(struct store *s, int64_t batch,
                                     uint64_t line, const char *field,
                                     const char *reason, const char *record,
                                     size_t record_len)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_PUT_REFUSAL];
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)line);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    /* A refused line may not be UTF-8: keep its bytes as a blob. */
    sqlite3_bind_blob(st, 5, record, (int)record_len, SQLITE_STATIC);
    return step_done(ss, ST_PUT_REFUSAL, "storing a refusal");
}

static enum chiso_err sq_open_batch(struct store *s, struct store_batch *b)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_OPEN_BATCH];
    sqlite3_bind_text(st, 1, b->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->actor ? b->actor : "cli", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->scope ? b->scope : "VN", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->started);
    enum chiso_err rc = step_done(ss, ST_OPEN_BATCH, "starting a batch");
    if (rc == CHISO_OK)
        b->id = sqlite3_last_insert_rowid(ss->db);
    return rc;
}

static enum chiso_err sq_update_batch(struct store *s,
                                      const struct store_batch *b)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_UPDATE_BATCH];
    sqlite3_bind_int64(st, 1, b->finished);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)b->lines);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)b->accepted);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)b->replaced);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)b->stale);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)b->refused);
    sqlite3_bind_int64(st, 7, b->id);
    return step_done(ss, ST_UPDATE_BATCH, "updating a batch");
}

/* Runs sql (with ?1 bound to arg and ?2 to arg2, when it has them) and
 * calls row for each result row until it returns an error. */
typedef enum chiso_err (*row_fn)(sqlite3_stmt *st, void *ctx);

static enum chiso_err scan2(struct sqlite_store *ss, const char *sql,
                            int64_t arg, int64_t arg2, row_fn row, void *ctx,
                            const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(ss, what);
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_bind_parameter_count(st) > 1)
        sqlite3_bind_int64(st, 2, arg2);
    enum chiso_err rc = CHISO_OK;
    int step = SQLITE_DONE;
    while (rc == CHISO_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = row(st, ctx);
    if (rc == CHISO_OK && step != SQLITE_DONE)
        rc = fail(ss, what);
    sqlite3_finalize(st);
    return rc;
}

static enum chiso_err scan(struct sqlite_store *ss, const char *sql,
                           int64_t arg, row_fn row, void *ctx,
                           const char *what)
{
    return scan2(ss, sql, arg, 0, row, ctx, what);
}

/* The caller's callback (the row function knows which) and its context. */
struct scan_ctx {
    union {
        store_blob_fn blob;
        store_token_fn token;
        store_batch_fn batch;
        store_text_fn text;
    } fn;
    void *ctx;
    struct sqlite_store *ss; /* blobs: decompressed into buf */
    void *buf;
    size_t cap;
};

/* Decompresses a stored frame into *out (grown as needed); the frame says
 * its size, which must be at most limit. */
static enum chiso_err decompress(struct sqlite_store *ss, const void *z,
                                 size_t zlen, size_t limit, void **out,
                                 size_t *cap, size_t *len)
{
    unsigned long long n = ZSTD_getFrameContentSize(z, zlen);
    if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ||
        n > limit) {
        snprintf(ss->error, sizeof ss->error, "a stored block is damaged "
                                              "(its frame header)");
        return CHISO_ESTORE;
    }
    *out = xgrow(*out, cap, n ? n : 1, 1);
    size_t got = ZSTD_decompress(*out, n, z, zlen);
    if (ZSTD_isError(got) || got != n) {
        snprintf(ss->error, sizeof ss->error, "a stored block is damaged: %s",
                 ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short frame");
        return CHISO_ESTORE;
    }
    *len = got;
    return CHISO_OK;
}

struct version_scan {
    struct sqlite_store *ss;
    int64_t after_seq;
    store_dossier_fn fn;
    void *ctx;
    void *buf;
    size_t cap;
};

/* One block: calls the callback for each of its versions after after_seq. */
static enum chiso_err block_row(sqlite3_stmt *st, void *arg)
{
    struct version_scan *vs = arg;
    struct sqlite_store *ss = vs->ss;
    int64_t seq = sqlite3_column_int64(st, 0);
    int64_t last = sqlite3_column_int64(st, 1);
    size_t len;
    enum chiso_err rc = decompress(
        ss, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
        CHISO_STORE_BLOCK_LIMIT, &vs->buf, &vs->cap, &len);
    char unit[CHISO_MAX_CODE_BYTES + 1];
    size_t pos = 0;
    for (; rc == CHISO_OK && pos < len; seq++) {
        struct vpack_version v;
        char why[128];
        rc = vpack_next(vs->buf, len, &pos, &v, why, sizeof why);
        if (rc != CHISO_OK) {
            snprintf(ss->error, sizeof ss->error, "block %lld: %s",
                     (long long)sqlite3_column_int64(st, 0), why);
            return CHISO_ESTORE;
        }
        if (seq <= vs->after_seq)
            continue;
        memcpy(unit, v.unit, v.unit_len);
        unit[v.unit_len] = '\0';
        struct store_dossier d = {
            .code = v.code,
            .code_len = v.code_len,
            .unit_code = unit,
            .fact = v.fact,
            .batch = sqlite3_column_int64(st, 2),
            .line = v.line,
        };
        rc = vs->fn(vs->ctx, &d);
    }
    if (rc == CHISO_OK && seq != last + 1) {
        snprintf(ss->error, sizeof ss->error,
                 "block %lld holds %lld versions, not %lld",
                 (long long)sqlite3_column_int64(st, 0),
                 (long long)(seq - sqlite3_column_int64(st, 0)),
                 (long long)(last - sqlite3_column_int64(st, 0) + 1));
        rc = CHISO_ESTORE;
    }
    return rc;
}

static enum chiso_err sq_scan_dossiers(struct store *s, int64_t after_seq,
                                       store_dossier_fn fn, void *ctx)
{
    struct version_scan vs = {from(s), after_seq, fn, ctx, NULL, 0};
    enum chiso_err rc = scan(from(s),
                             "SELECT first_seq, last_seq, batch, versions"
                             " FROM block WHERE last_seq > ? ORDER BY id",
                             after_seq, block_row, &vs, "reading dossiers");
    free(vs.buf);
    return rc;
}

static enum chiso_err sq_last_seq(struct store *s, int64_t *seq)
{
    return read_last_seq(from(s), seq);
}

static enum chiso_err sq_clear_snapshot(struct store *s)
{
    return exec(from(s), "DELETE FROM snapshot_chunk");
}

/* Each chunk a zstd frame, made by the engine on its threads. */
static enum chiso_err sq_put_snapshot_chunk(struct store *s, size_t i,
                                            const void *frame, size_t len)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_PUT_SNAPSHOT];
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
    sqlite3_bind_blob64(st, 2, frame, len, SQLITE_STATIC);
    return step_done(ss, ST_PUT_SNAPSHOT, "storing a snapshot");
}

static enum chiso_err blob_row(sqlite3_stmt *st, void *arg)
{
    struct scan_ctx *sc = arg;
    size_t len;
    enum chiso_err rc = decompress(
        sc->ss, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
        CHISO_STORE_BLOCK_LIMIT, &sc->buf, &sc->cap, &len);
    return rc == CHISO_OK ? sc->fn.blob(sc->ctx, sc->buf, len) : rc;
}

static enum chiso_err sq_scan_snapshot(struct store *s, size_t first,
                                       store_blob_fn fn, void *ctx)
{
    struct scan_ctx sc = {.fn.blob = fn, .ctx = ctx, .ss = from(s)};
    enum chiso_err rc = scan(
        from(s),
        "SELECT data FROM snapshot_chunk WHERE chunk >= ?1 ORDER BY chunk",
        (int64_t)first, blob_row, &sc, "reading the snapshot");
    free(sc.buf);
    return rc;
}

static enum chiso_err sq_get_meta(struct store *s, const char *key, void *buf,
                                  size_t cap, size_t *len)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_GET_META];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    enum chiso_err rc = CHISO_OK;
    if (step == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        memcpy(buf, sqlite3_column_blob(st, 0), n < cap ? n : cap);
        *len = n;
    } else {
        rc = step == SQLITE_DONE ? CHISO_ENOTFOUND : fail(ss, "reading meta");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static enum chiso_err sq_set_meta(struct store *s, const char *key,
                                  const void *value, size_t len)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_SET_META];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
    return step_done(ss, ST_SET_META, "writing meta");
}

static enum chiso_err text_row(sqlite3_stmt *st, void *arg)
{
    struct scan_ctx *sc = arg;
    return sc->fn.text(sc->ctx, (const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1),
                       (size_t)sqlite3_column_bytes(st, 1));
}

static enum chiso_err sq_scan_unit_lists(struct store *s, store_text_fn fn,
                                         void *ctx)
{
    struct scan_ctx sc = {.fn.text = fn, .ctx = ctx};
    return scan(from(s), "SELECT name, content FROM unit_list ORDER BY name",
                0, text_row, &sc, "reading unit lists");
}

static enum chiso_err sq_put_unit_list(struct store *s, const char *name,
                                       const char *text, size_t len)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st = ss->st[ST_PUT_UNIT_LIST];
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
    return step_done(ss, ST_PUT_UNIT_LIST, "storing a unit list");
}

static enum chiso_err sq_put_token(struct store *s, const struct store_token *t)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "INSERT INTO token(id, unit, role, hash, note, created)"
                           " VALUES(?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(ss, "storing a token");
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->role, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, t->hash, STORE_TOKEN_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->note ? t->note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->created);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CHISO_OK : fail(ss, "storing a token");
}

static enum chiso_err sq_revoke_token(struct store *s, const char *id,
                                      int64_t at)
{
    struct sqlite_store *ss = from(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db,
                           "UPDATE token SET revoked=? WHERE id=? AND revoked=0",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(ss, "revoking a token");
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(ss, "revoking a token");
    return sqlite3_changes(ss->db) == 1 ? CHISO_OK : CHISO_ENOTFOUND;
}

static enum chiso_err token_row(sqlite3_stmt *st, void *arg)
{
    struct scan_ctx *sc = arg;
    if (sqlite3_column_bytes(st, 3) != STORE_TOKEN_HASH_BYTES)
        return CHISO_OK; /* damaged: never matches */
    struct store_token t = {
        .id = (const char *)sqlite3_column_text(st, 0),
        .unit_code = (const char *)sqlite3_column_text(st, 1),
        .role = (const char *)sqlite3_column_text(st, 2),
        .hash = sqlite3_column_blob(st, 3),
        .note = (const char *)sqlite3_column_text(st, 4),
        .created = sqlite3_column_int64(st, 5),
        .revoked = sqlite3_column_int64(st, 6),
    };
    return sc->fn.token(sc->ctx, &t);
}

static enum chiso_err sq_scan_tokens(struct store *s, store_token_fn fn,
                                     void *ctx)
{
    struct scan_ctx sc = {.fn.token = fn, .ctx = ctx};
    return scan(from(s),
                "SELECT id, unit, role, hash, note, created, revoked"
                " FROM token ORDER BY created, id",
                0, token_row, &sc, "reading tokens");
}

static enum chiso_err batch_row(sqlite3_stmt *st, void *arg)
{
    struct scan_ctx *sc = arg;
    struct store_batch b = {
        .id = sqlite3_column_int64(st, 0),
        .source = (const char *)sqlite3_column_text(st, 1),
        .actor = (const char *)sqlite3_column_text(st, 2),
        .scope = (const char *)sqlite3_column_text(st, 3),
        .started = sqlite3_column_int64(st, 4),
        .finished = sqlite3_column_int64(st, 5),
        .lines = (uint64_t)sqlite3_column_int64(st, 6),
        .accepted = (uint64_t)sqlite3_column_int64(st, 7),
        .replaced = (uint64_t)sqlite3_column_int64(st, 8),
        .stale = (uint64_t)sqlite3_column_int64(st, 9),
        .refused = (uint64_t)sqlite3_column_int64(st, 10),
    };
    return sc->fn.batch(sc->ctx, &b);
}

static enum chiso_err sq_scan_batches(struct store *s, int64_t before,
                                      size_t limit, store_batch_fn fn,
                                      void *ctx)
{
    struct scan_ctx sc = {.fn.batch = fn, .ctx = ctx};
    return scan2(from(s),
                 "SELECT id, source, actor, scope, started,"
                 " coalesce(finished, 0), lines, accepted, replaced, stale,"
                 " refused FROM batch WHERE ?1 = 0 OR id < ?1"
                 " ORDER BY id DESC LIMIT ?2",
                 before, (int64_t)limit, batch_row, &sc, "reading batches");
}

static const char *sq_last_error(struct store *s)
{
    return from(s)->error;
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put_dossier = sq_put_dossier,
    .put_records = sq_put_records,
    .put_refusal = sq_put_refusal,
    .open_batch = sq_open_batch,
    .update_batch = sq_update_batch,
    .scan_dossiers = sq_scan_dossiers,
    .last_seq = sq_last_seq,
    .clear_snapshot = sq_clear_snapshot,
    .put_snapshot_chunk = sq_put_snapshot_chunk,
    .scan_snapshot = sq_scan_snapshot,
    .get_meta = sq_get_meta,
    .set_meta = sq_set_meta,
    .scan_unit_lists = sq_scan_unit_lists,
    .put_unit_list = sq_put_unit_list,
    .put_token = sq_put_token,
    .revoke_token = sq_revoke_token,
    .scan_tokens = sq_scan_tokens,
    .scan_batches = sq_scan_batches,
    .last_error = sq_last_error,
};

/* The database file's page size (a file made before chiso chose one keeps
 * SQLite's default). */
static enum chiso_err read_page_size(struct sqlite_store *ss)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ss->db, "PRAGMA page_size", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(ss, "reading the page size");
    ss->page_size = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
                                                   : 4096;
    sqlite3_finalize(st);
    return CHISO_OK;
}

/* Checks or records the schema version; *created when the file was new. */
static enum chiso_err check_schema(struct sqlite_store *ss, bool *created,
                                   char *detail, size_t detail_size)
{
    char version[16];
    size_t len = 0;
    enum chiso_err rc =
        sq_get_meta(&ss->base, "schema", version, sizeof version - 1, &len);
    if (rc == CHISO_ENOTFOUND) {
        *created = true;
        return sq_set_meta(&ss->base, "schema", SCHEMA_VERSION,
                           strlen(SCHEMA_VERSION));
    }
    if (rc != CHISO_OK)
        return err_set(detail, detail_size, rc, "%s", ss->error);
    version[len < sizeof version ? len : sizeof version - 1] = '\0';
    *created = false;
    if (strcmp(version, SCHEMA_VERSION) != 0)
        return err_set(detail, detail_size, CHISO_ECONFLICT,
                       "database schema %s; this chiso reads schema %s",
                       version, SCHEMA_VERSION);
    return CHISO_OK;
}

enum chiso_err store_sqlite_open(const char *path, struct store **out,
                                 bool *created, char *detail,
                                 size_t detail_size)
{
    struct sqlite_store *ss = xcalloc(1, sizeof *ss);
    ss->base.ops = &sqlite_ops;
    enum chiso_err rc = CHISO_OK;
    if (sqlite3_open_v2(path, &ss->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX, /* one thread at a time */
                        NULL) !=
        SQLITE_OK) {
        rc = err_set(detail, detail_size, CHISO_EIO, "%s: %s", path,
                     ss->db ? sqlite3_errmsg(ss->db) : "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(ss->db, 10000);
    ss->zc = ZSTD_createCCtx();
    if (ss->zc == NULL) {
        rc = err_set(detail, detail_size, CHISO_ENOMEM, "zstd: no memory");
        goto out;
    }
    store_zstd_records(ss->zc);
    /* 16 KiB pages (a new file only; an older one keeps its own): a block's
     * blobs span a quarter as many overflow pages and WAL frames, each
     * checksummed and chained. A 1M-dossier load: 2.9-3.06 s with 4 KiB
     * pages, 2.76-2.8 s; a durable batch of 1,000 records, 2.95 ms -> 3.17 ms
     * median (more bytes per small commit). */
    rc = exec(ss, "PRAGMA page_size=16384;"
                  "PRAGMA journal_mode=WAL;"
                  "PRAGMA synchronous=FULL;"
                  "PRAGMA cache_size=-65536;"
                  "PRAGMA mmap_size=2147418112;"
                  "PRAGMA temp_store=MEMORY;");
    if (rc == CHISO_OK)
        rc = exec(ss, "BEGIN IMMEDIATE");
    if (rc == CHISO_OK)
        rc = exec(ss, schema);
    for (int i = 0; rc == CHISO_OK && i < ST__COUNT; i++)
        if (sqlite3_prepare_v3(ss->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &ss->st[i],
                               NULL) != SQLITE_OK)
            rc = fail(ss, "preparing statements");
    if (rc != CHISO_OK) {
        rc = err_set(detail, detail_size, CHISO_ESTORE, "%s: %s", path,
                     ss->error);
        goto out;
    }
    rc = check_schema(ss, created, detail, detail_size);
    if (rc == CHISO_OK)
        rc = exec(ss, "COMMIT");
    if (rc == CHISO_OK)
        rc = read_page_size(ss);
    if (rc == CHISO_OK)
        start_checkpointer(ss, path);
    if (rc != CHISO_OK && detail && detail[0] == '\0')
        err_set(detail, detail_size, rc, "%s: %s", path, ss->error);
out:
    if (rc != CHISO_OK) {
        sq_rollback(&ss->base);
        sq_close(&ss->base);
        return rc;
    }
    *out = &ss->base;
    return CHISO_OK;
}
