/*
 * demo.c — generating the demo year of dossiers.
 *
 * Calibration (see demo.h): ministries handle 68 % of dossiers (the Ministry
 * of Public Security most of them), so that 0.68 × 51 % + 0.32 × 15 % ≈
 * 39.5 % nationally. Rates rise through the year by 5 points of the June
 * level per month (June is the reference month). Everything is drawn from
 * one seeded splitmix64 stream, so a seed always gives the same file.
 */
#include "engine/demo.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/unit.h"
#include "core/vtime.h"

#define MINISTRY_SHARE 0.68
#define MINISTRY_RATE 0.51
#define PROVINCE_RATE 0.15
#define ELIGIBLE_SHARE 0.75 /* dossiers of full-process eligible procedures */

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(struct rng *r)
{
    return (double)(next(r) >> 11) * 0x1.0p-53;
}

static bool chance(struct rng *r, double p)
{
    return uniform(r) < p;
}

static uint32_t below(struct rng *r, uint32_t n)
{
    return (uint32_t)(uniform(r) * n);
}

/* A standard normal draw (Box–Muller). */
static double normal(struct rng *r)
{
    double u = uniform(r), v = uniform(r);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* A handling unit with its sampling weight and its own service profile. */
struct handler {
    uint32_t unit;
    double weight, rate, on_time;
    uint32_t *old_codes; /* lineage entries (provinces only) */
    size_t nold;
};

struct gen {
    const struct unit_registry *reg;
    struct rng rng;
    struct handler *h;
    size_t nh, nministries;
    double ministry_total, province_total;
    demo_line_fn fn;
    void *ctx;
    char line[4096];
    size_t len;
};

static double ministry_weight(const char *code)
{
    static const struct {
        const char *code;
        double w;
    } big[] = {{"BCA", 40}, {"BTC", 8}, {"BTP", 6}, {"BXD", 5}, {"BNNMT", 5},
               {"BYT", 4},  {"BGDDT", 3}, {"BNV", 3}, {"BCT", 3}};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        if (strcmp(big[i].code, code) == 0)
            return big[i].w;
    return 1;
}

static void build_handlers(struct gen *g)
{
    const struct unit_registry *reg = g->reg;
    size_t n = units_count(reg);
    g->h = xcalloc(n, sizeof *g->h);
    for (uint32_t u = 0; u < n; u++) {
        const struct unit *x = unit_at(reg, u);
        if (x->level != UNIT_MINISTRY)
            continue;
        double w = ministry_weight(x->code);
        double rate = strcmp(x->code, "BCA") == 0
                          ? 0.50
                          : MINISTRY_RATE * (0.7 + 0.6 * uniform(&g->rng));
        g->h[g->nh++] = (struct handler){u, w, rate, 0.9 + 0.08 * uniform(&g->rng),
                                         NULL, 0};
        g->ministry_total += w;
    }
    g->nministries = g->nh;
    for (uint32_t u = 0; u < n; u++) {
        const struct unit *x = unit_at(reg, u);
        if (x->level != UNIT_PROVINCE)
            continue;
        /* Lognormal spread around the provincial mean (σ = 0.6 has mean
         * e^0.18 ≈ 1.2, hence the division). */
        double rate = PROVINCE_RATE * exp(0.6 * normal(&g->rng)) / 1.2;
        if (rate > 0.7)
            rate = 0.7;
        struct handler *h = &g->h[g->nh++];
        *h = (struct handler){u, (double)x->nchildren + 20, rate,
                              0.8 + 0.18 * uniform(&g->rng), NULL, 0};
        for (size_t i = 0; i < units_lineage_count(reg); i++)
            if (unit_lineage_at(reg, i)->successor == u) {
                h->old_codes = xrealloc(h->old_codes,
                                        (h->nold + 1) * sizeof *h->old_codes);
                h->old_codes[h->nold++] = (uint32_t)i;
            }
        g->province_total += h->weight;
    }
}

static const struct handler *pick(struct gen *g, bool ministry)
{
    size_t lo = ministry ? 0 : g->nministries, hi = ministry ? g->nministries : g->nh;
    double x = uniform(&g->rng) * (ministry ? g->ministry_total : g->province_total);
    for (size_t i = lo; i < hi; i++) {
        x -= g->h[i].weight;
        if (x < 0)
            return &g->h[i];
    }
    return &g->h[hi - 1];
}

static void put(struct gen *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(g->line + g->len, sizeof g->line - g->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        g->len += (size_t)n < sizeof g->line - g->len ? (size_t)n
                                                      : sizeof g->line - g->len - 1;
}

static void stamp(char out[32], int64_t moment)
{
    int32_t day = vt_day_of(moment);
    int64_t s = moment - (int64_t)day * 86400;
    int y, m, d;
    vt_civil_from_days(day, &y, &m, &d);
    snprintf(out, 32, "%04d%02d%02d%02d%02d%02d", y % 10000, m % 100, d % 100,
             (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* One dossier's drawn life; versions are written from it. */
struct dossier {
    char code[32], unit[16], proc[16];
    int status, channel, level, payment;
    bool digitised, vneid, e_result;
    int64_t recv, due, finish, refused_at;
    int supplements;
    int64_t fee1, fee2;
    char id[16];
    int id_kind;
};

static void draw_id(struct gen *g, struct dossier *d)
{
    double x = uniform(&g->rng);
    const struct unit_lineage *l =
        unit_lineage_at(g->reg, below(&g->rng, (uint32_t)units_lineage_count(g->reg)));
    if (x < 0.90) {
        int century = chance(&g->rng, 0.6) ? (int)below(&g->rng, 2)
                                           : 2 + (int)below(&g->rng, 2);
        snprintf(d->id, sizeof d->id, "0%.2s%d%02u%06u", l->old_code, century,
                 below(&g->rng, 100), below(&g->rng, 1000000));
        d->id_kind = 1;
    } else if (x < 0.94) {
        snprintf(d->id, sizeof d->id, "099%d%02u%06u", (int)below(&g->rng, 4),
                 below(&g->rng, 100), below(&g->rng, 1000000));
        d->id_kind = 1; /* not a birth-registration province: invalid */
    } else {
        snprintf(d->id, sizeof d->id, "%09u", below(&g->rng, 1000000000));
        d->id_kind = 2;
    }
}

static void draw(struct gen *g, struct dossier *d, uint32_t seq, int year,
                 int month, double trend)
{
    memset(d, 0, sizeof *d);
    bool ministry = chance(&g->rng, MINISTRY_SHARE);
    const struct handler *h = pick(g, ministry);
    const struct unit *u = unit_at(g->reg, h->unit);
    if (ministry) {
        snprintf(d->unit, sizeof d->unit, "%s", u->code);
    } else if (month < 7 && h->nold > 0) {
        /* Before the merger the sync names the old province. */
        snprintf(d->unit, sizeof d->unit, "%s",
                 unit_lineage_at(g->reg, h->old_codes[below(&g->rng, (uint32_t)h->nold)])
                     ->old_code);
    } else if (u->nchildren > 0 && chance(&g->rng, 0.85)) {
        snprintf(d->unit, sizeof d->unit, "%s",
                 unit_at(g->reg, u->children[below(&g->rng, u->nchildren)])->code);
    } else {
        snprintf(d->unit, sizeof d->unit, "%s", u->code);
    }
    snprintf(d->code, sizeof d->code, "DEMO-%04d-%08u", year, seq);
    snprintf(d->proc, sizeof d->proc, "1.%06u", 1000 + below(&g->rng, 900));
    int mdays = vt_month_days(year, month);
    d->recv = (int64_t)vt_days_from_civil(year, month, 1 + (int)below(&g->rng, (uint32_t)mdays)) * 86400 +
              7 * 3600 + below(&g->rng, 10 * 3600);
    double rate = h->rate * trend;
    d->level = chance(&g->rng, ELIGIBLE_SHARE) ? 4 : chance(&g->rng, 0.7) ? 3 : 2;
    double p_online = d->level == 4 ? rate / ELIGIBLE_SHARE : 0.25 * rate;
    if (p_online > 0.97)
        p_online = 0.97;
    d->channel = chance(&g->rng, p_online) ? 2 : chance(&g->rng, 0.04) ? 3 : 1;
    d->due = d->recv + (3 + below(&g->rng, 13)) * 86400;
    double x = uniform(&g->rng);
    double open_share = month == 12 ? 0.25 : month == 11 ? 0.08 : 0.02;
    if (x < 0.03)
        d->status = 1;
    else if (x < 0.05)
        d->status = 3;
    else if (x < 0.065)
        d->status = 7;
    else if (x < 0.08)
        d->status = 8;
    else if (x < 0.08 + open_share)
        d->status = (int[]){2, 4, 4, 4, 5, 6}[below(&g->rng, 6)];
    else
        d->status = chance(&g->rng, 0.8) ? 10 : 9;
    if (d->status == 3 || d->status == 8)
        d->refused_at = d->recv + (d->status == 3 ? 1 : 5) * 86400;
    if (d->status >= 9) {
        if (chance(&g->rng, h->on_time))
            d->finish = d->recv + (int64_t)((0.3 + 0.7 * uniform(&g->rng)) *
                                            (double)(d->due - d->recv));
        else
            d->finish = d->due + 3600 + below(&g->rng, 10 * 86400);
        d->e_result = chance(&g->rng, d->channel == 2 ? 0.85 : 0.5);
    }
    double s = uniform(&g->rng);
    d->supplements = s < 0.02 ? 2 : s < 0.10 ? 1 : 0;
    if (chance(&g->rng, 0.30)) {
        static const int64_t fees[] = {15000, 30000, 50000, 100000, 200000, 500000};
        d->fee1 = fees[below(&g->rng, 6)];
        if (chance(&g->rng, 0.3))
            d->fee2 = fees[below(&g->rng, 3)];
        bool paid = chance(&g->rng, d->channel == 2 ? 0.55 : 0.08);
        d->payment = paid ? 1 + (int)below(&g->rng, 2) : 0;
    }
    d->vneid = chance(&g->rng, d->channel == 2 ? 0.8 : 0.2);
    d->digitised = chance(&g->rng, 0.6);
    draw_id(g, d);
}

/* Writes one version of d with the given status and update stamp. */
static enum chiso_err emit(struct gen *g, const struct dossier *d, int status,
                           int64_t updated, int64_t arrival_delay)
{
    char t[32];
    g->len = 0;
    put(g, "{\"MaHoSo\":\"%s\",\"MaDonVi\":\"%s\",\"MaTTHC\":\"%s\","
           "\"KenhThucHien\":%d,\"MucDo\":%d,\"TrangThaiHoSo\":%d",
        d->code, d->unit, d->proc, d->channel, d->level, status);
    stamp(t, d->recv - 600);
    put(g, ",\"NgayNopHoSo\":\"%s\"", t);
    if (status >= 2) {
        stamp(t, d->recv);
        put(g, ",\"NgayTiepNhan\":\"%s\"", t);
        stamp(t, d->due);
        put(g, ",\"NgayHenTra\":\"%s\"", t);
    }
    if (status >= 9) {
        stamp(t, d->finish);
        put(g, ",\"NgayKetThucXuLy\":\"%s\"", t);
        if (status == 10) {
            stamp(t, d->finish + 3600);
            put(g, ",\"NgayTra\":\"%s\"", t);
        }
    }
    if (status == 3 || status == 8) {
        stamp(t, d->refused_at);
        put(g, ",\"NgayTuChoi\":\"%s\"", t);
    }
    put(g, ",\"HoSoCoThanhPhanSoHoa\":\"%d\",\"TaiKhoanDuocXacThucVoiVNeID\":"
           "\"%d\",\"DuocThanhToanTrucTuyen\":%d",
        d->digitised, d->vneid, d->payment);
    put(g, ",\"DanhSachLePhi\":[");
    if (d->fee1)
        put(g, "{\"MaPhiLePhi\":\"LP01\",\"Gia\":%lld}", (long long)d->fee1);
    if (d->fee2)
        put(g, ",{\"MaPhiLePhi\":\"LP02\",\"Gia\":%lld}", (long long)d->fee2);
    put(g, "],\"DinhDanhCHS\":[{\"LoaiDinhDanh\":%d,\"SoDinhDanh\":\"%s\"}]",
        d->id_kind, d->id);
    if (status >= 9)
        put(g, ",\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":\"KQ01\","
               "\"DuongDanTepTinKetQua\":\"%s\"}]",
            d->e_result ? "https://dvc.example.vn/kq/1.pdf" : "");
    if (d->supplements > 0 && status >= 4) {
        put(g, ",\"DanhSachHoSoBoSung\":[");
        for (int i = 0; i < d->supplements; i++) {
            char a[32], b[32];
            stamp(a, d->recv + (1 + 2 * i) * 86400);
            stamp(b, d->recv + (2 + 2 * i) * 86400);
            put(g, "%s{\"NgayYeuCau\":\"%s\",\"NgayBoSung\":\"%s\"}",
                i ? "," : "", a, b);
        }
        put(g, "]");
    }
    stamp(t, updated);
    put(g, ",\"NgayCapNhat\":\"%s\"}", t);
    return g->fn(g->ctx, g->line, g->len, updated - VT_UTC_OFFSET + arrival_delay);
}

/* A sync's delay: minutes mostly, days for a few late systems. */
static int64_t delay(struct gen *g)
{
    return chance(&g->rng, 0.9) ? 60 + below(&g->rng, 7200)
                                : 86400 + below(&g->rng, 3 * 86400);
}

static enum chiso_err month(struct gen *g, int year, int m, uint32_t first,
                            uint32_t count)
{
    double trend = 0.75 + 0.05 * (m - 1);
    struct dossier *ds = xmalloc((count ? count : 1) * sizeof *ds);
    for (uint32_t i = 0; i < count; i++)
        draw(g, &ds[i], first + i, year, m, trend);
    enum chiso_err rc = CHISO_OK;
    /* First versions: as received (registered ones stay at status 1). */
    for (uint32_t i = 0; i < count && rc == CHISO_OK; i++) {
        const struct dossier *d = &ds[i];
        int status = d->status == 1 ? 1 : d->status == 3 ? 3 : 2;
        rc = emit(g, d, status, d->recv + 300, delay(g));
    }
    /* Final versions, corrections and stale re-sends. */
    for (uint32_t i = 0; i < count && rc == CHISO_OK; i++) {
        struct dossier *d = &ds[i];
        if (d->status == 1 || d->status == 3)
            continue;
        int64_t upd = d->finish ? d->finish + 60
                      : d->refused_at ? d->refused_at + 60
                                      : d->recv + 86400;
        rc = emit(g, d, d->status, upd, delay(g));
        if (rc == CHISO_OK && chance(&g->rng, 0.05)) {
            d->payment = d->payment ? d->payment : (d->fee1 ? 1 : 0);
            d->digitised = true;
            rc = emit(g, d, d->status, upd + 120, delay(g));
        }
        if (rc == CHISO_OK && chance(&g->rng, 0.03))
            rc = emit(g, d, 2, d->recv + 300, 2 * 86400);
    }
    free(ds);
    return rc;
}

enum chiso_err demo_generate(const struct unit_registry *reg,
                             const struct demo_options *opt, demo_line_fn fn,
                             void *ctx)
{
    struct gen g = {.reg = reg, .rng = {opt->seed}, .fn = fn, .ctx = ctx};
    build_handlers(&g);
    enum chiso_err rc = CHISO_OK;
    uint32_t seq = 1;
    /* The new local-government system brings more dossiers from July. */
    double weights[12], total = 0;
    for (int m = 0; m < 12; m++)
        total += weights[m] = m >= 6 ? 1.15 : 1.0;
    for (int m = 1; m <= 12 && rc == CHISO_OK; m++) {
        uint32_t n = (uint32_t)(opt->dossiers * weights[m - 1] / total);
        rc = month(&g, opt->year, m, seq, n);
        seq += n;
    }
    for (size_t i = 0; i < g.nh; i++)
        free(g.h[i].old_codes);
    free(g.h);
    return rc;
}
