/*
 * expr.c — recursive-descent compiler to a node array, and an exact
 * evaluator.
 *
 *   expr   := term (('+' | '-' | '−') term)*
 *   term   := unary (('*' | '/' | '×' | '÷') unary)*
 *   unary  := ('-' | '−') unary | primary
 *   primary:= number | name | '(' expr ')'
 */
#include "core/expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"

enum op { OP_NUM, OP_VAR, OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV };

struct node {
    enum op op;
    int a, b;         /* operand node indexes */
    int var;          /* OP_VAR */
    struct rational num; /* OP_NUM */
};

struct expr {
    struct node *nodes;
    size_t n, cap;
    int root;
};

struct parser {
    const char *s;
    size_t len, pos;
    unsigned depth;
    expr_resolver resolve;
    void *ctx;
    struct expr *e;
    size_t err_pos;
    char *detail;
    size_t detail_size;
};

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
    p->err_pos = pos;
    if (p->detail != NULL && p->detail_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->detail, p->detail_size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int add_node(struct parser *p, struct node nd)
{
    p->e->nodes = xgrow(p->e->nodes, &p->e->cap, p->e->n + 1, sizeof nd);
    p->e->nodes[p->e->n] = nd;
    return (int)p->e->n++;
}

static void skip_space(struct parser *p)
{
    while (p->pos < p->len &&
           (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

/* Matches an operator at the current position: returns its op, consuming
 * it, or -1. Accepts the UTF-8 forms of −, × and ÷. */
static int match_op(struct parser *p, const char *ascii, const char *const *utf8,
                    const enum op *ops, size_t nops)
{
    skip_space(p);
    for (size_t i = 0; i < nops; i++) {
        if (p->pos < p->len && p->s[p->pos] == ascii[i]) {
            p->pos++;
            return (int)ops[i];
        }
        size_t ul = strlen(utf8[i]);
        if (ul > 0 && p->len - p->pos >= ul &&
            memcmp(p->s + p->pos, utf8[i], ul) == 0) {
            p->pos += ul;
            return (int)ops[i];
        }
    }
    return -1;
}

static const char *const minus_utf8[] = {"\xE2\x88\x92"};

static int parse_expr(struct parser *p);

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static int parse_primary(struct parser *p)
{
    skip_space(p);
    if (p->pos >= p->len)
        return fail(p, p->pos, "expected a number, a name or '('");
    char c = p->s[p->pos];
    size_t start = p->pos;
    if (c == '(') {
        p->pos++;
        int inner = parse_expr(p);
        if (inner < 0)
            return -1;
        skip_space(p);
        if (p->pos >= p->len || p->s[p->pos] != ')')
            return fail(p, start, "this '(' is never closed");
        p->pos++;
        return inner;
    }
    if ((c >= '0' && c <= '9') || c == '.') {
        while (p->pos < p->len &&
               ((p->s[p->pos] >= '0' && p->s[p->pos] <= '9') ||
                p->s[p->pos] == '.'))
            p->pos++;
        struct rational q;
        if (!q_parse_decimal(p->s + start, p->pos - start, &q))
            return fail(p, start, "'%.*s' is not a number",
                        (int)(p->pos - start), p->s + start);
        return add_node(p, (struct node){.op = OP_NUM, .num = q});
    }
    if (is_name_start(c)) {
        while (p->pos < p->len && is_name_char(p->s[p->pos]))
            p->pos++;
        int var = p->resolve(p->ctx, p->s + start, p->pos - start);
        if (var < 0)
            return fail(p, start, "unknown name '%.*s'", (int)(p->pos - start),
                        p->s + start);
        return add_node(p, (struct node){.op = OP_VAR, .var = var});
    }
    return fail(p, start, "unexpected character '%c'",
                (c >= 32 && c < 127) ? c : '?');
}

static int parse_unary(struct parser *p)
{
    if (++p->depth > CHISO_MAX_EXPR_DEPTH)
        return fail(p, p->pos, "nested deeper than %u", CHISO_MAX_EXPR_DEPTH);
    int r;
    static const enum op neg[] = {OP_NEG};
    if (match_op(p, "-", minus_utf8, neg, 1) >= 0) {
        int a = parse_unary(p);
        r = a < 0 ? -1 : add_node(p, (struct node){.op = OP_NEG, .a = a});
    } else {
        r = parse_primary(p);
    }
    p->depth--;
    return r;
}

static int parse_term(struct parser *p)
{
    static const char *const utf8[] = {"\xC3\x97", "\xC3\xB7"};
    static const enum op ops[] = {OP_MUL, OP_DIV};
    int left = parse_unary(p);
    while (left >= 0) {
        int op = match_op(p, "*/", utf8, ops, 2);
        if (op < 0)
            break;
        int right = parse_unary(p);
        if (right < 0)
            return -1;
        left = add_node(p, (struct node){.op = (enum op)op, .a = left, .b = right});
    }
    return left;
}

static int parse_expr(struct parser *p)
{
    static const char *const utf8[] = {"", "\xE2\x88\x92"};
    static const enum op ops[] = {OP_ADD, OP_SUB};
    if (++p->depth > CHISO_MAX_EXPR_DEPTH)
        return fail(p, p->pos, "nested deeper than %u", CHISO_MAX_EXPR_DEPTH);
    int left = parse_term(p);
    while (left >= 0) {
        int op = match_op(p, "+-", utf8, ops, 2);
        if (op < 0)
            break;
        int right = parse_term(p);
        if (right < 0)
            return -1;
        left = add_node(p, (struct node){.op = (enum op)op, .a = left, .b = right});
    }
    p->depth--;
    return left;
}

enum chiso_err expr_compile(const char *text, size_t len, expr_resolver resolve,
                            void *ctx, struct expr **out, size_t *column,
                            char *detail, size_t detail_size)
{
    if (len > CHISO_MAX_EXPR_BYTES) {
        *column = 1;
        return err_set(detail, detail_size, CHISO_ELIMIT,
                       "expression longer than %u bytes", CHISO_MAX_EXPR_BYTES);
    }
    struct parser p = {
        .s = text,
        .len = len,
        .resolve = resolve,
        .ctx = ctx,
        .e = xcalloc(1, sizeof(struct expr)),
        .detail = detail,
        .detail_size = detail_size,
    };
    int root = parse_expr(&p);
    if (root >= 0) {
        skip_space(&p);
        if (p.pos < p.len)
            root = fail(&p, p.pos, "unexpected '%c' after a complete expression",
                        (p.s[p.pos] >= 32 && p.s[p.pos] < 127) ? p.s[p.pos] : '?');
    }
    if (root < 0) {
        *column = p.err_pos + 1;
        expr_free(p.e);
        return CHISO_EPARSE;
    }
    p.e->root = root;
    *out = p.e;
    return CHISO_OK;
}

void expr_free(struct expr *e)
{
    if (e == NULL)
        return;
    free(e->nodes);
    free(e);
}

static bool is_const(const struct expr *e, int i)
{
    const struct node *nd = &e->nodes[i];
    switch (nd->op) {
    case OP_NUM:
        return true;
    case OP_VAR:
        return false;
    case OP_NEG:
        return is_const(e, nd->a);
    default:
        return is_const(e, nd->a) && is_const(e, nd->b);
    }
}

/* Strips constant factors and constant divisors: 100 × A → A, A / 86400 → A. */
static int strip(const struct expr *e, int i)
{
    for (;;) {
        const struct node *nd = &e->nodes[i];
        if (nd->op == OP_MUL && is_const(e, nd->a) && !is_const(e, nd->b))
            i = nd->b;
        else if ((nd->op == OP_MUL || nd->op == OP_DIV) && is_const(e, nd->b) &&
                 !is_const(e, nd->a))
            i = nd->a;
        else
            return i;
    }
}

static enum q_status eval(const struct expr *e, int i, const int64_t *vars,
                          struct rational *out)
{
    const struct node *nd = &e->nodes[i];
    struct rational a, b;
    enum q_status st;
    switch (nd->op) {
    case OP_NUM:
        *out = nd->num;
        return Q_OK;
    case OP_VAR:
        *out = q_from_int(vars[nd->var]);
        return Q_OK;
    case OP_NEG:
        st = eval(e, nd->a, vars, &a);
        return st == Q_OK ? q_sub(q_from_int(0), a, out) : st;
    default:
        break;
    }
    st = eval(e, nd->a, vars, &a);
    if (st == Q_OK)
        st = eval(e, nd->b, vars, &b);
    if (st != Q_OK)
        return st;
    switch (nd->op) {
    case OP_ADD:
        return q_add(a, b, out);
    case OP_SUB:
        return q_sub(a, b, out);
    case OP_MUL:
        return q_mul(a, b, out);
    default:
        return q_div(a, b, out);
    }
}

void expr_eval(const struct expr *e, const int64_t *vars,
               struct expr_result *out)
{
    *out = (struct expr_result){0};
    out->has_value = eval(e, e->root, vars, &out->value) == Q_OK;
    int top = strip(e, e->root);
    const struct node *nd = &e->nodes[top];
    if (nd->op == OP_DIV) {
        out->has_ratio = true;
        out->has_parts =
            eval(e, strip(e, nd->a), vars, &out->numerator) == Q_OK &&
            eval(e, nd->b, vars, &out->denominator) == Q_OK;
    } else {
        out->has_parts = eval(e, top, vars, &out->numerator) == Q_OK;
        out->denominator = q_from_int(1);
    }
}

void expr_each_var(const struct expr *e, void (*fn)(void *ctx, int var),
                   void *ctx)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->nodes[i].op == OP_VAR)
            fn(ctx, e->nodes[i].var);
}
