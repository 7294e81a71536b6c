"""Request intake under load on a real server: gunicorn (several workers) on
PostgreSQL, driven over loopback for a bounded time by a light load
generator in this script — first GET /healthz (SELECT 1: the trivial
baseline), then POST /api/requests/ as grid workers, each submission with
its own Idempotency-Key and a share of them sent again with the same key
(a retry after a lost answer; half of those while the first is still in
flight). Afterwards the database is counted: every key answered 2xx has
exactly one request, none is stored twice, numbers are unique and their
sequence has no gap.

    .venv/bin/python bench/intake_load.py             # 20 s per endpoint
    .venv/bin/python bench/intake_load.py --quick     # 5 s per endpoint
    .venv/bin/python bench/intake_load.py --seconds 60 --connections 64

PostgreSQL is taken from BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/);
a throw-away database wangge_bench_intake is created and dropped. Target:
≥ 200 intakes/s with p99 < 300 ms on a 2-core machine, none lost, none
duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "wangge_bench_intake"
KEY_PREFIX = "bench-"
RETRY_SHARE = 0.05
# Sync workers, one more than cores: an intake waits on PostgreSQL for about
# a quarter of its time, so one spare worker keeps both cores busy. Measured
# on 2 cores (10 s runs, 16 connections): 3 sync workers ~200-230 intakes/s;
# 2 → 166 (a core idles while both wait), 4 → 172 and 5 (gunicorn's usual
# 2 × cores + 1) → 177, each spending more CPU per request on switching
# between processes; gthread (3 × 2 or 2 × 4 threads) 136-155, its threads
# taking turns at one interpreter lock per process.
WORKERS = (os.cpu_count() or 1) + 1
WORKER_CLASS = "sync"
# Sixteen clients keep 3 workers busy with a short queue; 32 gave the same
# rate with twice the latency (p99 ~280 ms against ~120 ms).
CONNECTIONS = 16
TEXTS = (
    "村口垃圾堆放多日无人清运,气味很大",
    "巡查发现村里手机信号很差,群众反映强烈",
    "河道边护栏损坏,存在安全隐患",
    "小区路灯连续多晚不亮,老人夜里出行不便",
)


# --- setup (Django in this process; the server gets its own environment) ---


@dataclass(frozen=True)
class Setup:
    submitters: list[dict[str, str]]  # a grid worker's token, grid, and a point in it
    categories: list[str]  # every active leaf category


def setup_database(base: str) -> Setup:
    """Create, migrate and seed the throw-away database: 丹凤县 with its
    grid workers, each with an API token, submitting for his own grid."""
    subprocess.run(
        ["psql", base + "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True
    )
    for attempt in range(10):  # CREATE fails while another session copies template1
        made = subprocess.run(
            ["psql", base + "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=False
        )
        if made.returncode == 0:
            break
        time.sleep(1 + attempt)
    else:
        raise SystemExit(f"could not create {DB_NAME}")
    os.environ["BENCH_DATABASE_URL"] = base + DB_NAME
    sys.path.insert(0, str(ROOT / "bench"))
    import _django

    _django.setup()
    from django.conf import settings
    from django.db import connection, connections
    from rest_framework.authtoken.models import Token
    from shapely.geometry import shape

    from wangge.accounts.models import User
    from wangge.categories.models import Category
    from wangge.demo.seed import demo_seed
    from wangge.territory.models import Area

    # No population: intake reads no household, and seeding people costs
    # minutes without changing what is measured.
    demo_seed(scale="county", data_dir=settings.WANGGE_DATA_DIR, population="none")
    grids = dict(
        Area.objects.filter(level="grid", county_code="611022", is_active=True).values_list(
            "code", "geometry"
        )
    )
    users = User.objects.filter(username__in=[f"wg{code}" for code in grids])
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    submitters = []
    for token, user in zip(tokens, users, strict=True):
        point = shape(grids[user.username[2:]]).representative_point()
        submitters.append(
            {"token": token.key, "grid": user.username[2:], "lon": point.x, "lat": point.y}
        )
    categories = list(
        Category.objects.filter(level=3, is_active=True).values_list("code", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have done on a settled database
    connections.close_all()
    return Setup(sorted(submitters, key=lambda s: s["grid"]), categories)


def verify(keys: dict[str, KeyRecord]) -> dict[str, object]:
    """Count what the database holds against what the load generator saw."""
    from django.db import connections

    from wangge.dispatch.models import Request, RequestCounter, RequestEvent

    rows = list(
        Request.objects.values_list("idempotency_key", "number", "county_code", "year", "seq")
    )
    connections.close_all()
    by_key: dict[str, list[str]] = {}
    for key, number, *_ in rows:
        by_key.setdefault(key or "", []).append(number)
    numbers = Counter(number for _k, number, *_ in rows)
    lost = duplicated = unanswered = stored_unanswered = wrong_status = 0
    retried = retry_first = 0
    for key, rec in keys.items():
        stored = by_key.get(key, [])
        answered = {n for status, n in rec.answers if status in (200, 201)}
        if len(stored) > 1 or len(answered) > 1:
            duplicated += 1
        if answered and (not stored or set(stored) != answered):
            lost += 1  # someone was told a number the database does not hold
        if not answered:
            unanswered += 1
            stored_unanswered += bool(stored)  # an error answer, yet the matter is in
        if rec.sent > 1:
            retried += 1
            statuses = sorted(s for s, _n in rec.answers)
            if len(answered) == 1 and len(rec.answers) == rec.sent:
                retry_first += 1
            if statuses != [200] * (len(statuses) - 1) + [201]:
                wrong_status += 1  # exactly one 201, every other answer 200
    foreign = len(by_key.get("", [])) + sum(1 for k in by_key if k and not k.startswith(KEY_PREFIX))
    gaps = 0
    seqs: dict[tuple[str, int], list[int]] = {}
    for _k, _n, county, year, seq in rows:
        seqs.setdefault((county, year), []).append(seq)
    counters = {
        (c, y): last
        for c, y, last in RequestCounter.objects.values_list("county_code", "year", "last")
    }
    for group, got in seqs.items():
        got.sort()
        gaps += int(got != list(range(1, len(got) + 1)) or counters.get(group) != len(got))
    submits = RequestEvent.objects.filter(action="submit").count()
    connections.close_all()
    # A request is stored twice if two rows carry one key (or one number), a
    # row carries no key of this run, or a timeline got two submit events.
    duplicated += foreign + sum(n - 1 for n in numbers.values() if n > 1)
    duplicated += max(0, submits - len(rows))
    lost += max(0, len(rows) - submits)  # a request whose timeline lacks its start
    return {
        "keys": len(keys),
        "stored": len(rows),
        "lost": lost,
        "duplicated": duplicated,
        "unanswered": unanswered,
        "stored_unanswered": stored_unanswered,
        "retried": retried,
        "retry_first": retry_first,
        "wrong_status": wrong_status,
        "contiguous": gaps == 0,
    }


# --- the server --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db_url: str, port: int, workers: int, worker_class: str, threads: int, tmp: Path
) -> subprocess.Popen[bytes]:
    keys = tmp / "pii-keys"
    keys.write_text(
        f"enc k1 {secrets.token_hex(16)}\ncurrent k1\nindex {secrets.token_hex(32)}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # this checkout's wangge, whatever the venv points at
        "DJANGO_SETTINGS_MODULE": "wangge.settings",
        "DATABASE_URL": db_url,
        "WANGGE_DEBUG": "0",
        "WANGGE_SECRET_KEY": secrets.token_urlsafe(48),
        "WANGGE_ALLOWED_HOSTS": "127.0.0.1",
        "WANGGE_PII_KEYS_FILE": str(keys),
    }
    cmd = [
        sys.executable, "-m", "gunicorn", "wangge.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--chdir", str(ROOT),
        "--worker-tmp-dir", "/dev/shm",  # noqa: S108 - heartbeat files on tmpfs, as gunicorn advises
        "--error-logfile", str(tmp / "gunicorn.log"),
        "--timeout", "60",
        "--graceful-timeout", "5",
    ]  # fmt: skip
    # A session of its own: Ctrl+C reaches this script, which then stops the
    # server in order (finally), instead of both racing to shut down.
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{tail(log)}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def tail(path: Path, n: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return ""


# --- the load generator --------------------------------------------------------
# Plain asyncio streams speaking HTTP/1.1, keep-alive when the server allows
# it: a few microseconds of Python per request, so most of the two cores is
# left to the server and the database.


@dataclass
class KeyRecord:
    sent: int = 0
    answers: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("2"))

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if not s.startswith("2"))

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """Send one request, return (status, body). Reconnects first when the
        server closed the connection after the last answer."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"]))
        else:
            content = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content


def request_head(port: int, method: str, path: str, headers: dict[str, str], length: int) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def drive(
    port: int,
    connections: int,
    seconds: float,
    make: Callable[[], tuple[bytes, bytes, Submission | None]],
    keys: dict[str, KeyRecord],
    retries: deque[Submission],
) -> Stats:
    """Keep ``connections`` requests in flight for ``seconds``; each
    connection sends its next request when the last is answered."""
    stats = Stats()
    stats.started = time.perf_counter()
    deadline = stats.started + seconds

    async def one() -> None:
        conn = Connection(port)
        try:
            while time.perf_counter() < deadline:
                head, body, sub = make()
                if sub is not None:
                    keys.setdefault(sub.key, KeyRecord()).sent += 1
                t = time.perf_counter()
                try:
                    async with asyncio.timeout(60):
                        status, content = await conn.request(head, body)
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                    stats.statuses[type(exc).__name__] += 1
                    await conn.close()
                    continue
                stats.latencies.append(time.perf_counter() - t)
                stats.statuses[str(status)] += 1
                if sub is not None:
                    number = json.loads(content).get("number", "") if status < 300 else ""
                    keys[sub.key].answers.append((status, number))
                    if sub.retry_after and status < 300:
                        retries.append(sub.again())
        finally:
            await conn.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    stats.finished = time.perf_counter()
    return stats


@dataclass
class Submission:
    key: str
    head: bytes
    body: bytes
    retry_after: bool = False  # send again once the first is answered

    def again(self) -> Submission:
        return Submission(self.key, self.head, self.body)


class Intakes:
    """Makes the intake requests: a fresh key each, from any of the county's
    grid workers for his grid (by its code or by a point in it, half and
    half), of any leaf category; RETRY_SHARE of them
    are sent twice — half the retries queued at once, so another connection
    sends them while the first is in flight, half after the first answer."""

    def __init__(self, port: int, setup: Setup, run: str) -> None:
        self.port = port
        self.setup = setup
        self.run = run
        self.rng = random.Random(f"{run}-611022")
        self.n = 0
        self.retries: deque[Submission] = deque()

    def __call__(self) -> tuple[bytes, bytes, Submission | None]:
        if self.retries:
            sub = self.retries.popleft()
            return sub.head, sub.body, sub
        self.n += 1
        who = self.rng.choice(self.setup.submitters)
        payload: dict[str, object] = {
            "channel": "grid_worker",
            "category": self.rng.choice(self.setup.categories),
            "description": f"{TEXTS[self.n % len(TEXTS)]}(第{self.n}件)",
            "contact_phone": f"139{self.n % 100_000_000:08d}",
            "urgency": "normal",
        }
        if self.n % 2:
            payload["grid"] = who["grid"]
        else:
            payload["lon"], payload["lat"] = who["lon"], who["lat"]
        key = f"{KEY_PREFIX}{self.run}-{self.n}"
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Authorization": f"Token {who['token']}", "Idempotency-Key": key}
        sub = Submission(
            key, request_head(self.port, "POST", "/api/requests/", headers, len(body)), body
        )
        if self.rng.random() < RETRY_SHARE:
            if self.rng.random() < 0.5:
                self.retries.append(sub.again())  # concurrently with the first
            else:
                sub.retry_after = True
        return sub.head, sub.body, sub


# --- where the CPU went (Linux /proc; zeros elsewhere) -----------------------


def _ticks(stat: str, children: bool = False) -> int:
    fields = stat.rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11 : 15 if children else 13])


def cpu_now(server_pid: int) -> dict[str, float]:
    """CPU seconds so far: the gunicorn master and workers, the PostgreSQL
    sessions on the bench database, this script, and the whole machine."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    out = {"server": 0.0, "database": 0.0, "client": time.process_time(), "machine": 0.0}
    try:
        busy = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return out
    out["machine"] = (sum(busy) - busy[3] - busy[4]) / tick  # all but idle and iowait
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            if int(proc.name) == server_pid or int(stat.rsplit(")", 1)[1].split()[1]) == server_pid:
                out["server"] += _ticks(stat) / tick
            elif "(postgres)" in stat and DB_NAME in (proc / "cmdline").read_text():
                out["database"] += _ticks(stat) / tick
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return out


def measured(server_pid: int, run: Callable[[], Stats]) -> tuple[Stats, dict[str, float]]:
    """Run one phase; CPU seconds each part used during it."""
    before = cpu_now(server_pid)
    stats = run()
    after = cpu_now(server_pid)
    used = {k: after[k] - before[k] for k in before}
    used["other"] = max(0.0, used["machine"] - used["server"] - used["database"] - used["client"])
    return stats, used


# --- the run -----------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="5 s per endpoint")
    ap.add_argument("--seconds", type=float, help="measured seconds per endpoint (default 20)")
    ap.add_argument("--connections", type=int, default=CONNECTIONS, help="concurrent connections")
    ap.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    ap.add_argument("--worker-class", default=WORKER_CLASS, choices=("sync", "gthread"))
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    args = ap.parse_args()
    seconds = args.seconds or (5.0 if args.quick else 20.0)
    warm = 2.0 if args.quick else 4.0
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
    n = args.connections

    server: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="wangge-load-") as d:
        tmp = Path(d)
        try:
            setup = setup_database(base)
            port = free_port()
            server = start_server(
                base + DB_NAME, port, args.workers, args.worker_class, args.threads, tmp
            )
            wait_healthy(server, port, tmp / "gunicorn.log")
            health_head = request_head(port, "GET", "/healthz", {}, 0)

            def health() -> tuple[bytes, bytes, Submission | None]:
                return health_head, b"", None

            keys: dict[str, KeyRecord] = {}
            warm_up, intakes = Intakes(port, setup, "warm"), Intakes(port, setup, "run")
            # Warm every worker: imports, its database connection, the point
            # index and the intake snapshot (built per process on first use).
            asyncio.run(drive(port, n, warm, health, keys, deque()))
            asyncio.run(drive(port, n, warm, warm_up, keys, warm_up.retries))
            trivial = measured(
                server.pid, lambda: asyncio.run(drive(port, n, seconds, health, keys, deque()))
            )
            intake = measured(
                server.pid,
                lambda: asyncio.run(drive(port, n, seconds, intakes, keys, intakes.retries)),
            )
            stop_server(server)
            counted = verify(keys)
        finally:
            if server is not None:
                stop_server(server)
            try:
                from django.db import connections

                connections.close_all()
            except ImportError:
                pass
            subprocess.run(
                [
                    "psql",
                    base + "postgres",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)",
                ],
                check=False,
            )
    report(args, trivial, intake, counted)


def report(
    args: argparse.Namespace,
    trivial: tuple[Stats, dict[str, float]],
    intake: tuple[Stats, dict[str, float]],
    c: dict[str, object],
) -> None:
    base_rate = trivial[0].ok / trivial[0].seconds
    print(
        f"request intake under load: gunicorn {args.worker_class} × {args.workers} workers"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", PostgreSQL, {args.connections} connections on loopback, {os.cpu_count()} cores"
    )
    print(
        f"{'endpoint':<22}{'conns':>6}{'seconds':>9}{'requests':>10}{'req/s':>9}{'× trivial':>11}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>8}"
    )
    for label, (s, _cpu) in (("GET /healthz", trivial), ("POST /api/requests/", intake)):
        rate = s.ok / s.seconds
        print(
            f"{label:<22}{args.connections:>6}{s.seconds:>9.1f}{s.ok:>10}{rate:>9.0f}"
            f"{rate / base_rate:>11.2f}{s.pct(50):>8.0f}{s.pct(95):>8.0f}{s.pct(99):>8.0f}"
            f"{max(s.latencies, default=0) * 1000:>8.0f}{s.errors:>8}"
        )
    for label, (s, cpu) in (("GET /healthz", trivial), ("POST /api/requests/", intake)):
        per = 1000 / max(1, s.ok + s.errors)
        print(
            f"  {label} CPU ms per request: server {cpu['server'] * per:.2f},"
            f" database {cpu['database'] * per:.2f}, load generator {cpu['client'] * per:.2f};"
            f" other processes used {cpu['other'] / s.seconds:.0%} of a core meanwhile"
        )
        if s.errors:
            bad = ", ".join(
                f"{k}: {v}" for k, v in sorted(s.statuses.items()) if not k.startswith("2")
            )
            print(f"  {label} errors: {bad}")
    print(
        f"  integrity: {c['keys']} keys sent, {c['stored']} requests stored, {c['lost']} lost,"
        f" {c['duplicated']} duplicated, {c['retry_first']} of {c['retried']} retries answered"
        f" with the first request ({c['wrong_status']} with a wrong status),"
        f" seq contiguous: {'yes' if c['contiguous'] else 'NO'}"
        + (
            f"; {c['unanswered']} keys never answered ({c['stored_unanswered']} stored)"
            if c["unanswered"]
            else ""
        )
    )
    s = intake[0]
    rate, p99 = s.ok / s.seconds, s.pct(99)
    met = rate >= 200 and p99 < 300 and c["lost"] == 0 and c["duplicated"] == 0
    print(
        f"SUMMARY intake_load: {rate:.0f} req/s intake ({rate / base_rate:.2f} × trivial),"
        f" p99 {p99:.0f} ms, {c['lost']} lost, {c['duplicated']} duplicated"
        f" (target ≥ 200 req/s, p99 < 300 ms: {'met' if met else 'NOT met'})"
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("interrupted: server stopped, database dropped") from None
