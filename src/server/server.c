/*
 * server.c — libmicrohttpd plumbing: requests, routing, access, logging,
 * start and graceful stop.
 */
#include "server/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/limits.h"
#include "core/mem.h"
#include "server/web.h"
#include "core/unit.h"
#include "engine/chiso.h"
#include "engine/prep.h"
#include "server/internal.h"

/* Bytes of an oversized body read and dropped before the connection is
 * closed instead. */
#define DROP_LIMIT ((size_t)256 << 20)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void reply_error(struct reply *out, unsigned status, const char *code,
                 const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_decref(out->json);
    out->status = status;
    out->json = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
                          msg);
}

const char *query_arg(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result send_text(struct MHD_Connection *conn,
                                 struct request *r, unsigned status,
                                 const char *type, char *text, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->allow != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    r->status = status;
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
                                  struct request *r, struct reply *rep)
{
    if (rep->text != NULL) {
        char *text = rep->text;
        rep->text = NULL;
        return send_text(conn, r, rep->status, "application/json", text,
                         rep->len);
    }
    char *text = json_dumps(rep->json, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(rep->json);
    rep->json = NULL;
    if (text == NULL) {
        text = xstrdup("{\"error\":{\"code\":\"internal\","
                       "\"message\":\"cannot encode the answer\"}}");
        rep->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    size_t len = strlen(text);
    /* A newline ends the document: friendlier to curl and logs. */
    char *with_nl = xrealloc(text, len + 2);
    with_nl[len] = '\n';
    with_nl[len + 1] = '\0';
    return send_text(conn, r, rep->status, "application/json", with_nl,
                     len + 1);
}

/* Who the request is from: *who set and true for a valid token; false
 * (with who untouched) without one. A token id the server has not seen is
 * looked up again in the store, at most once a second, so that a token
 * created while the server runs works at once. */
static bool identify(struct server *s, struct MHD_Connection *conn,
                     struct auth_who *who)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (h == NULL)
        return false;
    pthread_mutex_lock(&s->auth_mu);
    /* Re-read at most once a second when a request comes, so that a token
     * created or revoked while the server runs counts within ~2 s. */
    time_t now = time(NULL);
    if (now != s->auth_loaded) {
        struct auth *fresh = NULL;
        pthread_rwlock_wrlock(&s->lock); /* the store is single-user */
        if (auth_load(s->c, &fresh, NULL, 0) == CHISO_OK) {
            auth_free(s->auth);
            s->auth = fresh;
        }
        pthread_rwlock_unlock(&s->lock);
        s->auth_loaded = time(NULL);
    }
    bool ok = auth_check(s->auth, h, who);
    pthread_mutex_unlock(&s->auth_mu);
    return ok;
}

/* Whether a Content-Type names NDJSON: application/x-ndjson (or
 * application/jsonl), any case, parameters after ';' ignored. */
static bool ndjson_type(const char *type)
{
    if (type == NULL)
        return false;
    size_t n = strcspn(type, ";");
    while (n > 0 && (type[n - 1] == ' ' || type[n - 1] == '\t'))
        n--;
    static const char *const names[] = {"application/x-ndjson",
                                        "application/jsonl"};
    for (size_t i = 0; i < 2; i++)
        if (n == strlen(names[i]) && strncasecmp(type, names[i], n) == 0)
            return true;
    return false;
}

/* Routes of the API. */
enum route {
    R_NONE,
    R_HEALTH,
    R_METRICS,
    R_OPENAPI,
    R_UNITS,
    R_UNIT,
    R_INDICATORS,
    R_VALUES,
    R_RANKINGS,
    R_MEASURES,
    R_SPAN,
    R_SERIES,
    R_AUDIT,
    R_STREAM,
    R_DOSSIERS,
    R_INDEX,
    R_ASSET,
};

static const struct {
    const char *method, *path;
    enum route route;
} routes[] = {
    {"GET", "/healthz", R_HEALTH},
    {"GET", "/metrics", R_METRICS},
    {"GET", "/api/v1/openapi.json", R_OPENAPI},
    {"GET", "/api/v1/units", R_UNITS},
    {"GET", "/api/v1/units/", R_UNIT}, /* + code */
    {"GET", "/api/v1/indicators", R_INDICATORS},
    {"GET", "/api/v1/values", R_VALUES},
    {"GET", "/api/v1/rankings", R_RANKINGS},
    {"GET", "/api/v1/measures", R_MEASURES},
    {"GET", "/api/v1/span", R_SPAN},
    {"GET", "/api/v1/series", R_SERIES},
    {"GET", "/api/v1/audit", R_AUDIT},
    {"GET", "/api/v1/stream", R_STREAM},
    {"POST", "/api/v1/dossiers", R_DOSSIERS},
    {"GET", "/", R_INDEX},
    {"GET", "/assets/", R_ASSET}, /* + name */
};

/* The route of a path; *allowed the method the path takes when it exists
 * with another (NULL otherwise); *rest the unit code of
 * /api/v1/units/CODE or /assets/NAME. "/" alone is the page, not a
 * prefix. */
static enum route find_route(const char *method, const char *url,
                             const char **allowed, const char **rest)
{
    *allowed = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        size_t n = strlen(routes[i].path);
        bool prefix = n > 1 && routes[i].path[n - 1] == '/';
        bool match = prefix ? strncmp(url, routes[i].path, n) == 0 &&
                                  url[n] != '\0' && strchr(url + n, '/') == NULL
                            : strcmp(url, routes[i].path) == 0;
        if (!match)
            continue;
        if (strcmp(method, routes[i].method) == 0) {
            *rest = prefix ? url + n : NULL;
            return routes[i].route;
        }
        *allowed = routes[i].method;
    }
    return R_NONE;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    struct request *r = *con_cls;
    if (r == NULL) {
        r = xcalloc(1, sizeof *r);
        r->start = now_s();
        snprintf(r->actor, sizeof r->actor, "-");
        snprintf(r->method, sizeof r->method, "%s", method);
        r->url = xstrndup(url, 200);
        *con_cls = r;
        /* A batch declaring a body over the limit, from a client that waits
         * for "100 Continue" before sending it, is refused at once. Other
         * clients send the body before they read an answer: it is read and
         * dropped (up to a bound), so that they get their 413. */
        const char *cl = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *expect = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
        if (strcmp(method, "POST") == 0 &&
            strcmp(url, "/api/v1/dossiers") == 0 && cl != NULL &&
            expect != NULL && strcasecmp(expect, "100-continue") == 0 &&
            strtoull(cl, NULL, 10) > s->opt->max_body) {
            struct reply rep = {.status = 0};
            reply_error(&rep, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                        "the body is larger than %zu bytes; send smaller "
                        "batches", s->opt->max_body);
            return send_reply(conn, r, &rep);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* Bodies are kept up to the limit; the rest is read and dropped,
         * so that the client gets its 413. */
        if (!r->too_big && r->len + *upload_data_size > s->opt->max_body) {
            r->too_big = true;
        } else if (r->too_big) {
            r->dropped += *upload_data_size;
            if (r->dropped > DROP_LIMIT)
                return MHD_NO; /* enough: close the connection */
        } else {
            if (r->cap == 0) {
                /* Sized once from the declared length (within the limit):
                 * growing per chunk was 5% of a batch's time. */
                const char *cl = MHD_lookup_connection_value(
                    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
                unsigned long long want = cl ? strtoull(cl, NULL, 10) : 0;
                if (want > 0 && want <= s->opt->max_body)
                    r->body = xgrow(r->body, &r->cap, (size_t)want + 1, 1);
            }
            r->body = xgrow(r->body, &r->cap, r->len + *upload_data_size + 1, 1);
            memcpy(r->body + r->len, upload_data, *upload_data_size);
            r->len += *upload_data_size;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    struct reply rep = {.status = MHD_HTTP_OK};
    const char *allowed, *rest = NULL;
    enum route route = find_route(method, url, &allowed, &rest);
    struct auth_who who;
    bool known = identify(s, conn, &who);
    if (known)
        snprintf(r->actor, sizeof r->actor, "token:%s", who.id);
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);

    if (route == R_NONE) {
        if (allowed == NULL) {
            reply_error(&rep, MHD_HTTP_NOT_FOUND, "not_found",
                        "no such endpoint: %s", url);
            return send_reply(conn, r, &rep);
        }
        reply_error(&rep, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                    "%s is not allowed on %s", method, url);
        r->allow = allowed;
        return send_reply(conn, r, &rep);
    }
    if (route == R_HEALTH) {
        rep.json = json_pack("{s:s,s:I}", "status", "ok", "dossiers",
                             (json_int_t)0);
        pthread_rwlock_rdlock(&s->lock);
        json_object_set_new(rep.json, "dossiers",
                            json_integer((json_int_t)chiso_dossiers(s->c)));
        pthread_rwlock_unlock(&s->lock);
        return send_reply(conn, r, &rep);
    }
    if (route == R_METRICS) {
        size_t len;
        char *text = metrics_text(s, &len);
        return send_text(conn, r, MHD_HTTP_OK,
                         "text/plain; version=0.0.4; charset=utf-8", text, len);
    }
    if (route == R_OPENAPI) {
        const struct embedded_file *f = embedded_find("openapi.json");
        return send_text(conn, r, MHD_HTTP_OK, "application/json",
                         xstrndup(f->data, f->len), f->len);
    }
    if (route == R_INDEX || route == R_ASSET) {
        /* The dashboard's files never need a token: the page asks for one
         * when the API answers 401. */
        const char *type;
        size_t len;
        const char *data = web_asset(route == R_INDEX ? "index.html" : rest,
                                     &type, &len);
        if (data == NULL) {
            reply_error(&rep, MHD_HTTP_NOT_FOUND, "not_found",
                        "no such asset: %s", url);
            return send_reply(conn, r, &rep);
        }
        return send_text(conn, r, MHD_HTTP_OK, type, xstrndup(data, len), len);
    }
    /* Everything else needs a token, except reads on a public server. */
    if (h != NULL && !known) {
        reply_error(&rep, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                    "the token is not valid (unknown, revoked or malformed)");
        return send_reply(conn, r, &rep);
    }
    bool write = route == R_DOSSIERS, admin = route == R_AUDIT;
    if (!known && (write || admin || !s->opt->public_read)) {
        reply_error(&rep, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                    "send a token: Authorization: Bearer chiso_...");
        return send_reply(conn, r, &rep);
    }
    if ((write && who.role < AUTH_EDITOR) || (admin && who.role < AUTH_ADMIN)) {
        reply_error(&rep, MHD_HTTP_FORBIDDEN, "forbidden",
                    "%s %s token may not %s",
                    who.role == AUTH_VIEWER ? "a" : "an",
                    auth_role_name(who.role),
                    write ? "write records" : "read the audit trail");
        return send_reply(conn, r, &rep);
    }

    switch (route) {
    case R_UNITS:
    case R_UNIT:
        api_units(s, conn, rest, &rep);
        break;
    case R_INDICATORS:
        api_indicators(s, &rep);
        break;
    case R_VALUES:
        api_values(s, conn, &rep);
        break;
    case R_RANKINGS:
        api_rankings(s, conn, &rep);
        break;
    case R_MEASURES:
        api_measures(s, conn, &rep);
        break;
    case R_SPAN:
        api_span(s, &rep);
        break;
    case R_SERIES:
        api_series(s, conn, &rep);
        break;
    case R_AUDIT:
        api_audit(s, conn, &rep);
        break;
    case R_STREAM: {
        struct MHD_Response *resp = sse_open(s, conn, query_arg(conn, "unit"),
                                             query_arg(conn, "indicator"), &rep);
        if (resp == NULL)
            break;
        r->sse = true;
        r->status = MHD_HTTP_OK;
        enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    case R_DOSSIERS: {
        const char *type = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (r->too_big)
            reply_error(&rep, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                        "the body is larger than %zu bytes; send smaller "
                        "batches", s->opt->max_body);
        else if (!ndjson_type(type))
            reply_error(&rep, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                        "unsupported_media_type",
                        "Content-Type must be application/x-ndjson "
                        "(one record per line), not %s",
                        type ? type : "absent");
        else if (r->len == 0)
            reply_error(&rep, MHD_HTTP_BAD_REQUEST, "empty_body",
                        "the body holds no records");
        else
            api_ingest(s, r, &who, &rep);
        break;
    }
    default:
        reply_error(&rep, MHD_HTTP_NOT_FOUND, "not_found", "no such endpoint");
    }
    return send_reply(conn, r, &rep);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct request *r = *con_cls;
    if (r == NULL)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "-";
    if (ci != NULL && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr,
                  addr, sizeof addr);
    unsigned cls_i = r->status / 100 <= 5 ? r->status / 100 : 0;
    atomic_fetch_add(&s->m.requests[cls_i], 1);
    if (s->opt->log != NULL) {
        char when[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(s->opt->log, "%s %s %s %s %s %u %zu %.1fms%s\n", when, addr,
                r->actor, r->method, r->url, r->status, r->len,
                (now_s() - r->start) * 1e3,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                                                           : " (aborted)");
        fflush(s->opt->log);
    }
    free(r->body);
    free(r->url);
    free(r);
    *con_cls = NULL;
}


int server_run(const struct server_options *opt)
{
    struct server s = {.opt = opt};
    char detail[CHISO_DETAIL_BYTES] = "";
    struct chiso_options co = {.db_path = opt->db_path};
    if (chiso_open(&co, &s.c, detail, sizeof detail) != CHISO_OK) {
        fprintf(stderr, "chiso serve: %s\n", detail);
        return 1;
    }
    if (auth_load(s.c, &s.auth, detail, sizeof detail) != CHISO_OK) {
        fprintf(stderr, "chiso serve: %s\n", detail);
        chiso_close(s.c);
        return 1;
    }
    pthread_rwlock_init(&s.lock, NULL);
    pthread_mutex_init(&s.auth_mu, NULL);
    pthread_mutex_init(&s.batch_mu, NULL);
    chiso_prep(s.c); /* the parsing threads, before requests race for them */
    s.sse = sse_create(&s);

    /* Signals are taken by sigwait below, never by the pool's threads. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)opt->port)};
    if (inet_pton(AF_INET, opt->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "chiso serve: --listen: '%s' is not an IPv4 address\n",
                opt->host);
        chiso_close(s.c);
        return 2;
    }
    unsigned threads = opt->threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
            MHD_ALLOW_SUSPEND_RESUME |
            (opt->log != NULL ? MHD_USE_ERROR_LOG : 0),
        0, NULL, NULL, handle, &s, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        /* One address cannot take every connection (slow clients). */
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
        /* A slow or silent client is cut after 30 s of no progress. */
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "chiso serve: cannot listen on %s:%u\n", opt->host,
                opt->port);
        sse_destroy(s.sse);
        auth_free(s.auth);
        chiso_close(s.c);
        return 1;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on %s:%u\n", opt->host, di ? di->port : opt->port);
    fflush(stdout);

    /* Wait for a signal; ping the streams every 15 s meanwhile. */
    struct timespec tick = {15, 0};
    for (;;) {
        siginfo_t info;
        int sig = sigtimedwait(&set, &info, &tick);
        if (sig == SIGINT || sig == SIGTERM)
            break;
        sse_ping(&s, false);
    }
    if (opt->log != NULL)
        fprintf(opt->log, "chiso serve: stopping\n");
    sse_ping(&s, true); /* streams end; their connections resume and close */
    MHD_stop_daemon(d); /* waits for requests in flight */
    sse_destroy(s.sse);
    auth_free(s.auth);
    chiso_close(s.c);
    for (int i = 0; i < s.nfree; i++) {
        prep_batch_free(s.free_batches[i]);
        free(s.free_batches[i]);
    }
    pthread_mutex_destroy(&s.batch_mu);
    pthread_rwlock_destroy(&s.lock);
    pthread_mutex_destroy(&s.auth_mu);
    printf("stopped\n");
    return 0;
}
