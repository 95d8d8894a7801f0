"""A real Neo4j Community server for the tests, assembled from Maven Central.

No Docker needed: Maven fetches the server's jars once into a cache directory
(``.cache/neo4j/lib`` under the repository, reused afterwards), and every start creates a
fresh home in a temporary directory with its own ``neo4j.conf``, a free Bolt port on
127.0.0.1 and a random password. ``stop()`` ends the server and removes its home.

Set ``WIJKNET_TEST_NEO4J_URL`` (with ``WIJKNET_TEST_NEO4J_USER`` and
``WIJKNET_TEST_NEO4J_PASSWORD``) to use a server that is already running instead.

From a shell, in the repository's root::

    python -m tests.support.neo4j_server start    # prints the URL and the credentials
    python -m tests.support.neo4j_server status
    python -m tests.support.neo4j_server stop
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POM_DIR = ROOT / "tools" / "neo4j"
DEFAULT_LIB = ROOT / ".cache" / "neo4j" / "lib"
STATE_FILE = ROOT / ".cache" / "neo4j" / "server.json"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
USER = "neo4j"

__all__ = ["Neo4jServer", "Neo4jServerError", "fetch_jars", "start", "from_environment"]


class Neo4jServerError(RuntimeError):
    """The test server could not be assembled or started."""


@dataclass
class Neo4jServer:
    """A running Neo4j server: where it listens and how to log in."""

    url: str
    user: str
    password: str
    home: str | None = None  # None when the server is not ours (WIJKNET_TEST_NEO4J_URL)
    pid: int | None = None
    _process: subprocess.Popen[bytes] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def external(self) -> bool:
        return self.home is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the server (kill it after ``timeout`` s) and remove its home."""
        if self.external:
            return
        if self._process is not None:
            _terminate(self._process, timeout)
        elif self.pid is not None:
            _terminate_pid(self.pid, timeout)
        self.pid = None
        self._process = None
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's console output and debug log."""
        return _log_tail(Path(self.home), lines) if self.home else ""


def from_environment() -> Neo4jServer | None:
    """The server named by ``WIJKNET_TEST_NEO4J_URL``, or None when it is not set."""
    url = os.environ.get("WIJKNET_TEST_NEO4J_URL", "").strip()
    if not url:
        return None
    return Neo4jServer(
        url=url,
        user=os.environ.get("WIJKNET_TEST_NEO4J_USER", USER),
        password=os.environ.get("WIJKNET_TEST_NEO4J_PASSWORD", ""),
    )


def fetch_jars(lib_dir: Path = DEFAULT_LIB) -> Path:
    """Download the server's jars with Maven into ``lib_dir`` unless they are there already."""
    lib_dir = Path(lib_dir)
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(lib_dir.with_name(lib_dir.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one download at a time, even across processes
        if (lib_dir / ".complete").is_file():  # the same marker as `make neo4j-lib`
            return lib_dir
        if shutil.which("mvn") is None:
            raise Neo4jServerError("Maven (mvn) is not installed: it fetches Neo4j's jars.")
        partial = lib_dir.with_name(lib_dir.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        cmd = ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={partial}"]
        done = subprocess.run(cmd, cwd=POM_DIR, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise Neo4jServerError(f"Maven could not fetch Neo4j's jars ({' '.join(cmd)}):\n{tail}")
        (partial / ".complete").touch()
        shutil.rmtree(lib_dir, ignore_errors=True)
        partial.rename(lib_dir)  # only a complete download is ever reused
    return lib_dir


def start(
    lib_dir: Path = DEFAULT_LIB,
    *,
    timeout: float = START_TIMEOUT,
    heap: str | None = None,
    detach: bool = False,
) -> Neo4jServer:
    """Start a fresh server (or return the external one) and wait until Bolt answers.

    ``heap`` is the JVM's maximum heap (default ``WIJKNET_TEST_NEO4J_HEAP`` or 1g); a
    transaction may use up to 70% of it. ``WIJKNET_TEST_NEO4J_PAGECACHE`` sizes the page
    cache (default 256m).

    Raises ``Neo4jServerError`` with the tail of the server's log when it does not come up.
    ``detach`` keeps the server running after this Python process ends (for the CLI).
    """
    external = from_environment()
    if external is not None:
        _wait_for_bolt(external, None, timeout)
        return external
    if shutil.which("java") is None:
        raise Neo4jServerError("Java is not installed: it is needed to run the Neo4j server.")
    lib = fetch_jars(lib_dir)
    heap = heap or os.environ.get("WIJKNET_TEST_NEO4J_HEAP", "1g")
    for attempt in range(3):
        server = _launch(lib, heap, detach)
        try:
            _wait_for_bolt(server, server._process, timeout)
            return server
        except BaseException as exc:
            server.stop()
            # the free port we picked may have been taken since: then try another one
            port_taken = isinstance(exc, Neo4jServerError) and "already in use" in str(exc)
            if not port_taken or attempt == 2:
                raise
    raise AssertionError("unreachable")


# -- the pieces of start() ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _write_conf(home: Path, port: int) -> None:
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.tls_level": "DISABLED",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.plugins": str(home / "plugins"),
        "server.directories.import": str(home / "import"),
        "server.memory.pagecache.size": os.environ.get("WIJKNET_TEST_NEO4J_PAGECACHE", "256m"),
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "1 files",
    }
    text = "".join(f"{key}={value}\n" for key, value in settings.items())
    (home / "conf" / "neo4j.conf").write_text(text, encoding="utf-8")


def _java_env(home: Path) -> dict[str, str]:
    return os.environ | {"NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}


def _set_initial_password(lib: Path, home: Path, password: str) -> None:
    cmd = [
        "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",  # a short-lived JVM
        "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "dbms", "set-initial-password", password,
    ]  # fmt: skip
    done = subprocess.run(cmd, env=_java_env(home), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise Neo4jServerError(f"neo4j-admin could not set the initial password:\n{tail}")


def _launch(lib: Path, heap: str, detach: bool) -> Neo4jServer:
    """A fresh home with its own port and password, and the server starting in it."""
    home = Path(tempfile.mkdtemp(prefix="wijknet-neo4j-"))
    try:
        port = _free_port()
        password = secrets.token_hex(16)  # never starts with "-" (an option to neo4j-admin)
        _write_conf(home, port)
        _set_initial_password(lib, home, password)
        server = Neo4jServer(f"bolt://127.0.0.1:{port}", USER, password, str(home))
        server._process = _spawn(lib, home, heap, detach)
        server.pid = server._process.pid
        return server
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise


def _spawn(lib: Path, home: Path, heap: str, detach: bool) -> subprocess.Popen[bytes]:
    cmd = [
        "java", f"-Xmx{heap}", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8",
        "-cp", f"{lib}/*", "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={home}", f"--config-dir={home / 'conf'}",
    ]  # fmt: skip
    with open(home / "logs" / "console.log", "ab") as console:
        return subprocess.Popen(
            cmd,
            env=_java_env(home),
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=detach,
            preexec_fn=None if detach else _die_with_parent,
        )


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM when the test process dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: stop() and atexit remain
        pass


def _wait_for_bolt(
    server: Neo4jServer, process: subprocess.Popen[bytes] | None, timeout: float
) -> None:
    """Poll with the driver until a query runs; fail early when the process dies."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise Neo4jServerError(
                f"The Neo4j server exited with code {process.returncode} while starting "
                f"(home {server.home}).\n{server.log_tail()}"
            )
        try:
            with GraphDatabase.driver(  # no retries: this loop is the retry
                server.url, auth=server.auth, connection_timeout=2.0,
                max_transaction_retry_time=0,
            ) as driver:  # fmt: skip
                driver.verify_connectivity()
                driver.execute_query("RETURN 1")
            return
        except AuthError as exc:
            if process is None:
                raise Neo4jServerError(
                    f"Neo4j at {server.url} refused WIJKNET_TEST_NEO4J_USER/PASSWORD: {exc.message}"
                ) from exc
            last_error = exc  # another server on our port? ours will fail to bind and exit
        except Exception as exc:  # noqa: BLE001 - anything else means "not yet"
            last_error = exc
        time.sleep(0.5)
    raise Neo4jServerError(
        f"Neo4j did not answer on {server.url} within {timeout:.0f} s "
        f"(last error: {type(last_error).__name__}: {last_error}).\n{server.log_tail()}"
    )


def _log_tail(home: Path, lines: int) -> str:
    parts = []
    for name in ("console.log", "debug.log", "neo4j.log"):
        path = home / "logs" / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            if text:
                parts.append(f"--- {path} (last {min(lines, len(text))} lines) ---")
                parts.extend(text[-lines:])
    return "\n".join(parts) or f"(no server log under {home / 'logs'})"


def _terminate(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _terminate_pid(pid: int, timeout: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# -- command line ------------------------------------------------------------------------


def _load_state() -> Neo4jServer | None:
    if not STATE_FILE.is_file():
        return None
    data = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    return Neo4jServer(**data)


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _print_server(server: Neo4jServer) -> None:
    print(f"WIJKNET_TEST_NEO4J_URL={server.url}")
    print(f"WIJKNET_TEST_NEO4J_USER={server.user}")
    print(f"WIJKNET_TEST_NEO4J_PASSWORD={server.password}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    state = _load_state()
    if command == "start":
        if state is not None and _alive(state.pid):
            print(f"already running (pid {state.pid})", file=sys.stderr)
            _print_server(state)
            return 0
        server = start(detach=True)
        STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
        saved = {f.name: getattr(server, f.name) for f in fields(server) if f.init}
        STATE_FILE.write_text(json.dumps(saved), encoding="utf-8")
        STATE_FILE.chmod(0o600)
        print(f"started (pid {server.pid}, home {server.home})", file=sys.stderr)
        _print_server(server)
        return 0
    if command == "stop":
        if state is None:
            print("not running", file=sys.stderr)
            return 0
        state.stop()
        STATE_FILE.unlink(missing_ok=True)
        print("stopped", file=sys.stderr)
        return 0
    if command == "status":
        if state is None or not _alive(state.pid):
            print("not running")
            return 1
        print(f"running (pid {state.pid}, home {state.home})")
        _print_server(state)
        return 0
    print("usage: python -m tests.support.neo4j_server start|stop|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
