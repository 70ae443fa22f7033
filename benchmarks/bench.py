"""`make bench` (`python -m benchmarks.bench`): fill the configured database with bench tickets, then time the API.

Measures ticket creation over HTTP with concurrent clients, the first page of a line's queue, a full-text search
and one ticket's detail: each in-process through Django's whole stack ("server time", what the targets speak of)
and as an HTTP round trip to `otvet web`. Prints median and p95 with the targets of issue 2 §7 beside them; the
targets hold for PostgreSQL on 2 cores at 1M tickets, so other sizes and SQLite are for comparison only.
Missing a target is reported, never an error: this is a benchmark, not a timed test.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import sys
from typing import Any
from urllib.parse import urlencode

SEARCH_QUERY = "не приходит письмо"
# (row key, target text, metric: "p95" or "rate", limit)
TARGETS = {"create": (">= 300 tickets/s", "rate", 300.0), "queue": ("p95 <= 30 ms", "p95", 30.0)}
TARGETS["search"] = ("p95 <= 150 ms", "p95", 150.0)
TARGETS["email"] = (">= 200 mails/s", "rate", 200.0)  # issue 4: per worker, SQLite and PostgreSQL
TARGETS["sweep"] = ("<= 1 s", "p95", 1000.0)  # issue 5: 1,000 due of 1M timers, PostgreSQL on 2 cores


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="bench tickets to generate (default 100000)")
    parser.add_argument("--reuse", action="store_true", help="generate only what is missing up to --tickets")
    parser.add_argument("--batch", type=int, default=5_000, help="tickets per insert batch")
    parser.add_argument("--iterations", type=int, default=200, help="requests per read measurement")
    parser.add_argument("--budget", type=float, default=60, help="seconds at most per read measurement")
    parser.add_argument("--creations", type=int, default=2_000, help="tickets created over HTTP")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients creating tickets")
    parser.add_argument("--mails", type=int, default=1_000, help="mails taken in by one worker (email intake)")
    parser.add_argument(
        "--mail-burst", type=int, default=None, help="mails arriving at once for the worker (default: a batch, 100)"
    )
    parser.add_argument("--due", type=int, default=1_000, help="timers due in the timer sweep")
    parser.add_argument("--workers", type=int, default=2, help="`otvet web` worker processes")
    parser.add_argument("--query", default=SEARCH_QUERY, help="the full-text search to time")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generate-only", action="store_true", help="fill the database, measure nothing")
    return parser.parse_args(argv)


def configure() -> None:
    """Production-like settings unless the caller chose otherwise: DEBUG off (it would record every query)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otvet.config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    if not os.environ.get("SECRET_KEY"):
        from otvet.config.env import generated_secret_key, var_dir

        os.environ["SECRET_KEY"] = generated_secret_key(var_dir())
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    configure()
    from benchmarks.world import bench_tickets, bench_world

    out = print
    world = bench_world(args.seed)
    out(describe_database())
    have = bench_tickets()
    wanted = max(0, args.tickets - have) if args.reuse else args.tickets
    if wanted:
        generate(world, wanted, args)
    else:
        out(f"Reusing {have:,} bench tickets (--reuse).")
    if args.generate_only:
        return 0
    rows = measure(world, args)
    out("")
    out(f"Bench tickets: {bench_tickets():,} · CPUs: {os.cpu_count()} · web workers: {args.workers} · "
        f"read iterations: {args.iterations} · targets: PostgreSQL, 2 cores, 1M tickets, server time")  # fmt: skip
    out(table(rows))
    failed = sum(row.errors for row in rows)
    if failed:
        out(f"{failed} requests failed (see the errors column).")
    return 1 if failed else 0


def describe_database() -> str:
    from django.db import connection

    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


def generate(world: Any, count: int, args: argparse.Namespace) -> None:
    from benchmarks.generate import Generator

    tty, step = sys.stdout.isatty(), max(count // 10, 1)

    def progress(done: int, total: int) -> None:
        if tty:
            print(f"\r  generated {done:,} / {total:,} tickets", end="", flush=True)
        elif done % step < args.batch or done == total:
            print(f"  generated {done:,} / {total:,} tickets", flush=True)

    print(f"Generating {count:,} bench tickets in batches of {args.batch:,}...")
    done = Generator(world, seed=args.seed + count).run(count, batch=args.batch, progress=progress)
    if tty:
        print()
    print(
        f"  {done.tickets:,} tickets, {done.messages:,} messages, {done.events:,} events in {done.seconds:.0f} s "
        f"({done.tickets / max(done.seconds, 1e-9):,.0f} tickets/s)"
    )


def measure(world: Any, args: argparse.Namespace) -> list[Any]:
    from benchmarks.email_intake import measure_intake
    from benchmarks.measure import Server, create_concurrently, in_process, over_http
    from benchmarks.sweep import measure_sweep
    from otvet.accounts.services import api_token_create, api_token_revoke

    agent_token, agent_plain = api_token_create(user=world.agent_user, name="bench")
    customer_token, customer_plain = api_token_create(user=world.customer_user, name="bench")
    rng = random.Random(args.seed)
    queue = ["/api/v1/tickets?" + urlencode({"line": "first", "open": "true", "limit": 50})]
    # The API's default ordering (queue: priority, then waiting time), as a client that just passes q gets it.
    search = ["/api/v1/tickets?" + urlencode({"q": args.query, "limit": 50})]
    rare_term = order_number(world, rng)
    rare = ["/api/v1/tickets?" + urlencode({"q": rare_term, "limit": 50})]
    details = [f"/api/v1/tickets/{number}" for number in detail_numbers(world, rng)]
    reads = [
        ("queue", "queue first page (line=first, open)", queue),
        ("search", f"search «{args.query}»", search),
        ("search-rare", f"search «{rare_term}» (an order number)", rare),
        ("detail", "ticket detail", details),
    ]
    server_rows = [
        judge(key, in_process(f"{label} · server", agent_plain, paths, args.iterations, args.budget))
        for key, label, paths in reads
    ]
    try:
        with Server(args.workers) as server:
            http_rows = [
                over_http(f"{label} · HTTP", server.base_url, agent_plain, paths, args.iterations, args.budget)
                for _key, label, paths in reads
            ]
            payloads = creation_payloads(args.creations, rng)
            name = f"create ticket · HTTP · {args.clients} clients"
            created = create_concurrently(name, server.base_url, customer_plain, payloads, args.clients)
    finally:
        api_token_revoke(token=agent_token)
        api_token_revoke(token=customer_token)
    intake = judge("email", measure_intake(args.mails, args.seed, args.mail_burst))
    sweeps = [judge("sweep", row) for row in measure_sweep(args.due, args.seed)]
    # Creation first, then each read: server time above its HTTP round trip; then the email intake.
    pairs = (row for pair in zip(server_rows, http_rows, strict=True) for row in pair)
    return [judge("create", created), *pairs, intake, *sweeps]


def judge(key: str, row: Any) -> Any:
    """Put the target beside a figure and say whether it is met."""
    if key in TARGETS:
        row.target, metric, limit = TARGETS[key]
        row.met = (row.per_second or 0) >= limit if metric == "rate" else row.p95_ms <= limit
    return row


def order_number(world: Any, rng: random.Random) -> str:
    """A five-digit order number that some bench ticket mentions: a rare term, as agents really search."""
    from otvet.tickets.models import Message

    last = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for _ in range(200):
        body = Message.objects.filter(pk__gte=rng.randint(1, max(last, 1))).values_list("body_text", flat=True).first()
        found = re.search(r"\b\d{5}\b", body or "")
        if found:
            return found.group(0)
    return "12345"


def detail_numbers(world: Any, rng: random.Random, count: int = 200) -> list[int]:
    """Bench tickets the bench agent may open, spread over the whole table (so caches do not flatter)."""
    from django.db.models import Max, Min

    from otvet.tickets.access import actor_for_user, tickets_visible_to

    visible = tickets_visible_to(actor_for_user(world.agent_user))
    bounds = visible.aggregate(low=Min("number"), high=Max("number"))
    candidates = {rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 3)} if bounds["low"] else set()
    numbers = list(visible.filter(number__in=candidates).values_list("number", flat=True)[:count])
    rng.shuffle(numbers)
    return numbers or [bounds["high"] or 1]


def creation_payloads(count: int, rng: random.Random) -> list[dict[str, str]]:
    from benchmarks.corpus import Corpus

    corpus = Corpus(rng)
    conversations = (corpus.conversation("shop.bench.example") for _ in range(count))
    return [{"subject": c.subject, "body": c.first} for c in conversations]


def table(rows: list[Any]) -> str:
    """The figures as a Markdown table, ready to paste into the issue."""
    head = ("measurement", "n", "median ms", "p95 ms", "rate", "SQL", "errors", "target", "")
    body = []
    for row in rows:
        verdict = "" if row.met is None else ("met" if row.met else "MISSED")
        body.append(
            (
                row.name,
                str(len(row.samples)),
                f"{row.median_ms:.1f}",
                f"{row.p95_ms:.1f}",
                f"{row.per_second:,.0f}/s" if row.per_second is not None else "",
                "" if row.queries is None else str(row.queries),
                str(row.errors),
                row.target,
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    numeric = {1, 2, 3, 4, 5, 6}

    def render(line: tuple[str, ...]) -> str:
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    return "\n".join([render(head), rule, *(render(line) for line in body)])


if __name__ == "__main__":
    sys.exit(main())
