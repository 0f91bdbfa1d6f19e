/*
 * jtape.h — strict JSON parsed into a flat tape of nodes.
 *
 * Why not jansson here: jansson parses the demo records at 51 MB/s on the
 * reference machine (a tree of separately allocated nodes and hash tables),
 * below what bulk loads need; this parser writes every node into one reused
 * array and every decoded string into one reused buffer, and reads ~10× as
 * fast (docs/design.md §Parsing has the measurements). It accepts exactly
 * what jansson accepts with JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL and
 * refuses the rest: RFC 8259 grammar, UTF-8 validated (no overlongs, no
 * surrogates, nothing above U+10FFFF), \u escapes with paired surrogates,
 * integers that fit 64 bits, reals that do not overflow a double, nesting up
 * to 2048, no repeated key in any object. tests/fuzz/fuzz_jtape.c holds the
 * two parsers to the same answers.
 *
 * Layout: a value is one node followed by its subtree; `next` is the index
 * just past the subtree. An object's children are key, value, key, value...
 * (keys are JT_STRING nodes); an array's children are its elements.
 */
#ifndef CHISO_JTAPE_H
#define CHISO_JTAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"

enum jt_type { JT_NULL, JT_FALSE, JT_TRUE, JT_INT, JT_REAL, JT_STRING, JT_ARRAY,
               JT_OBJECT };

#define JT_NONE UINT32_MAX

/* jansson's JSON_PARSER_MAX_DEPTH: values nest at most this deep. */
#define JT_MAX_DEPTH 2048

/* jt_node.flags */
#define JT_SRC 1u     /* a string's bytes are in the parsed text (no escape) */
#define JT_HAS_NUL 2u /* a string's decoded bytes hold a NUL (from \\u0000) */

struct jt_node {
    uint8_t type;
    uint8_t flags;  /* JT_STRING: JT_SRC, JT_HAS_NUL */
    uint32_t next;  /* index past this value's subtree */
    uint32_t count; /* object members or array elements */
    uint32_t off;   /* JT_STRING: bytes at (JT_SRC ? src : str) + off */
    uint32_t len;
    int64_t i;      /* JT_INT */
};

struct jtape {
    struct jt_node *nodes;
    size_t n, cap;
    const char *src; /* the text last parsed */
    char *str;       /* strings with escapes, decoded */
    size_t slen, scap;
    uint32_t *scratch; /* duplicate-key detection */
    size_t scratch_cap;
};

void jtape_init(struct jtape *t);
void jtape_free(struct jtape *t);

/*
 * Parses one JSON text of len bytes. Returns CHISO_OK with the tape filled
 * (node 0 is the root), or CHISO_EPARSE with *column (1-based byte column)
 * and a reason in detail. The input must be at most UINT32_MAX bytes, and
 * must stay in place while the tape is read: strings without escapes are
 * not copied, their nodes point into it.
 */
enum chiso_err jtape_parse(struct jtape *t, const char *s, size_t len,
                           size_t *column, char *detail, size_t detail_size);

/*
 * For readers of JSON that build no tape: p just past a string's opening
 * quote; returns its closing quote when the string holds no escape and is
 * valid (UTF-8 as jtape_parse checks it, no control character), NULL
 * otherwise (an escape, an invalid byte, or no closing quote before end).
 */
const char *jt_plain_string(const char *p, const char *end);

/* The bytes of the 8 at p that end a plain run of a string ('"', '\\', a
 * control character, a non-ASCII byte), as the high bit of each (SWAR; a
 * false mark can only lie above a true one, so the lowest mark is exact). */
static inline uint64_t jt_special_bytes(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) |
            ((v - ones * 0x20) & ~v) | v) &
           high;
}

/* Past the plain bytes (printable ASCII other than '"' and '\\') from p:
 * inline, as strings are short and read by the million. */
static inline const char *jt_plain_run(const char *p, const char *end)
{
    for (; end - p >= 8; p += 8) {
        uint64_t hits = jt_special_bytes(p);
        if (hits != 0) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(hits) >> 3);
#else
            break;
#endif
        }
    }
    while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 &&
           *p != '"' && *p != '\\')
        p++;
    return p;
}

/* The value of key (klen bytes) in object node obj, or JT_NONE. */
uint32_t jt_get(const struct jtape *t, uint32_t obj, const char *key,
                size_t klen);

/* The first child of an array or object (JT_NONE when empty), and the one
 * after a child (for objects: from a key to the next key). */
uint32_t jt_first(const struct jtape *t, uint32_t parent);
uint32_t jt_next(const struct jtape *t, uint32_t parent, uint32_t child);

/* A string node's decoded bytes (nodes[node].len of them). */
static inline const char *jt_bytes(const struct jtape *t, uint32_t node)
{
    const struct jt_node *nd = &t->nodes[node];
    return (nd->flags & JT_SRC ? t->src : t->str) + nd->off;
}

/* A string node's decoded bytes (may hold NUL bytes: JT_HAS_NUL). */
static inline const char *jt_str(const struct jtape *t, uint32_t node,
                                 size_t *len)
{
    *len = t->nodes[node].len;
    return jt_bytes(t, node);
}

#endif
