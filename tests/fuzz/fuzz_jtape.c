/*
 * fuzz_jtape.c — the record parser's JSON layer against jansson.
 *
 * jtape replaced jansson on the ingest path for speed (docs/design.md
 * §Parsing); this driver holds it to jansson's answers. For any input,
 * jtape_parse and json_loadb(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL) must
 * both accept or both refuse, and an accepted text must give the same tree:
 * the same types, integers, string bytes, array elements and object members.
 *
 * One known difference, where jtape is right: jansson 2.14 skips a NUL byte
 * that directly follows a number or a literal (its lexer "ungets" that byte,
 * and an ungot NUL reads as an empty buffer), so it accepts `{"a":1\0}`,
 * which is not JSON. jtape refuses it, at the NUL byte.
 */
#include <jansson.h>
#include <string.h>

#include "core/jtape.h"
#include "fuzz.h"

static struct jtape tape;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    jtape_init(&tape);
    return 0;
}

/* Whether tape node i is the same value as jansson's v. */
static void same(uint32_t i, const json_t *v)
{
    const struct jt_node *nd = &tape.nodes[i];
    switch (nd->type) {
    case JT_NULL:
        FUZZ_CHECK(json_is_null(v));
        break;
    case JT_TRUE:
        FUZZ_CHECK(json_is_true(v));
        break;
    case JT_FALSE:
        FUZZ_CHECK(json_is_false(v));
        break;
    case JT_INT:
        FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) == nd->i);
        break;
    case JT_REAL:
        FUZZ_CHECK(json_is_real(v));
        break;
    case JT_STRING: {
        size_t len;
        const char *s = jt_str(&tape, i, &len);
        FUZZ_CHECK(json_is_string(v) && json_string_length(v) == len &&
                   memcmp(json_string_value(v), s, len) == 0);
        FUZZ_CHECK(!(nd->flags & JT_HAS_NUL) == (memchr(s, '\0', len) == NULL));
        break;
    }
    case JT_ARRAY: {
        FUZZ_CHECK(json_is_array(v) && json_array_size(v) == nd->count);
        size_t k = 0;
        for (uint32_t e = jt_first(&tape, i); e != JT_NONE;
             e = jt_next(&tape, i, e))
            same(e, json_array_get(v, k++));
        FUZZ_CHECK(k == nd->count);
        break;
    }
    case JT_OBJECT: {
        FUZZ_CHECK(json_is_object(v) && json_object_size(v) == nd->count);
        for (uint32_t k = jt_first(&tape, i); k != JT_NONE;
             k = jt_next(&tape, i, k)) {
            size_t len;
            const char *key = jt_str(&tape, k, &len);
            /* Keys hold no NUL (both parsers refuse it), so C strings do. */
            char buf[4096];
            if (len >= sizeof buf)
                continue;
            memcpy(buf, key, len);
            buf[len] = '\0';
            const json_t *m = json_object_get(v, buf);
            FUZZ_CHECK(m != NULL);
            FUZZ_CHECK(jt_get(&tape, i, key, len) == k + 1);
            same(k + 1, m);
        }
        break;
    }
    default:
        FUZZ_CHECK(!"unknown node type");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t column;
    char why[96];
    enum chiso_err rc =
        jtape_parse(&tape, (const char *)data, size, &column, why, sizeof why);
    json_error_t err;
    json_t *root = json_loadb((const char *)data, size,
                              JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if ((root == NULL) != (rc != CHISO_OK) &&
        !(rc != CHISO_OK && column <= size && data[column - 1] == '\0'))
        fprintf(stderr, "jtape: %s (column %zu); jansson: %s\n",
                rc == CHISO_OK ? "accepted" : why, rc == CHISO_OK ? 0 : column,
                root ? "accepted" : err.text);
    if (root != NULL && rc != CHISO_OK && data[column - 1] == '\0') {
        json_decref(root); /* jansson's NUL quirk, above */
        return 0;
    }
    FUZZ_CHECK((rc == CHISO_OK) == (root != NULL));
    if (root != NULL) {
        same(0, root);
        json_decref(root);
    } else {
        FUZZ_CHECK(column >= 1 && column <= size + 1);
    }
    return 0;
}
