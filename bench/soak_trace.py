"""An opt-in memory probe for the soak's worker process (``worker_soak.py --hook``).

``worker_soak.py`` copies this file as ``sitecustomize.py`` into a directory that it puts on
the worker's PYTHONPATH only, so Python imports it at start-up, before the worker's code.
Nothing here runs unless PAYLINKS_SOAK_TRACE names an output directory. Then a daemon
thread:

- every PAYLINKS_SOAK_TRACE_EVERY seconds (30) appends a line to ``stats.jsonl``: RSS and
  its anonymous part, the bytes tracemalloc traces (every live Python allocation; 0 when
  not tracing), glibc malloc's bytes in use and free inside its arenas, pymalloc's arenas
  and the bytes in use in them, gc-tracked objects, threads, open files;
- after PAYLINKS_SOAK_TRACE_BASELINE seconds of the process (360: past the warm-up) keeps
  the gc-tracked objects by type (and, when tracing, the traced bytes by allocation site),
  then every PAYLINKS_SOAK_TRACE_DIFF_EVERY seconds (300) writes ``diff-<minutes>.txt``:
  the types (and sites) that grew most since that baseline, and for each type named in
  PAYLINKS_SOAK_TRACE_HOLDERS (comma-separated, as the report names them) what holds two
  of its objects: the shortest chain of referrers back to a module (objgraph's
  ``find_backref_chain``), or the longest found within a bounded search (each step scans
  every object: it takes seconds of the worker's CPU).

tracemalloc keeps PAYLINKS_SOAK_TRACE_FRAMES frames per allocation: 0 does not trace at all
(the figures cost next to nothing), 1 keeps the line alone (the worker's CPU about triples).
More frames add call paths to the reports, at a high price: with 12, a worker that uses 0.1
of a core untraced used all of one and fell behind its jobs.

SIGUSR1 makes the worker call glibc's ``malloc_trim(0)``, which hands the free pages inside
malloc's arenas back to the system, and log RSS before and after (a ``trim`` line).

A leak shows as traced or in-use bytes, and one site or type, growing at each diff; memory
that malloc keeps free after use (fragmentation, per-thread arenas) as RSS growing while the
in-use bytes stay flat, and falling back at a trim.
"""

import ctypes
import gc
import json
import os
import signal
import sys
import tempfile
import threading
import time
import tracemalloc
import types
from collections import Counter
from pathlib import Path

MB = 1024 * 1024
TOP_SITES = 25
TOP_TRACEBACKS = 8
TOP_TYPES = 25
HOLDER_SAMPLES = 2  # objects of a type whose holders are shown
CHAIN_LOOKUPS = 200  # objects whose referrers are looked up for one chain (each scans all)
FAN_OUT = 20  # referrers followed from one object

Sizes = dict[tracemalloc.Traceback, tuple[int, int]]  # (bytes, blocks) by where


_MALLINFO2 = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
              "uordblks", "fordblks", "keepcost")  # fmt: skip


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in _MALLINFO2]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = _MallInfo2


def _malloc() -> dict[str, float]:
    """glibc's own figures (all arenas): bytes handed out and bytes free inside the heaps.
    pymalloc's arenas are mmapped directly and count in neither."""
    info = _libc.mallinfo2()
    return {
        "malloc_in_use_mb": (info.uordblks + info.hblkhd) / MB,
        "malloc_free_mb": info.fordblks / MB,
        "malloc_heap_mb": (info.arena + info.hblkhd) / MB,
    }


def _pymalloc() -> dict[str, float]:
    """pymalloc's arenas (objects of 512 bytes or less): the bytes they hold and the bytes
    of their blocks in use, from ``sys._debugmallocstats``. It writes to file descriptor
    2, taken over for the moment: a line another thread logs then is lost."""
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        text = sink.read().decode(errors="replace")
    figures: dict[str, int] = {}
    for line in text.splitlines():
        name, _, value = line.partition("=")
        number = value.strip().replace(",", "")
        if number.isdigit():
            figures.setdefault(name.strip(), int(number))  # the first "Total": the arenas
    return {
        "pymalloc_arenas_mb": figures.get("Total", 0) / MB,
        "pymalloc_used_mb": figures.get("# bytes in allocated blocks", 0) / MB,
    }


def _status() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": fields.get("VmRSS", 0.0), "rss_anon_mb": fields.get("RssAnon", 0.0)}


def _types() -> Counter[str]:
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


def _filtered(snapshot: tracemalloc.Snapshot) -> tracemalloc.Snapshot:
    return snapshot.filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, __file__),
            tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
            tracemalloc.Filter(False, "<unknown>"),
        ]
    )


class Tracer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.every = float(os.environ.get("PAYLINKS_SOAK_TRACE_EVERY", "30"))
        self.baseline_at = float(os.environ.get("PAYLINKS_SOAK_TRACE_BASELINE", "360"))
        self.diff_every = float(os.environ.get("PAYLINKS_SOAK_TRACE_DIFF_EVERY", "300"))
        holders = os.environ.get("PAYLINKS_SOAK_TRACE_HOLDERS", "")
        self.holders = [name.strip() for name in holders.split(",") if name.strip()]
        self.started = time.monotonic()
        self.baseline_sites: Sizes | None = None
        self.baseline_paths: Sizes = {}
        self.baseline_types: Counter[str] = Counter()
        self.next_diff = 0.0

    def run(self) -> None:
        while True:
            time.sleep(self.every)
            uptime = time.monotonic() - self.started
            try:
                self.tick(uptime)
            except Exception as error:  # never take the worker down
                with (self.out / "errors.txt").open("a") as sink:
                    sink.write(f"{uptime:.0f} s: {type(error).__name__}: {error}\n")

    def tick(self, uptime: float) -> None:
        traced, peak = tracemalloc.get_traced_memory()
        line = {
            "at": time.time(),
            "uptime_s": round(uptime),
            **_status(),
            "traced_mb": traced / MB,
            "traced_peak_mb": peak / MB,
            **_malloc(),
            **_pymalloc(),
            "gc_objects": len(gc.get_objects()),
            "threads": threading.active_count(),
            "fds": len(os.listdir("/proc/self/fd")),
        }
        with (self.out / "stats.jsonl").open("a") as sink:
            sink.write(json.dumps(line) + "\n")
        if not self.baseline_types and uptime >= self.baseline_at:
            if tracemalloc.is_tracing():
                self.baseline_sites, self.baseline_paths = _sites(
                    _filtered(tracemalloc.take_snapshot())
                )
            self.baseline_types = _types()
            self.next_diff = uptime + self.diff_every
        elif self.baseline_types and uptime >= self.next_diff:
            self.next_diff += self.diff_every
            self.diff(uptime)

    def diff(self, uptime: float) -> None:
        since = (uptime - self.baseline_at) / 60
        lines = [f"Worker uptime {uptime / 60:.1f} min; growth over the {since:.1f} min since "
                 f"the baseline (uptime {self.baseline_at / 60:.1f} min)."]  # fmt: skip
        if self.baseline_sites is not None:
            lines += self.site_growth()
        growth = _types()
        growth.subtract(self.baseline_types)
        lines.append(f"\nTop {TOP_TYPES} gc-tracked object types by count growth:")
        for name, change in growth.most_common(TOP_TYPES):
            lines.append(f"  {change:+8,d}  {name}")
        for name in self.holders:
            lines += _holders(name)
        (self.out / f"diff-{uptime / 60:05.1f}.txt").write_text("\n".join(lines) + "\n")

    def site_growth(self) -> list[str]:
        assert self.baseline_sites is not None
        sites, paths = _sites(_filtered(tracemalloc.take_snapshot()))
        lines: list[str] = []
        grown = _growth(sites, self.baseline_sites)
        total = sum(size for size, _, _, _ in grown)
        lines.append(f"Traced bytes, all sites: {total / 1024:+,.0f} KiB\n")
        lines.append(f"Top {TOP_SITES} allocation sites by growth (size change, count change):")
        for size, count, now, traceback in grown[:TOP_SITES]:
            frame = traceback[0]
            lines.append(
                f"  {size / 1024:+10,.1f} KiB {count:+8,d} blocks  now {now / 1024:,.1f} KiB  "
                f"{frame.filename}:{frame.lineno}"
            )
        if paths:
            lines.append(f"\nTop {TOP_TRACEBACKS} call paths by growth (most recent call first):")
            for size, count, _, traceback in _growth(paths, self.baseline_paths)[:TOP_TRACEBACKS]:
                lines.append(f"  {size / 1024:+,.1f} KiB {count:+,d} blocks")
                lines += [f"      {text}" for text in traceback.format(most_recent_first=True)]
        return lines

    def trim(self, *_: object) -> None:
        """SIGUSR1 (in the main thread): give malloc's free pages back, and log the effect."""
        before = {**_status(), **_malloc()}
        _libc.malloc_trim(0)
        after = {**_status(), **_malloc()}
        line = {"at": time.time(), "uptime_s": round(time.monotonic() - self.started),
                "trim": {"before": before, "after": after}}  # fmt: skip
        with (self.out / "stats.jsonl").open("a") as sink:
            sink.write(json.dumps(line) + "\n")


def _holders(name: str) -> list[str]:
    found = [o for o in gc.get_objects() if _type_name(o) == name]
    lines = [f"\nWhat holds {name} ({len(found)} alive), from a module to the object:"]
    for target in found[:HOLDER_SAMPLES]:
        lines.append("  " + " -> ".join(_chain(target, ignore={id(found)})))
    return lines


def _type_name(o: object) -> str:
    return f"{type(o).__module__}.{type(o).__qualname__}"


def _chain(target: object, ignore: set[int]) -> list[str]:
    """The shortest chain of referrers from a module to ``target``, found breadth first
    (this thread's frames and containers skipped); when no module is found within
    ``CHAIN_LOOKUPS`` lookups, the chain from the last object looked at."""
    own_frames, frame = set(), sys._getframe()
    while frame is not None:
        own_frames.add(id(frame))
        frame = frame.f_back
    seen: dict[int, object] = {id(target): target}
    parent: dict[int, int | None] = {id(target): None}
    queue = [target]
    ignore = ignore | own_frames | {id(seen), id(parent), id(queue)}
    current, lookups = target, 0
    while queue and lookups < CHAIN_LOOKUPS:
        current = queue.pop(0)
        if isinstance(current, types.ModuleType):
            return _path(seen, parent, id(current))
        lookups += 1
        for referrer in gc.get_referrers(current)[:FAN_OUT]:
            if id(referrer) not in seen and id(referrer) not in ignore:
                seen[id(referrer)], parent[id(referrer)] = referrer, id(current)
                queue.append(referrer)
    return ["(no module within reach) ...", *_path(seen, parent, id(current))]


def _path(seen: dict[int, object], parent: dict[int, int | None], start: int) -> list[str]:
    """The chain from ``start`` to the target, each dict with the key that leads on."""
    steps: list[str] = []
    key: int | None = start
    while key is not None:
        obj, key = seen[key], parent[key]
        if isinstance(obj, types.ModuleType):
            steps.append(f"module {obj.__name__}")
        elif isinstance(obj, dict) and key is not None:
            keys = [repr(k) for k, v in obj.items() if id(v) == key]
            steps.append(f"dict[{', '.join(keys)[:60]}]")
        else:
            steps.append(_type_name(obj))
    return steps


def _sites(snapshot: tracemalloc.Snapshot) -> tuple[Sizes, Sizes]:
    """(size, count) by line, and by whole traceback when more than one frame is kept: the
    figures alone, so that no snapshot (tens of MB) stays in memory between two diffs."""

    def sizes(key: str) -> Sizes:
        return {stat.traceback: (stat.size, stat.count) for stat in snapshot.statistics(key)}

    paths = sizes("traceback") if tracemalloc.get_traceback_limit() > 1 else {}
    return sizes("lineno"), paths


def _growth(now: Sizes, then: Sizes) -> list[tuple[int, int, int, tracemalloc.Traceback]]:
    """(size change, count change, size now, where), the largest growth first."""
    grown = [
        (size - then.get(key, (0, 0))[0], count - then.get(key, (0, 0))[1], size, key)
        for key, (size, count) in now.items()
    ]
    grown += [(-size, -count, 0, key) for key, (size, count) in then.items() if key not in now]
    return sorted(grown, key=lambda item: item[0], reverse=True)


def _start() -> None:
    out = os.environ.get("PAYLINKS_SOAK_TRACE")
    if not out:
        return
    Path(out).mkdir(parents=True, exist_ok=True)
    frames = int(os.environ.get("PAYLINKS_SOAK_TRACE_FRAMES", "1"))
    if frames > 0:
        tracemalloc.start(frames)
    tracer = Tracer(Path(out))
    signal.signal(signal.SIGUSR1, tracer.trim)
    threading.Thread(target=tracer.run, name="soak-trace", daemon=True).start()


_start()
