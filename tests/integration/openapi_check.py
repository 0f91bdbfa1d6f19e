#!/usr/bin/env python3
"""openapi_check.py — keeps data/openapi.json true to `chiso serve`.

  CHISO=./chiso tests/integration/openapi_check.py

Checks, each reported as "ok    openapi: NAME" or "FAIL  openapi: NAME" with
what was expected and what came back, then a last line "N passed, M failed":
  - the document is well-formed JSON and every $ref in it resolves;
  - the routes table of src/server/server.c (its {"GET", "/path", R_...} lines;
    a path ending in "/" takes a path parameter) names exactly the document's
    operations;
  - the real binary, on a fresh database, serves data/openapi.json byte for
    byte at GET /api/v1/openapi.json;
  - POST /api/v1/dossiers: a batch with accepted, blank, refused and
    out-of-scope lines, and the wrong type, empty, too large and too long
    bodies, each against the document;
  - every GET operation, called with its required parameters filled with
    valid codes read from data/, then with each optional parameter and each
    enum value, then with each parameter wrong or missing, answers only
    statuses the document lists for it, with the documented Content-Type, and
    a body the documented schema accepts (strictly: a property the schema
    does not name fails), and answers 200 at least once;
  - tokens: an invalid token gives 401, a missing one 401 where anonymous
    access is not documented, a token of a lower role 403;
  - every path answers 405 to another method, and the operation lists 405;
  - /metrics names exactly the metrics its description lists;
  - /api/v1/stream answers 200 text/event-stream (only its first bytes are
    read);
  - the server stops cleanly on SIGTERM.

Python 3 standard library only. Environment: CHISO (default ./chiso).
"""
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DOC_PATH = os.path.join(ROOT, "data", "openapi.json")
SERVER_C = os.path.join(ROOT, "src", "server", "server.c")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TIMEOUT = 30  # seconds; sanitizer builds are slow

PASS = 0
FAIL = 0


def report(name, problems):
    global PASS, FAIL
    if problems:
        FAIL += 1
        print("FAIL  openapi: %s" % name)
        for p in problems[:20]:
            print("      " + p)
        if len(problems) > 20:
            print("      ... and %d more" % (len(problems) - 20))
    else:
        PASS += 1
        print("ok    openapi: %s" % name)
    sys.stdout.flush()


# --- the document ------------------------------------------------------------

def resolve(doc, ref):
    if not ref.startswith("#/"):
        raise KeyError(ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise KeyError(ref)
        node = node[part]
    return node


def deref(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(doc, node["$ref"])
    return node


def unresolved_refs(doc):
    bad = []

    def walk(x, where):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "$ref":
                    try:
                        resolve(doc, v)
                    except KeyError:
                        bad.append("%s: $ref %s does not resolve" % (where, v))
                else:
                    walk(v, where + "/" + k)
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, "%s/%d" % (where, i))

    walk(doc, "#")
    return bad


def operations(doc):
    """(METHOD, path) -> operation object."""
    ops = {}
    for path, item in doc.get("paths", {}).items():
        for m in METHODS:
            if m in item:
                ops[(m.upper(), path)] = item[m]
    return ops


def validate(doc, schema, value, where, out):
    """Appends to out every way value breaks schema (OpenAPI 3.0 subset:
    $ref, type, nullable, enum, required, properties, items, minimum,
    maximum, pattern). Objects are closed: a property the schema does not
    name is an error unless additionalProperties allows it."""
    schema = deref(doc, schema)
    if value is None:
        if not schema.get("nullable", False):
            out.append("%s: null, but the schema does not allow null" % where)
        return
    t = schema.get("type")
    kinds = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if t is not None and not kinds[t](value):
        out.append("%s: expected %s, got %s" % (where, t, json.dumps(value)[:80]))
        return
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %s is not one of %s" % (where, json.dumps(value), schema["enum"]))
    if "minimum" in schema and value < schema["minimum"]:
        out.append("%s: %s is below the minimum %s" % (where, value, schema["minimum"]))
    if "maximum" in schema and value > schema["maximum"]:
        out.append("%s: %s is above the maximum %s" % (where, value, schema["maximum"]))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
    if t == "object":
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                out.append("%s: required property '%s' is missing" % (where, name))
        extra = schema.get("additionalProperties", False)
        for name, v in value.items():
            if name in props:
                validate(doc, props[name], v, where + "." + name, out)
            elif isinstance(extra, dict):
                validate(doc, extra, v, where + "." + name, out)
            elif extra is not True:
                out.append("%s: property '%s' is not in the document" % (where, name))
    if t == "array" and "items" in schema:
        for i, v in enumerate(value):
            validate(doc, schema["items"], v, "%s[%d]" % (where, i), out)
            if len(out) > 20:
                return


# --- the routes table --------------------------------------------------------

def routes_of_server(doc_paths):
    """The (METHOD, path) pairs of server.c's routes table, with a trailing
    "/" mapped to the document's path that adds one path parameter."""
    text = open(SERVER_C, encoding="utf-8").read()
    pairs, problems = set(), []
    for method, path in re.findall(r'\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*R_[A-Z_]+\s*\}', text):
        if path.endswith("/") and path != "/":  # "/" alone is the page
            cands = [p for p in doc_paths
                     if re.fullmatch(re.escape(path) + r"\{[^/{}]+\}", p)]
            if len(cands) != 1:
                problems.append("route %s %s (a path parameter): the document "
                                "has %d paths %s{name}" % (method, path, len(cands), path))
                continue
            path = cands[0]
        pairs.add((method, path))
    if not pairs:
        problems.append("no route found in %s" % SERVER_C)
    return pairs, problems


# --- the server --------------------------------------------------------------

class Server:
    def __init__(self, chiso, tmp):
        self.chiso, self.tmp = chiso, tmp
        self.db = os.path.join(tmp, "chiso.db")

    def run(self, *args):
        return subprocess.run([self.chiso] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120,
                              universal_newlines=True)

    def token(self, unit, role):
        r = self.run("token", "create", "--db", self.db, "--unit", unit,
                     "--role", role, "--note", "openapi_check")
        if r.returncode != 0:
            raise RuntimeError("token create: %s" % r.stderr.strip())
        return r.stdout.strip()

    def start(self):
        r = self.run("init", "--db", self.db)
        if r.returncode != 0:
            raise RuntimeError("init: %s" % r.stderr.strip())
        self.tokens = {role: self.token(unit, role) for unit, role in
                       [("VN", "admin"), (UNIT, "editor"), (UNIT, "viewer")]}
        # Under LeakSanitizer (a SAN build) leaks do not change the exit
        # status: stop() reads the report and judges them itself.
        env = dict(os.environ)
        env["LSAN_OPTIONS"] = (env.get("LSAN_OPTIONS", "") + ":exitcode=0").lstrip(":")
        # Small limits, so that both 413 answers can be checked cheaply.
        self.proc = subprocess.Popen(
            [self.chiso, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--quiet", "--public-read", "--max-body", "65536",
             "--max-lines", "100"],
            stdout=subprocess.PIPE, env=env,
            stderr=open(os.path.join(self.tmp, "serve.err"), "w"))
        ready, _, _ = select.select([self.proc.stdout], [], [], TIMEOUT)
        line = self.proc.stdout.readline().decode() if ready else ""
        m = re.match(r"listening on 127\.0\.0\.1:(\d+)$", line.strip())
        if not m:
            self.proc.kill()
            raise RuntimeError("chiso serve did not say 'listening on "
                               "127.0.0.1:PORT'; it said %r; stderr: %s"
                               % (line, self.stderr()))
        self.port = int(m.group(1))

    def stderr(self, tail=2000):
        try:
            with open(os.path.join(self.tmp, "serve.err"), errors="replace") as f:
                return f.read()[-tail:]
        except OSError:
            return ""

    def request(self, method, target, headers=None, body=None):
        """One request on a new connection; a body that is an iterator is
        sent chunked. Returns (status, Content-Type, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, target, body=body, headers=headers or {},
                         encode_chunked=body is not None and not isinstance(body, bytes))
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheader("Content-Type"), data
        finally:
            conn.close()

    def stop(self):
        """SIGTERM; returns the problems of a stop that was not clean."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            return ["chiso serve did not stop within %d s of SIGTERM" % TIMEOUT]
        problems = []
        if self.proc.returncode != 0:
            problems.append("exit status %d after SIGTERM; stderr: %s"
                            % (self.proc.returncode, self.stderr()))
        if b"stopped" not in out:
            problems.append("standard output lacks 'stopped': %r" % out[-200:])
        problems.extend(self.leaks())
        return problems

    def leaks(self):
        """LeakSanitizer's direct leaks, except the known one (see
        KNOWN_LEAK): problems for the others, a note for it."""
        report = self.stderr(tail=1 << 20)
        blocks = [b for b in re.split(r"\n\s*\n", report)
                  if b.lstrip().startswith("Direct leak of")]
        known = [b for b in blocks if all(f in b for f in KNOWN_LEAK)]
        other = [b for b in blocks if b not in known]
        if known and not other:
            print("note  openapi: chiso serve leaks at exit what its "
                  "connection threads allocated to parse records (%d "
                  "reports; a known bug: libmicrohttpd's threads never call "
                  "record_thread_done/frame_thread_done)" % len(known))
        return ["LeakSanitizer: " + b.strip().replace("\n", "\n      ")[:1500]
                for b in other]


# --- answers against the document -------------------------------------------

def check_answer(doc, op, method, target, status, ctype, body, problems):
    """One answer against the operation's responses."""
    what = "%s %s" % (method, target)
    responses = op.get("responses", {})
    if str(status) not in responses:
        problems.append("%s: status %d is not among the documented %s; body: %s"
                        % (what, status, sorted(responses), body[:200]))
        return
    resp = deref(doc, responses[str(status)])
    content = resp.get("content", {})
    if ctype not in content:
        problems.append("%s: %d with Content-Type %r; documented: %s"
                        % (what, status, ctype, sorted(content)))
        return
    if not ctype.startswith("application/json"):
        return
    try:
        value = json.loads(body)
    except ValueError as e:
        problems.append("%s: %d body is not JSON (%s): %s" % (what, status, e, body[:200]))
        return
    errs = []
    validate(doc, content[ctype].get("schema", {}), value, "body", errs)
    problems.extend("%s: %d: %s" % (what, status, e) for e in errs)


def query_string(params):
    from urllib.parse import urlencode
    return "?" + urlencode(params) if params else ""


def first_row(name, **want):
    import csv
    with open(os.path.join(ROOT, "data", name), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if all(row[k] == v for k, v in want.items()):
                return row
    raise RuntimeError("no row of data/%s with %s" % (name, want))


def first_other_province():
    import csv
    with open(os.path.join(ROOT, "data", "provinces-2025.csv"), encoding="utf-8") as f:
        return next(r["code"] for r in csv.DictReader(f) if r["code"] != UNIT)


def valid_values():
    """A valid value for every parameter name, from the shipped data."""
    with open(os.path.join(ROOT, "data", "indicators.conf"), encoding="utf-8") as f:
        indicator = re.search(r"^\[([A-Za-z0-9_]+)\]", f.read(), re.M).group(1)
    province = first_row("provinces-2025.csv")["code"]
    return {"indicator": indicator, "period": "2025-06", "level": "province",
            "unit": province, "within": province, "code": province,
            "rollup": "false", "before": "0", "limit": "10",
            "name": "app.js", "to": "2025-12", "months": "3"}


UNIT = None  # the province the editor and viewer tokens are for

# A leak the server is known to have (src/server is not this test's to fix):
# a batch is parsed partly on the libmicrohttpd thread that received it
# (prep_wait_slice), whose thread-local parse arena and zstd context are never
# freed. Reports whose stack has all these frames are noted, not failed; any
# other leak fails. Once the server frees them, remove KNOWN_LEAK.
KNOWN_LEAK = ("prep_wait_slice", "api_ingest")


def parameters(doc, op):
    return [deref(doc, p) for p in op.get("parameters", [])]


def build_target(path, params, values):
    """The request target for path with these parameter values."""
    query = {}
    for p in params:
        if p["name"] not in values:
            continue
        if p["in"] == "path":
            path = path.replace("{%s}" % p["name"], values[p["name"]])
        elif p["in"] == "query":
            query[p["name"]] = values[p["name"]]
    return path + query_string(query)


def anonymous_ok(op):
    return op.get("security") is not None and (
        op["security"] == [] or {} in op["security"])


def check_get(doc, srv, path, op, valid):
    """Calls one GET operation many ways; every answer must be documented."""
    params = parameters(doc, op)
    missing = [p["name"] for p in params if p["name"] not in valid]
    if missing:
        return ["no valid value known for parameter(s) %s" % missing]
    required = {p["name"]: valid[p["name"]] for p in params if p.get("required")}
    calls = [dict(required)]
    for p in params:
        if not p.get("required"):
            calls.append(dict(required, **{p["name"]: valid[p["name"]]}))
        for v in deref(doc, p.get("schema", {})).get("enum", []):
            calls.append(dict(required, **{p["name"]: str(v)}))
        if p["in"] != "path":
            calls.append(dict(required, **{p["name"]: "no-such-#1"}))
        if p.get("required") and p["in"] != "path":
            calls.append({k: v for k, v in required.items() if k != p["name"]})
        if p["in"] == "path":
            calls.append(dict(required, **{p["name"]: "no-such-1"}))
    headers = {}
    if not anonymous_ok(op):
        headers["Authorization"] = "Bearer " + srv.tokens["admin"]
    problems, statuses = [], set()
    for values in calls:
        target = build_target(path, params, values)
        status, ctype, body = srv.request("GET", target, headers)
        statuses.add(status)
        check_answer(doc, op, "GET", target, status, ctype, body, problems)
    if 200 not in statuses:
        problems.append("no call answered 200 (got %s)" % sorted(statuses))
    return problems


def check_auth(doc, srv, ops, valid):
    problems = []
    for (method, path), op in sorted(ops.items()):
        if op.get("security") == [] or method != "GET" or path.endswith("/stream"):
            continue
        params = parameters(doc, op)
        target = build_target(path, params, {p["name"]: valid[p["name"]]
                                             for p in params if p.get("required")})
        bad = "Bearer chiso_%s_%s" % ("0" * 16, "0" * 64)
        status, ctype, body = srv.request(method, target, {"Authorization": bad})
        check_answer(doc, op, method, target + " (unknown token)", status, ctype, body, problems)
        if status != 401:
            problems.append("%s %s with an unknown token: expected 401, got %d"
                            % (method, target, status))
        if not anonymous_ok(op):
            for role in ("", "viewer"):
                h = {"Authorization": "Bearer " + srv.tokens[role]} if role else {}
                want = 403 if role else 401
                status, ctype, body = srv.request(method, target, h)
                check_answer(doc, op, method, target, status, ctype, body, problems)
                if status != want:
                    problems.append("%s %s with %s: expected %d, got %d"
                                    % (method, target, role or "no token", want, status))
    return problems


def check_405(doc, srv, ops, valid):
    problems = []
    for (method, path), op in sorted(ops.items()):
        params = parameters(doc, op)
        target = build_target(path, params, valid)
        other = "DELETE"
        status, ctype, body = srv.request(other, target)
        if status != 405:
            problems.append("%s %s: expected 405, got %d" % (other, target, status))
        else:
            check_answer(doc, op, other, target, status, ctype, body, problems)
    status, ctype, body = srv.request("GET", "/api/v1/no-such-endpoint")
    errs = []
    if status == 404 and ctype == "application/json":
        validate(doc, {"$ref": "#/components/schemas/Error"}, json.loads(body), "body", errs)
    else:
        errs.append("expected 404 application/json, got %d %s" % (status, ctype))
    problems.extend("GET /api/v1/no-such-endpoint: " + e for e in errs)
    return problems


def record(key, unit, **more):
    r = {"MaHoSo": key, "MaDonVi": unit, "MaTTHC": "1.001234",
         "KenhThucHien": 2, "MucDo": 4, "TrangThaiHoSo": 10,
         "NgayTiepNhan": "20250603083000", "NgayHenTra": "20250610170000",
         "NgayKetThucXuLy": "20250606150000"}
    r.update(more)
    return json.dumps(r, ensure_ascii=False)


def check_dossiers(doc, srv, op):
    path = "/api/v1/dossiers"
    # A commune of the editor's province, and another province.
    commune = first_row("communes-2025.csv", province_code=UNIT)["code"]
    other = first_row("communes-2025.csv", province_code=first_other_province())["code"]
    lines = [record("OA-1", commune), "", "{not json", record("OA-2", other),
             record("OA-3", UNIT, NgayKetThucXuLy="20250601000000")]
    body = ("\n".join(lines) + "\n").encode()
    editor = "Bearer " + srv.tokens["editor"]
    nd = "application/x-ndjson"
    problems = []
    cases = [
        ("a mixed batch", {"Authorization": editor, "Content-Type": nd}, body, 200),
        ("application/jsonl", {"Authorization": editor,
                               "Content-Type": "application/jsonl"}, body, 200),
        ("a viewer token", {"Authorization": "Bearer " + srv.tokens["viewer"],
                            "Content-Type": nd}, body, 403),
        ("no token", {"Content-Type": nd}, body, 401),
        ("Content-Type application/json", {"Authorization": editor,
                                           "Content-Type": "application/json"}, body, 415),
        ("an empty body", {"Authorization": editor, "Content-Type": nd}, b"", 400),
        ("101 lines (--max-lines 100)", {"Authorization": editor, "Content-Type": nd},
         b"\n" * 101, 413),
        ("70000 bytes (--max-body 65536)", {"Authorization": editor, "Content-Type": nd},
         b" " * 70000, 413),
        ("70000 bytes chunked, no Content-Length", {"Authorization": editor,
                                                    "Content-Type": nd},
         iter([b" " * 35000, b" " * 35000]), 413),
    ]
    first = None
    for name, headers, data, want in cases:
        status, ctype, got = srv.request("POST", path, headers, data)
        check_answer(doc, op, "POST", path + " (%s)" % name, status, ctype, got, problems)
        if status != want:
            problems.append("POST %s (%s): expected %d, got %d: %s"
                            % (path, name, want, status, got[:200]))
        elif first is None and status == 200:
            first = json.loads(got)
    if first is not None:
        outcomes = [(r["line"], r["outcome"], r.get("field")) for r in first["results"]]
        want = [(1, "accepted", None), (2, "blank", None), (3, "refused", ""),
                (4, "refused", "MaDonVi"), (5, "refused", "NgayKetThucXuLy")]
        if outcomes != want:
            problems.append("line outcomes (line, outcome, field): expected %s, got %s"
                            % (want, outcomes))
    return problems


def check_metrics(doc, srv, op):
    status, ctype, body = srv.request("GET", "/metrics")
    problems = []
    check_answer(doc, op, "GET", "/metrics", status, ctype, body, problems)
    served = set(re.findall(r"^# TYPE (\S+) ", body.decode(), re.M))
    documented = set(re.findall(r"chiso_[a-z_]+[a-z]",
                                deref(doc, op["responses"]["200"])["description"]))
    if served != documented:
        problems.append("metrics served but not documented: %s; documented but "
                        "not served: %s" % (sorted(served - documented),
                                            sorted(documented - served)))
    return problems


def check_stream(doc, srv, op):
    problems = []
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    try:
        conn.request("GET", "/api/v1/stream")
        resp = conn.getresponse()
        ctype = resp.getheader("Content-Type")
        documented = deref(doc, op["responses"].get(str(resp.status), {})).get("content", {})
        if resp.status != 200 or ctype not in documented:
            problems.append("GET /api/v1/stream: expected 200 with a documented "
                            "Content-Type %s, got %d %r" % (sorted(documented),
                                                            resp.status, ctype))
        else:
            head = resp.read(2)
            if head != b": ":
                problems.append("the stream does not open with a comment: %r" % head)
    finally:
        conn.close()
    return problems


def main():
    global UNIT
    chiso = os.environ.get("CHISO", "./chiso")
    if os.sep in chiso:
        chiso = os.path.abspath(chiso)
    else:
        chiso = shutil.which(chiso) or chiso
    if not os.access(chiso, os.X_OK):
        print("openapi_check.py: no chiso binary at '%s' (set CHISO)" % chiso,
              file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    raw = open(DOC_PATH, "rb").read()
    try:
        doc = json.loads(raw.decode("utf-8"))
        problems = unresolved_refs(doc)
        if doc.get("openapi") != "3.0.3":
            problems.append("openapi is %r, not '3.0.3'" % doc.get("openapi"))
    except ValueError as e:
        report("data/openapi.json is JSON and every $ref resolves", ["not JSON: %s" % e])
        print("%d passed, %d failed" % (PASS, FAIL))
        return 1
    report("data/openapi.json is JSON and every $ref resolves", problems)
    if problems:
        print("%d passed, %d failed" % (PASS, FAIL))
        return 1

    ops = operations(doc)
    routes, problems = routes_of_server(doc["paths"])
    documented = set(ops)
    if routes != documented:
        problems.append("in the routes table, not the document: %s"
                        % sorted(routes - documented))
        problems.append("in the document, not the routes table: %s"
                        % sorted(documented - routes))
    report("the routes table of server.c equals the document's operations", problems)

    valid = valid_values()
    UNIT = valid["unit"]
    tmp = tempfile.mkdtemp(prefix="chiso-openapi.")
    srv = Server(chiso, tmp)
    try:
        srv.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        report("chiso serve starts", [str(e)])
        shutil.rmtree(tmp, ignore_errors=True)
        print("%d passed, %d failed" % (PASS, FAIL))
        return 1
    try:
        status, ctype, body = srv.request("GET", "/api/v1/openapi.json")
        problems = []
        if status != 200 or ctype != "application/json":
            problems.append("expected 200 application/json, got %d %r" % (status, ctype))
        if body != raw:
            problems.append("the served document (%d bytes) differs from "
                            "data/openapi.json (%d bytes): rebuild chiso"
                            % (len(body), len(raw)))
        report("GET /api/v1/openapi.json serves data/openapi.json byte for byte",
               problems)

        # A batch first, so that the reads below answer values, ranks and
        # audit rows, not only empty figures.
        if ("POST", "/api/v1/dossiers") in ops:
            report("POST /api/v1/dossiers: batch results and errors as documented",
                   check_dossiers(doc, srv, ops[("POST", "/api/v1/dossiers")]))
        for (method, path), op in sorted(ops.items()):
            if method != "GET" or path in ("/api/v1/stream", "/metrics"):
                continue
            report("GET %s: every answer is documented" % path,
                   check_get(doc, srv, path, op, valid))
        if ("GET", "/metrics") in ops:
            report("GET /metrics: text/plain, every metric documented",
                   check_metrics(doc, srv, ops[("GET", "/metrics")]))
        if ("GET", "/api/v1/stream") in ops:
            report("GET /api/v1/stream: 200 text/event-stream",
                   check_stream(doc, srv, ops[("GET", "/api/v1/stream")]))
        report("tokens: unknown 401, missing 401, lower role 403, as documented",
               check_auth(doc, srv, ops, valid))
        report("another method gives 405 everywhere, unknown paths 404",
               check_405(doc, srv, ops, valid))
    except (OSError, http.client.HTTPException) as e:
        report("the server answers", ["%s: %s" % (type(e).__name__, e),
                                      "stderr: " + srv.stderr()])
    finally:
        report("chiso serve stops cleanly on SIGTERM", srv.stop())
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (PASS, FAIL))
    return 0 if FAIL == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
