/*
 * frames.h — input lines kept as zstd frames.
 *
 * The store keeps every line a load received, verbatim and in order, as
 * zstd frames: the lines of a run joined by newlines, the frames
 * of consecutive runs concatenated (zstd decompresses a concatenation of
 * frames to the concatenation of their contents). A frame is made where the
 * lines are parsed, on the parsing threads, so that compressing costs the
 * committing thread nothing. With the settings of store/zparams.c (level 1,
 * a small hash table) zstd compresses dossier NDJSON about 11 times at
 * ~1,100 MB/s a core on the benchmark machine; level 3 gained 1 % at two
 * thirds of level 1's speed.
 */
#ifndef CHISO_FRAMES_H
#define CHISO_FRAMES_H

#include <stddef.h>

/* A growable byte buffer. */
struct frame_buf {
    unsigned char *data;
    size_t len, cap;
};

/* Appends a line and its newline to text (lines joined for frame_text). */
void frame_join(struct frame_buf *text, const char *line, size_t len);

/* Appends to out one frame of text's n bytes, with the calling thread's
 * compression context. */
void frame_text(struct frame_buf *out, const void *text, size_t n);

/* Replaces out's contents with one zstd frame of a snapshot chunk's n
 * bytes (slots with keyed hashes and counters, mostly zeros: zstd's "fast"
 * level -1, 520-570 MB/s a core on slots for a ratio of 1.63, where level 1
 * gave 340-450 MB/s for 1.73), with the calling thread's context. */
void frame_snapshot(struct frame_buf *out, const void *data, size_t n);

void frame_buf_free(struct frame_buf *b);

/* The calling thread's scratch buffer (to join lines in). */
struct frame_buf *frame_scratch(void);

/* Frees the calling thread's compression context (each thread that made
 * frames calls it before it ends; harmless otherwise). */
void frame_thread_done(void);

#endif
