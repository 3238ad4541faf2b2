"""The Reflex web apps: bun and the settings that keep Reflex off the network (for their
builds and servers), and ``WebApp``, one app served by a ``paylinks checkout`` or
``paylinks dashboard`` child process (what ``paylinks up`` and the tests start).

Reflex would download bun with a shell script from the internet; instead bun comes from
the npm registry, pinned, into a tools folder of the data dir, and every setting that
would make Reflex reach the network is turned off: telemetry, the check for a newer
version, and the probe of npm mirrors.
"""

import contextlib
import fcntl
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType, TracebackType

import checkout
import dashboard
import httpx

BUN_VERSION = "1.4.5"
#: A first build installs the frontend packages; later starts take seconds.
READY_WITHIN = 900.0
STOP_WITHIN = 15.0

Say = Callable[[str], None]


class WebAppError(RuntimeError):
    """A web app that could not be installed, built or started."""


#: The web apps by name: their import packages, which this package depends on.
_PACKAGES: dict[str, ModuleType] = {"checkout": checkout, "dashboard": dashboard}


def app_dir(name: str) -> Path:
    """The folder of a web app (``checkout``, ``dashboard``): the one its import package is
    installed in, beside its ``rxconfig.py`` and ``assets/`` (Reflex runs from there)."""
    package_dir = Path(next(iter(_PACKAGES[name].__path__)))
    return package_dir.resolve().parent


def _bun_binaries(tools: Path) -> list[Path]:
    """The real bun binaries npm may have installed (``.bin/bun`` is a stub when install
    scripts are skipped); the baseline build runs on CPUs without AVX2."""
    arch = "aarch64" if platform.machine().lower() in {"aarch64", "arm64"} else "x64"
    scope = tools / "node_modules" / "@oven"
    names = [f"bun-linux-{arch}", f"bun-linux-{arch}-baseline"]
    if sys.platform == "darwin":
        names = [f"bun-darwin-{arch}", f"bun-darwin-{arch}-baseline"]
    return [scope / name / "bin" / "bun" for name in names]


def _working_bun(tools: Path) -> Path | None:
    for binary in _bun_binaries(tools):
        if not binary.is_file():
            continue
        try:
            done = subprocess.run(  # noqa: S603  (our own binary)
                [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False
            )
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == BUN_VERSION:
            return binary
    return None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """One process at a time in the block (two apps, or two processes of one app, may
    start together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class NpmMissing(WebAppError):
    """npm is not installed: nothing can be installed from the npm registry."""


def npm_tool(
    tools: Path,
    package: str,
    version: str,
    installed: Callable[[Path], Path | None],
    say: Say = print,
) -> Path:
    """A pinned npm package under ``tools``: what ``installed`` finds there (``None`` when
    missing or another version), after installing it from the npm registry if needed (one
    process at a time)."""
    tools = tools.resolve()
    with locked(tools / ".install.lock"):
        found = installed(tools)
        if found is not None:
            return found
        npm = shutil.which("npm")
        if npm is None:
            raise NpmMissing(
                f"npm was not found: Node.js (20 or later) with npm installs {package} "
                "from the npm registry."
            )
        say(f"Installing {package} {version} from the npm registry into {tools} …")
        done = subprocess.run(  # noqa: S603  (npm, by name)
            [
                npm,
                "install",
                "--prefix",
                str(tools),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                f"{package}@{version}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        found = installed(tools)
        if done.returncode != 0 or found is None:
            raise WebAppError(
                f"Installing {package} {version} with npm failed:\n"
                + (done.stderr or done.stdout)[-3000:]
            )
        return found


def ensure_bun(tools: Path, say: Say = print) -> Path:
    """The bun binary under ``tools``, installed from the npm registry when missing."""
    return npm_tool(tools, "bun", BUN_VERSION, _working_bun, say)


def _npm_registry() -> str | None:
    """The registry npm is set up with (Reflex otherwise probes mirrors over the network)."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603  (npm, by name)
            [npm, "config", "get", "registry"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    registry = done.stdout.strip()
    return registry if done.returncode == 0 and registry.startswith("http") else None


def reflex_environment(bun: Path, work_dir: Path) -> dict[str, str]:
    """What keeps Reflex off the network, and its build output out of the source tree."""
    env = {
        "REFLEX_BUN_PATH": str(bun),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_HTTP_CLIENT_BIND_ADDRESS": "0.0.0.0",  # noqa: S104  (its outgoing calls)
        "REFLEX_WEB_WORKDIR": str(work_dir / ".web"),
        "REFLEX_STATES_WORKDIR": str(work_dir / ".states"),
        # Reflex makes this folder at start even if nothing is kept there (uploads are
        # passed on to the API in memory).
        "REFLEX_UPLOADED_FILES_DIR": str(work_dir / "uploaded_files"),
        "PYTHONUNBUFFERED": "1",
    }
    registry = _npm_registry()
    if registry:
        env["NPM_CONFIG_REGISTRY"] = registry
    return env


#: Lines of the app's output that tell a person how its start goes.
_PROGRESS = (
    "Installing",
    "Compiling",
    "Creating Production Build",
    "build",
    "built",
    "serving on",
    "Error",
    "error",
    "Traceback",
)


class WebApp:
    """One Reflex app served on ``port`` by a ``paylinks <name>`` child process, which
    builds it first when its build is missing or stale.

    Its build lives in ``<data_dir>/web/<name>`` and its output in
    ``<data_dir>/logs/<name>.log``; ``say`` hears the steps of the build and when it is up;
    ``env`` adds settings (``PAYLINKS_API_URL``, the app's public address …).
    """

    def __init__(
        self,
        name: str,
        port: int,
        *,
        data_dir: Path,
        host: str = "127.0.0.1",
        env: Mapping[str, str] | None = None,
        say: Say = print,
    ) -> None:
        self.name = name
        self.port = port
        self.host = host
        self.data_dir = data_dir.resolve()
        self.extra_env = dict(env or {})
        self.say = say
        self.log_path = self.data_dir / "logs" / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self._relay: threading.Thread | None = None
        # start() may run on another thread than stop() (``paylinks up`` builds in the
        # background): the child is spawned, or not at all, under this lock.
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::", ""} else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the child (returns at once; ``wait_ready`` waits for it to answer)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PAYLINKS_DATA_DIR": str(self.data_dir), **self.extra_env}
        env["PYTHONUNBUFFERED"] = "1"
        self.say(f"{self.name}: starting on {self.url} …")
        with self._lock:
            if self.stopping:
                return
            self.process = subprocess.Popen(  # noqa: S603  (this Python, the paylinks command)
                [
                    *(sys.executable, "-m", "paylinks_cli", self.name),
                    *("--host", self.host, "--port", str(self.port)),
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C in the terminal reaches the parent, which stops
                # the whole group (the build runs in children of its own).
                start_new_session=True,
            )
        self._relay = threading.Thread(target=self._relay_output, daemon=True)
        self._relay.start()

    def run(self) -> None:
        """Start and wait until it answers, saying why not if it does not (for a thread
        of its own, beside a server that keeps serving either way)."""
        try:
            self.start()
            self.wait_ready()
        except WebAppError as error:
            if not self.stopping:
                self.say(f"{self.name} did not start: {error}")

    def _relay_output(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        with self.log_path.open("ab") as log:
            for raw in self.process.stdout:
                log.write(raw)
                log.flush()
                line = raw.decode(errors="replace").strip()
                if line and any(word in line for word in _PROGRESS):
                    mine = line.startswith(f"{self.name}: ")
                    self.say(line if mine else f"{self.name}: {line}")

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/ping", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = READY_WITHIN) -> None:
        """Until the app answers, or WebAppError with the end of its log."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.stopping:
                raise WebAppError(f"{self.name} was stopped while starting.")
            if not self.alive:
                raise WebAppError(
                    f"{self.name} exited while starting; its log ({self.log_path}) ends:\n"
                    + self.log_tail()
                )
            if time.monotonic() > deadline:
                raise WebAppError(
                    f"{self.name} did not answer on {self.url} within {timeout:.0f} s; "
                    f"its log ({self.log_path}) ends:\n" + self.log_tail()
                )
            time.sleep(0.5)
        self.say(f"{self.name}: ready on {self.url}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.is_file():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the app's process group, SIGKILL if it does not stop in time."""
        with self._lock:
            self.stopping = True
            process = self.process
        if process is None:
            return
        if process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                process.wait(STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                process.wait(STOP_WITHIN)
        # Children left behind by a group leader that exited first.
        self._signal(signal.SIGKILL)
        if self._relay is not None:
            self._relay.join(timeout=5)

    def _signal(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def __enter__(self) -> "WebApp":
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
