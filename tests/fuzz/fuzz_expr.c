/*
 * fuzz_expr.c — expr_compile() and expr_eval() over one expression text.
 *
 * Names resolve to the measures (measure_find), as in the catalogue. A text
 * that compiles is evaluated over the fixed vectors of fuzz_eval.h. A text
 * that does not compile must name a column within the text (or just past its
 * end) and a reason, and hand back no expression.
 */
#include <string.h>

#include "core/expr.h"
#include "core/measure.h"
#include "fuzz.h"
#include "fuzz_eval.h"

static int resolve(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return measure_find(name, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_eval_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct expr *e = NULL;
    size_t column = 0;
    char detail[160];
    detail[0] = '\0';
    enum chiso_err rc = expr_compile(text, size, resolve, NULL, &e, &column,
                                     detail, sizeof detail);
    if (rc != CHISO_OK) {
        FUZZ_CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
        FUZZ_CHECK(e == NULL);
        FUZZ_CHECK(column >= 1 && column <= size + 1);
        FUZZ_CHECK(detail[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(e != NULL);
    fuzz_eval_all(e);
    expr_free(e);
    return 0;
}
