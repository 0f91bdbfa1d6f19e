#!/usr/bin/env python3
"""report.py — writes the benchmark's results file from one run's directory.

  report.py RUN_DIR RESULTS.md

RUN_DIR is bench/out/run-full or run-quick as bench/run.sh leaves it:
results.env (key=value), SYSTEM.times.tsv (batch<TAB>milliseconds…),
chiso.info.json, growth.N.info.json, gen_batches.txt. Every figure in the
file comes from that one run.
"""
import json
import math
import os
import statistics
import sys
from datetime import datetime, timezone

PEERS = [("duckdb", "DuckDB", 4), ("sqlite", "SQLite", 8), ("pg", "PostgreSQL 15", 8)]
PEER_FILE = {"duckdb": "duckdb", "sqlite": "sqlite", "pg": "postgresql"}
DESIGN_DOSSIERS = 100_000_000
DESIGN_RECORDS = 500_000_000


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            env[k] = v
    return env


def times(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(l.split("\t")[1]) for l in f if l.strip()]


def p99(xs):
    """Nearest-rank 99th percentile: the ceil(0.99 n)-th smallest value."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.99 * len(s)) - 1)]


def fit(xs, ys):
    """Least-squares line y = a + b x."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def mib(b):
    return float(b) / 1048576


def fmt_int(n):
    return f"{int(n):,}"


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def http_section(w, g, fl, quick):
    """The HTTP ingest section: bench/http_load.c against `chiso serve`."""
    w("## HTTP ingest: record batches POSTed to `chiso serve`, acknowledged durably")
    w("")
    if g("http.status") != "ok" or fl("http.records_per_s") is None:
        w(f"**The HTTP ingest step failed** (status {g('http.status', 'not run')}, "
          f"server stopped cleanly: {g('http.stopped', 'unknown')}); see the run's "
          "standard error and `http.err`, `http.serve.err` in the run directory.")
        w("")
        return
    rounds, per = int(g("http.rounds")), int(g("http.round_batches"))
    clients, lines = int(g("http.clients")), int(g("http.batch_lines"))
    nsse = int(g("http.sse_batches"))
    rate, sse99 = fl("http.records_per_s"), fl("http.sse_p99_ms")
    rates = [fl(f"http.round.{r}.records_per_s") for r in range(1, rounds + 1)]
    w(f"`chiso serve` (its default pool: a connection thread per core) on chiso's database "
      f"right after the freshness batches (the bulk load's {fmt_int(g('main'))} dossiers and "
      f"the batches' new ones), ready in {g('http.serve_start_s')} s. `bench/http_load.c` "
      "(POSIX sockets, "
      f"HTTP/1.1 keep-alive): {clients} client threads, each on its own connection, POST "
      f"batches of {lines:,} NDJSON lines in turn to `/api/v1/dossiers`; the server answers "
      "only once a batch is durably committed (WAL, `synchronous=FULL`), and every reply "
      f"must be 200 and account for all {lines:,} lines (accepted + replaced + stale + "
      "refused, one result per line). The records are new to the server: "
      f"`chiso demo --no-load --seed {g('http.seed')}`, {fmt_int(g('http.dossiers'))} "
      "dossiers, with every `MaHoSo` renamed from `DEMO-` to `HTTP-` (the demo numbers its "
      "dossiers the same whatever the seed); as in the bulk file, about half the lines are "
      "later versions of dossiers earlier in the file. "
      f"{rounds} round{'s' if rounds > 1 else ''} of {per} batches "
      f"({fmt_int(per * lines)} records{' each' if rounds > 1 else ''}), a round timed from "
      "its first request to its last reply"
      + (", the figure being the median round's" if rounds > 1 else "") + ". "
      "During the load one more client holds the live stream (`GET /api/v1/stream?unit=VN"
      "&indicator=toan_trinh`), as a dashboard would.")
    w("")
    w(f"Stream latency: then {nsse} more batches POSTed one at a time, the stream open; per "
      "batch, from the POST's reply (the commit acknowledged) to the arrival of the last "
      "of that commit's events for VN / `toan_trinh` (one per month the batch changed; "
      "0 when the events came before the reply). One at a time because the events carry no "
      "batch number, so under concurrent load they cannot be matched to a commit; how far the "
      "stream trails the load shows as the drain below.")
    w("")
    w("| | measured | target | |")
    w("|---|---:|---:|---|")
    rtext = "" if rounds == 1 else " (median round; rounds: " + ", ".join(
        f"{x:,.0f}" for x in rates) + ")"
    w(f"| records/s acknowledged durably{rtext} | {rate:,.0f} | ≥ 100,000 | "
      f"{verdict(rate >= 100_000)} |")
    w(f"| clients × batch size | {clients} × {lines:,} records | | |")
    w(f"| request latency under load, median / p99 ({fmt_int(rounds * per)} requests) | "
      f"{fl('http.req_median_ms'):.1f} / {fl('http.req_p99_ms'):.1f} ms | | |")
    w(f"| stream latency, reply → the commit's events, p50 / p99 ({nsse} batches) | "
      f"{fl('http.sse_p50_ms'):.2f} / {sse99:.2f} ms | p99 ≤ 100 ms | "
      f"{verdict(sse99 <= 100)} |")
    w(f"| server stopped by SIGTERM, printed \"stopped\" | {g('http.stopped')} | | |")
    w("")
    w("| round | records | seconds | records/s | server ingest ms per batch | "
      "server CPU s (cores busy) | client CPU s | other processes' CPU s | "
      "stream drain ms |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in range(1, rounds + 1):
        wall, srv = fl(f"http.round.{r}.wall"), fl(f"http.round.{r}.server_cpu_s")
        w(f"| {r} | {fmt_int(per * lines)} | {wall:.2f} | {rates[r - 1]:,.0f} | "
          f"{fl(f'http.round.{r}.server_ingest_ms'):.2f} | "
          f"{srv:.2f} ({srv / wall:.2f}) | {fl(f'http.round.{r}.client_cpu_s'):.2f} | "
          f"{fl(f'http.round.{r}.other_cpu_s'):.2f} | "
          f"{g(f'http.round.{r}.drain_ms', '—')} |")
    w("")
    w(f"- Outcomes of the {fmt_int(g('http.records'))} records of the load: "
      f"{fmt_int(g('http.accepted'))} accepted (new dossiers), {fmt_int(g('http.replaced'))} "
      f"replaced, {fmt_int(g('http.stale'))} stale, {fmt_int(g('http.refused'))} refused.")
    w(f"- Request latency under load: mean {fl('http.req_mean_ms'):.1f} ms, max "
      f"{fl('http.req_max_ms'):.1f} ms. One batch at a time (the stream phase): median "
      f"{fl('http.seq_req_median_ms'):.1f} ms, p99 {fl('http.seq_req_p99_ms'):.1f} ms, of "
      f"which the server's ingest took {fl('http.seq_server_ingest_ms'):.2f} ms on average; "
      "the rest is receiving the body, the reply's JSON and the network.")
    w("- \"Server ingest ms per batch\": the server's own `chiso_ingest_seconds` (`/metrics`), "
      "from taking the engine's write lock (the batch already parsed) to the commit done; "
      "under load, batches wait for the lock in turn, which this does not count.")
    w(f"- Stream: {fl('http.sse_events_per_batch'):.1f} events per commit on average; the "
      f"first event of a commit p50 / p99 {fl('http.sse_first_p50_ms'):.2f} / "
      f"{fl('http.sse_first_p99_ms'):.2f} ms after the reply, the last at most "
      f"{fl('http.sse_max_ms'):.2f} ms; in {g('http.sse_before_ack')} of {nsse} batches the "
      f"events arrived before the reply. During the load the stream delivered "
      f"{fmt_int(g('http.load_events', 0))} events; after each round every event the server "
      f"counted had arrived within {fl('http.drain_max_ms'):.1f} ms of the round's last reply.")
    w("- \"Other processes' CPU\": the machine's busy CPU time (`/proc/stat`) during the "
      "round minus the server's and the client's: work by anything else on the machine "
      "(and kernel work charged to no process) that competed with the server for the "
      f"{g('cores')} cores.")
    other = sum(fl(f"http.round.{r}.other_cpu_s") for r in range(1, rounds + 1))
    busy = other / fl("http.wall")
    if busy > 0.25:
        w(f"- **The load shared the machine**: other processes kept {busy:.2f} of the "
          f"{g('cores')} cores busy on average while it ran, so these figures understate "
          "what the server does alone.")
    if quick:
        w(f"- Quick run: {fmt_int(per * lines)} records in one round, too few for a stable "
          "figure; `make bench` sends 3 rounds of 300,000.")
    w("")


def main():
    run, out = sys.argv[1], sys.argv[2]
    e = load_env(os.path.join(run, "results.env"))
    g = lambda k, d=None: e.get(k, d)
    fl = lambda k: float(e[k]) if k in e and e[k] != "" else None
    main_n = int(g("main"))
    sizes = [int(x) for x in g("sizes").split()]
    quick = g("mode") == "quick"
    L = []
    w = L.append

    # The run's end: when results.env was last written.
    finished = datetime.fromtimestamp(os.path.getmtime(os.path.join(run, "results.env")),
                                      timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failed = g("failed") != "0"
    checks = {k[6:]: v for k, v in e.items() if k.startswith("check.")}
    w(f"# chiso benchmark results{' (quick run)' if quick else ''}")
    w("")
    w(f"Written by `bench/run.sh{' --quick' if quick else ''}` "
      f"(`make bench{'-quick' if quick else ''}`), run ending "
      f"{finished}; the whole run took "
      f"{int(g('total_seconds')) // 60} min {int(g('total_seconds')) % 60} s. "
      "Every figure below comes from that one run.")
    w("")
    if failed:
        w("**THE RUN FAILED: a system failed, or a peer's answers differ from chiso's. "
          "Its figures are not a valid comparison.** Checks: "
          + ", ".join(f"{k} {v}" for k, v in sorted(checks.items())))
    else:
        w("Equality checks: every peer's bulk table (3,373 units × 12 months × 21 measures) and "
          "every freshness ranking equal chiso's: "
          + ", ".join(f"{k} {v}" for k, v in sorted(checks.items())) + ".")
    w("")

    # --- machine
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| CPU | {g('cpu')}, {g('cores')} cores |")
    w(f"| RAM | {int(g('mem_kib')) / 1048576:.1f} GiB |")
    w(f"| disk | {g('disk')} |")
    w(f"| kernel | {g('kernel')} |")
    w(f"| load average (1, 5, 15 min) at the start / end of the run | {g('loadavg_start')} / "
      f"{g('loadavg_end')} |")
    w(f"| chiso | {g('chiso_rev')} |")
    w(f"| DuckDB | {g('duckdb_version')}, Node.js {g('node_version')} |")
    w(f"| SQLite | {g('sqlite_version')} (Debian's sqlite3 shell and libsqlite3; Python {g('python_version')}) |")
    w(f"| PostgreSQL | {g('pg_version')} (Debian's) |")
    w("")

    # --- data
    w("## Data")
    w("")
    w(f"`chiso demo --no-load --seed {g('seed')}`: a year (2025) of records, every line with "
      "`NgayCapNhat`: first versions, final versions, corrections, and stale re-sends arriving "
      "after newer versions.")
    w("")
    w("| dossiers | lines (record versions) | lines per dossier | MiB | used for |")
    w("|---:|---:|---:|---:|---|")
    for n in sizes:
        lines = int(g(f"data.{n}.lines"))
        use = "bulk, freshness, memory, growth" if n == main_n else "growth"
        w(f"| {fmt_int(n)} | {fmt_int(lines)} | {lines / n:.2f} | "
          f"{mib(g(f'data.{n}.bytes')):.1f} | {use} |")
    w("")
    gb = open(os.path.join(run, "gen_batches.txt")).read().strip()
    w(f"Freshness (`bench/gen_batches.py --seed {g('seed')}`): {gb.split(': ', 1)[1]}.")
    w("")

    # --- bulk
    main_lines = int(g(f"data.{main_n}.lines"))
    c_load, c_meas = fl("chiso.load.wall"), fl("chiso.measures.wall")
    c_bulk = c_load + c_meas
    w("## Bulk: NDJSON file → every measure per unit per month, rolled up")
    w("")
    w(f"{fmt_int(main_lines)} lines ({fmt_int(main_n)} dossiers) → all 21 measures of all "
      "3,373 units × 12 months of 2025, each unit's subtree summed (commune → province → VN, "
      "ministry → VN), the latest version of every `MaHoSo` only, the store durably "
      "committed. Wall-clock seconds of the whole job, process start to exit.")
    w("")
    w("| system | seconds | lines/s | peer / chiso | target | | equal to chiso |")
    w("|---|---:|---:|---:|---:|---|---|")
    w(f"| **chiso** (load {c_load:.2f} s + measures {c_meas:.2f} s) | {c_bulk:.2f} | "
      f"{main_lines / c_bulk:,.0f} | 1 | | | (reference) |")
    for key, name, target in PEERS:
        t = fl(f"{key}.bulk.wall")
        ok = g(f"check.{PEER_FILE[key]}.measures", "not run")
        if t is None:
            w(f"| {name} | — | | | ≥ {target}× | | {ok} |")
            continue
        r = t / c_bulk
        w(f"| {name} | {t:.2f} | {main_lines / t:,.0f} | {r:.2f}× | ≥ {target}× | "
          f"{verdict(r >= target)} | {ok} |")
    w("")

    # --- freshness
    w("## Freshness: a batch applied, durably committed, and the ranking answered")
    w("")
    w(f"After the bulk load, {g('batches')} batches of {g('batch_lines')} record versions; "
      "after each, the ranking of the 34 provinces by `toan_trinh` for 2025-12. Per batch, "
      "milliseconds from before the batch file is read to the ranking in hand. p99 is the "
      f"nearest-rank 99th percentile (the {math.ceil(0.99 * int(g('batches')))}th smallest of "
      f"{g('batches')} batches).")
    w("")
    ct = times(os.path.join(run, "chiso.times.tsv"))
    cmed, cp99 = statistics.median(ct), p99(ct)
    w("| system | median ms | p99 ms | mean ms | max ms | peer median / chiso median | "
      "equal to chiso |")
    w("|---|---:|---:|---:|---:|---:|---|")
    w(f"| **chiso** | {cmed:.2f} | {cp99:.2f} | {statistics.fmean(ct):.2f} | {max(ct):.2f} | 1 "
      "| (reference) |")
    meds = {}
    for key, name, _ in PEERS:
        pt = times(os.path.join(run, f"{PEER_FILE[key]}.times.tsv"))
        ok = g(f"check.{PEER_FILE[key]}.ranks", "not run")
        if not pt:
            w(f"| {name} | — | — | — | — | — | {ok} |")
            continue
        m = statistics.median(pt)
        meds[name] = m
        w(f"| {name} | {m:.2f} | {p99(pt):.2f} | {statistics.fmean(pt):.2f} | {max(pt):.2f} | "
          f"{m / cmed:.2f}× | {ok} |")
    w("")
    if meds:
        fastest = min(meds, key=meds.get)
        ratio = meds[fastest] / cmed
        w("| target | measured | |")
        w("|---|---:|---|")
        w(f"| chiso's median ≥ 20× faster than the fastest peer's ({fastest}) | {ratio:.2f}× | "
          f"{verdict(ratio >= 20)} |")
        w(f"| chiso's p99 ≤ 3× chiso's median | {cp99 / cmed:.2f}× | {verdict(cp99 <= 3 * cmed)} |")
        w("| each batch durably committed before the answer | chiso: `ingest_finish` commits "
          "(WAL, synchronous=FULL) before `chiso_rank` | **PASS** |")
        w("")

    # --- HTTP ingest
    http_section(w, g, fl, quick)

    # --- memory
    info = json.load(open(os.path.join(run, "chiso.info.json")))
    info = info[0] if isinstance(info, list) else info
    bpd = float(info["bytes_per_dossier"])
    w("## Memory (chiso)")
    w("")
    w("| | |")
    w("|---|---:|")
    w(f"| dossiers after the bulk load | {fmt_int(info['dossiers'])} |")
    w(f"| peak RSS of `chiso load` | {int(g('chiso.load.rss')) / 1024:.1f} MiB |")
    w(f"| peak RSS of `chiso measures` (re-opens, loads the live counters, answers) | "
      f"{int(g('chiso.measures.rss')) / 1024:.1f} MiB |")
    w(f"| peak RSS of the freshness process (bulk state + {g('batches')} batches) | "
      f"{int(g('chiso.fresh.rss')) / 1024:.1f} MiB |")
    w(f"| dossier table (the retraction state) | {mib(info['table_bytes']):.1f} MiB |")
    w(f"| counters | {mib(info['counter_bytes']):.1f} MiB |")
    w(f"| peak RSS per dossier (`chiso load`) | {int(g('chiso.load.rss')) * 1024 / info['dossiers']:.1f} B |")
    w(f"| database file | {mib(g('chiso.db_bytes')):.1f} MiB |")
    w("")
    w("| target | measured | |")
    w("|---|---:|---|")
    w(f"| ≤ 64 bytes of RAM per dossier for the retraction state (`chiso info`: "
      f"bytes_per_dossier) | {bpd:.1f} B | {verdict(bpd <= 64)} |")
    w("")

    # --- growth
    w("## Growth toward the design point (100 million dossiers)")
    w("")
    w("`chiso load` of the same generator's data at three sizes (the largest is the bulk run "
      "above), each into a new database.")
    w("")
    w("| dossiers | lines | load s | lines/s | peak RSS MiB | RSS B/dossier | table B/dossier "
      "| counter MiB | database MiB |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    pts = []
    for n in sizes:
        if n == main_n:
            t, rss, inf, db = c_load, int(g("chiso.load.rss")), info, g("chiso.db_bytes")
        else:
            t, rss = fl(f"growth.{n}.load.wall"), int(g(f"growth.{n}.load.rss"))
            inf = json.load(open(os.path.join(run, f"growth.{n}.info.json")))
            inf = inf[0] if isinstance(inf, list) else inf
            db = g(f"growth.{n}.db_bytes")
        lines = int(g(f"data.{n}.lines"))
        pts.append((n, lines, t, rss * 1024, inf["table_bytes"], inf["counter_bytes"]))
        w(f"| {fmt_int(n)} | {fmt_int(lines)} | {t:.2f} | {lines / t:,.0f} | {rss / 1024:.1f} | "
          f"{rss * 1024 / n:.0f} | {inf['bytes_per_dossier']} | {mib(inf['counter_bytes']):.1f} | "
          f"{mib(db):.1f} |")
    w("")
    ns = [p[0] for p in pts]
    a_rss, b_rss = fit(ns, [p[3] for p in pts])
    a_tab, b_tab = fit(ns, [p[4] for p in pts])
    a_t, b_t = fit([p[1] for p in pts], [p[2] for p in pts])
    lpd = main_lines / main_n
    t_lines = lpd * DESIGN_DOSSIERS
    n_big, _, _, rss_big, tab_big, cnt_big = pts[-1]
    other = rss_big - tab_big - cnt_big
    tab_100m = a_tab + b_tab * DESIGN_DOSSIERS
    # Counters: per unit and month in use, 31 day rows + a month row of 21 int64
    # (docs/design.md): bounded by units x months, whatever the dossiers.
    cnt_year = 3373 * 12 * 32 * (18 * 4 + 3 * 8)  # 18 counts of 4 B, 3 sums of 8 B
    est = tab_100m + cnt_year + other
    w("How memory and load time grow, from these three sizes to the design point (SPEC §11: "
      "100 million dossiers a year, about 500 million records), by linear least-squares fits:")
    w("")
    w(f"- **Dossier table** (the retraction state): ≈ {b_tab:.1f} B × dossiers "
      f"{'+' if a_tab >= 0 else '−'} {abs(a_tab) / 1048576:.1f} MiB → **{tab_100m / 2**30:.2f} GiB** at 100 M dossiers "
      f"({tab_100m / DESIGN_DOSSIERS:.1f} B per dossier).")
    w(f"- **Counters** grow with the units × months that have data, not with dossiers: "
      f"{mib(cnt_big):.0f} MiB at {fmt_int(n_big)} dossiers, at most 3,373 units × 12 months × "
      f"32 rows × (18 counts × 4 B + 3 sums × 8 B) = {cnt_year / 2**20:.0f} MiB per year of data.")
    w(f"- **Peak RSS of the load**: the fit gives ≈ {a_rss / 1048576:.0f} MiB + "
      f"{b_rss:.1f} B × dossiers → {(a_rss + b_rss * DESIGN_DOSSIERS) / 2**30:.1f} GiB at 100 M; "
      f"by parts — the dossier table, the counters' bound, and the rest as measured at "
      f"{fmt_int(n_big)} dossiers ({other / 2**20:.0f} MiB: SQLite's page cache, capped at "
      f"64 MiB by chiso's `cache_size`, the parser and the heap) — "
      f"**≈ {est / 2**30:.1f} GiB**. The fit is "
      + ("close to the estimate by parts." if abs((a_rss + b_rss * DESIGN_DOSSIERS) - est) < 0.3 * est
         else "steeper than the estimate by parts because, at these sizes, the counters and "
              "SQLite's page cache are still filling up toward their bounds; the estimate by "
              "parts is the better guide."))
    w(f"- **Load time**: ≈ {a_t:.1f} s + {b_t * 1e6:.2f} s per million lines "
      f"({1 / b_t:,.0f} lines/s at the margin; chiso's load parses and compresses on every core, applies in order on one, and writes the store from another thread) → "
      f"**{(a_t + b_t * t_lines) / 60:.0f} min** for 100 M dossiers at this data's {lpd:.2f} "
      f"lines per dossier ({t_lines / 1e6:.0f} M lines), **{(a_t + b_t * DESIGN_RECORDS) / 60:.0f} "
      "min** for 500 M records. The design point's peak of 10,000 records/s is "
      f"{'within' if 1 / b_t >= 10000 else 'beyond'} this rate.")
    growth_t = [p[2] / p[1] * 1e6 for p in pts]
    w(f"- Seconds per million lines at the three sizes: "
      + ", ".join(f"{x:.2f}" for x in growth_t)
      + ("; roughly constant, so a linear extrapolation of the load time is reasonable as far as "
         "these sizes show." if max(growth_t) < 1.25 * min(growth_t) else
         "; falling as the size grows (fixed costs spread over more lines), so the marginal "
         "rate above is the one to extrapolate with." if growth_t[-1] < growth_t[0] else
         "; growing with the store, so the linear extrapolation of the load time is optimistic "
         "(the SQLite B-trees outgrow the page cache; the dossier table's index grows)."))
    w(f"- The database file grows by about "
      f"{(float(g('chiso.db_bytes')) - float(g(f'growth.{sizes[0]}.db_bytes'))) / (main_n - sizes[0]):,.0f}"
      " B per dossier (every received line, zstd-compressed, and every accepted version's packed facts — the store is append-only, an audit trail — and the compressed snapshot of the dossier table and counters): "
      f"about {(float(g('chiso.db_bytes')) - float(g(f'growth.{sizes[0]}.db_bytes'))) / (main_n - sizes[0]) * DESIGN_DOSSIERS / 2**30:,.0f} GiB at 100 M dossiers.")
    w("")

    # --- peers' details
    w("## Details")
    w("")
    w("| system | bulk peak RSS MiB | store after bulk MiB | freshness process peak RSS MiB |")
    w("|---|---:|---:|---:|")
    w(f"| chiso | {int(g('chiso.load.rss')) / 1024:.0f} (load), "
      f"{int(g('chiso.measures.rss')) / 1024:.0f} (measures) | {mib(g('chiso.db_bytes')):.0f} | "
      f"{int(g('chiso.fresh.rss')) / 1024:.0f} |")
    for key, name, _ in PEERS:
        rss = g(f"{key}.bulk.rss")
        fr = g(f"{key}.fresh.rss")
        db = g(f"{key}.db_bytes")
        note = " (client only; server not counted)" if key == "pg" else ""
        w(f"| {name} | {int(rss) / 1024:.0f}{note} | "
          f"{mib(db):.0f}{' (dossier table and indexes)' if key == 'pg' else ''} | "
          f"{int(fr) / 1024 if fr else 0:.0f}{note if fr else ''} |")
    w("")

    # --- commands and settings
    w("## Commands and settings")
    w("")
    w(f"""- Data: `chiso demo --no-load --out bulk-N.ndjson --dossiers N --seed {g('seed')}`;
  `bench/gen_batches.py --bulk bulk-{main_n}.ndjson --batches {g('batches')} --lines {g('batch_lines')} --seed {g('seed')}`.
- chiso bulk: `chiso load --db chiso.db --quiet --arrived-at 20260101000000 bulk.ndjson`
  (durable: WAL, `synchronous=FULL`, a commit every ~16,384 lines and at the end, written by a second thread; lines parsed and compressed by a thread per core), then
  `chiso measures --db chiso.db --period 2025 --by month --rollup --format csv` (a new process:
  re-opens the database and loads the live counters from the snapshot the load ended with; a
  command that only reads figures skips the dossier table, which only loads need, unless
  versions came after the snapshot). Bulk time = the sum of both wall
  times; peak RSS from GNU time (`%M`, the "Maximum resident set size" of `time -v`).
- chiso freshness: `bench/fresh.c` linked with `build/libchiso.a`: `chiso_open` once, then per
  batch `ingest_begin` / `ingest_buffer` (the batch's lines parsed on every core, applied in order) / `ingest_finish` (one durable commit) /
  `chiso_rank(toan_trinh, UNIT_PROVINCE, UNIT_ROOT, 2025-12)`.
- DuckDB (`bench/peer_duckdb.mjs`, `@duckdb/node-api`; threads = {g('duckdb.threads')}, its
  default, the cores): `read_json(..., format='newline_delimited', records=false,
  columns={{rec: <every SPEC §4 field, typed>}})` into a temporary table (line order = rowid),
  the latest version per `MaHoSo` by `row_number()` (NgayCapNhat desc, line desc), its record
  into `record` and its facts into `dossier`, commit, `CHECKPOINT`, then `sql/measures.sql`
  via `COPY ... TO csv`. Freshness per batch (`checkpoint_threshold = '1GB'`): one transaction:
  `read_json` the batch, its latest version per `MaHoSo` that is ≥ the stored version (a join
  with `dossier`), append to `record`, `DELETE` the replaced `dossier` rows by rowid, `INSERT`
  the new facts; commit; `sql/ranking.sql`. No index on `dossier` (DuckDB scans with zone
  maps; with a PRIMARY KEY every commit took 0.3–1 s, see the header of peer_duckdb.mjs).
- SQLite (`bench/peer_sqlite.py`): bulk in Debian's `sqlite3` shell: `PRAGMA journal_mode=WAL;
  synchronous=FULL; cache_size=-1048576 (1 GiB); temp_store=MEMORY`; `.import` of the raw lines
  (ascii mode) into a temporary table; the winners by `row_number()`; `INSERT INTO dossier`
  (facts from `->>`/`json_each`, the record text; primary key `mahoso`); index
  `dossier_month(tn, status, kenh, mucdo, prov)` (covers the ranking); `COMMIT`; then
  `sql/measures.sql`. Freshness with Python's `sqlite3` module (same libsqlite3, same pragmas):
  per batch `BEGIN IMMEDIATE`, `executemany` of the lines into a temporary table,
  `INSERT ... ON CONFLICT(mahoso) DO UPDATE ... WHERE excluded.vkey >= dossier.vkey` of the
  batch's latest version per `MaHoSo`, `COMMIT`, `sql/ranking.sql`. Journal, synchronous and
  autocheckpoint settings are those of chiso's own SQLite store (chiso sets a 64 MiB cache).
- PostgreSQL 15 (`bench/peer_pg.py`, psycopg2; server by `bench/pg.sh`: `initdb --locale=C`, on
  127.0.0.1 on a free port, in a temporary directory under `bench/out/`, stopped at the end):
  bulk in one transaction: server-side `COPY` of the lines (one jsonb per line, an identity
  column numbering them) into an unlogged staging table, the winners by `row_number()` into an
  unlogged table, `CREATE TABLE dossier AS SELECT` (facts and the record as jsonb; unlike
  `INSERT ... SELECT` it may use parallel workers; with `wal_level = minimal` it is synced at
  commit instead of WAL-logged), primary key `mahoso`, index
  `dossier_month(tn) INCLUDE (status, kenh, mucdo, prov)`, `COMMIT`; then
  `VACUUM ANALYZE dossier` and `COPY (sql/measures.sql) TO STDOUT`. Freshness per batch (a
  serial session, `max_parallel_workers_per_gather = 0`: two workers made the ranking 5–10×
  slower): `COPY ... FROM STDIN` into a temporary table, `INSERT ... ON CONFLICT (mahoso) DO
  UPDATE ... WHERE excluded.vkey >= dossier.vkey` of the latest version per `MaHoSo`,
  `COMMIT`, `sql/ranking.sql`.
  Server settings (added to the default postgresql.conf):""")
    conf = os.path.join(run, "postgresql.conf")
    if os.path.exists(conf):
        extra = open(conf).read().split("\n")
        i = max(k for k, l in enumerate(extra) if l.startswith("listen_addresses = '127.0.0.1'"))
        w("  `" + "; ".join(l for l in extra[i:] if l.strip() and not l.startswith(
            ("port", "unix_socket", "listen"))) + "`.")
    if g("http.rounds"):
        w(f"""- chiso HTTP ingest: `chiso token create --unit VN --role admin`, then `chiso serve --db
  chiso.db --listen 127.0.0.1:0 --quiet` (on the port it prints), `bench/http_load -c
  {g('http.clients')} -r {g('http.rounds')} -s {g('http.sse_batches')} -p PID HOST:PORT TOKEN
  b-*.ndjson` (built with `cc -O2`: POSIX sockets and threads only), then SIGTERM.""")
    w("""- The peers keep the latest version per `MaHoSo` exactly as chiso does (SPEC §4.1: the
  highest `NgayCapNhat`, an equal stamp going to the later arrival, so a batch version replaces
  the stored one when its stamp is ≥ the stored one's), and compute the same measures from the
  same rules (`sql/measures.sql`, ported from `tests/integration/reference.sql`; validity
  checks dropped, as the demo data has no invalid line). `bench/compare.py` compares every
  cell of every peer's bulk table and every peer's ranking after every batch with chiso's.
- Each timed step starts after `sync`; the input files are in the page cache (just written).""")
    w("")
    with open(out, "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
