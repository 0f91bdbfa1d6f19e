/*
 * fuzz_catalogue.c — catalogue_parse() over one catalogue text (SPEC §5).
 *
 * A catalogue that parses must hold indicators with unique codes that
 * catalogue_find() answers, complete names, a compiled expression whose text
 * compiles again, and well-formed targets; every expression is evaluated over
 * the fixed vectors of fuzz_eval.h (zeros and non-zeros). A catalogue that
 * does not parse must say why.
 */
#include <string.h>

#include "core/catalogue.h"
#include "core/expr.h"
#include "core/limits.h"
#include "core/measure.h"
#include "fuzz.h"
#include "fuzz_eval.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_eval_init();
    return 0;
}

static int resolve(void *ctx, const char *name, size_t len)
{
    (void)ctx;
    return measure_find(name, len);
}

static void check_indicator(const struct catalogue *cat,
                            const struct indicator *ind)
{
    FUZZ_CHECK(ind->code != NULL && ind->code[0] != '\0');
    FUZZ_CHECK(catalogue_find(cat, ind->code) == ind);
    FUZZ_CHECK(ind->name_vi != NULL && ind->name_en != NULL &&
               ind->unit != NULL);
    FUZZ_CHECK(ind->expr != NULL && ind->expr_text != NULL);
    FUZZ_CHECK(ind->line >= 1);
    FUZZ_CHECK(ind->ntargets <= CHISO_MAX_TARGETS);
    FUZZ_CHECK(ind->ntargets == 0 || ind->targets != NULL);
    for (size_t t = 0; t < ind->ntargets; t++) {
        FUZZ_CHECK(ind->targets[t].value.den > 0);
        FUZZ_CHECK(ind->targets[t].scope == NULL ||
                   (ind->targets[t].scope[0] != '\0' &&
                    strlen(ind->targets[t].scope) <= CHISO_MAX_CODE_BYTES));
    }

    /* The kept text is the expression that was compiled. */
    struct expr *again = NULL;
    size_t column;
    char detail[160];
    FUZZ_CHECK(expr_compile(ind->expr_text, strlen(ind->expr_text), resolve,
                            NULL, &again, &column, detail,
                            sizeof detail) == CHISO_OK);
    expr_free(again);

    fuzz_eval_all(ind->expr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct catalogue *cat = NULL;
    char detail[CHISO_DETAIL_BYTES];
    detail[0] = '\0';
    enum chiso_err rc =
        catalogue_parse((const char *)data, size, &cat, detail, sizeof detail);
    if (rc != CHISO_OK) {
        FUZZ_CHECK(rc == CHISO_EPARSE || rc == CHISO_ELIMIT);
        FUZZ_CHECK(cat == NULL);
        FUZZ_CHECK(detail[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(cat != NULL);
    size_t n = catalogue_count(cat);
    FUZZ_CHECK(n >= 1 && n <= CHISO_MAX_INDICATORS);
    for (size_t i = 0; i < n; i++)
        check_indicator(cat, catalogue_at(cat, i));
    catalogue_free(cat);
    return 0;
}
