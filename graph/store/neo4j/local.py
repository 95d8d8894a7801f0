"""A Neo4j Community server on this machine, assembled from Maven Central: no Docker needed.

Maven fetches the server's jars once into a cache directory (``.cache/neo4j/lib`` under
the repository, ``tools/neo4j/pom.xml`` names them; ``make neo4j-lib`` does the same), and
``start`` runs the server from them in a *home*: a directory with its own ``neo4j.conf``,
a free Bolt port on 127.0.0.1 and a password.

- A temporary home (the default, for tests and benchmarks) is fresh on every start, gets a
  random password and is removed by ``stop()``.
- A kept home (``start(home=...)``, for ``make demo-neo4j``) holds the database between
  runs; its password is made on the first start and kept in ``credentials.json`` in the
  home (readable by its owner only).

Used by ``tools/neo4j/demo.py`` (``make demo-neo4j``), by the tests
(``tests/support/neo4j_server.py``) and by ``bench/store_write.py``.
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
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
"""The repository (an editable install); the jars and the pom are found under it."""
POM_DIR = ROOT / "tools" / "neo4j"
DEFAULT_LIB = ROOT / ".cache" / "neo4j" / "lib"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 60.0
USER = "neo4j"
CREDENTIALS = "credentials.json"
"""The file in a kept home that holds its password."""

__all__ = ["LocalNeo4j", "LocalNeo4jError", "fetch_jars", "free_port", "start"]


class LocalNeo4jError(RuntimeError):
    """The local server could not be assembled or started."""


@dataclass
class LocalNeo4j:
    """A running Neo4j server: where it listens and how to log in."""

    url: str
    user: str
    password: str
    home: str | None = None  # None when the server is not ours (started elsewhere)
    pid: int | None = None
    keep_home: bool = False  # a kept home survives stop(): the data of the next start
    _process: subprocess.Popen[bytes] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def external(self) -> bool:
        return self.home is None

    def environment(self) -> dict[str, str]:
        """The settings that point wijknet at this server (``WIJKNET_DATABASE`` and the
        credentials)."""
        return {
            "WIJKNET_DATABASE": self.url,
            "WIJKNET_NEO4J_USER": self.user,
            "WIJKNET_NEO4J_PASSWORD": self.password,
        }

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the server (kill it after ``timeout`` s); remove a temporary home."""
        if self.external:
            return
        if self._process is not None:
            _terminate(self._process, timeout)
        elif self.pid is not None:
            _terminate_pid(self.pid, timeout)
        self.pid = None
        self._process = None
        if self.home and not self.keep_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's console output and debug log."""
        return _log_tail(Path(self.home), lines) if self.home else ""


def fetch_jars(lib_dir: Path = DEFAULT_LIB, pom_dir: Path = POM_DIR) -> Path:
    """Download the server's jars with Maven into ``lib_dir`` unless they are there already."""
    lib_dir = Path(lib_dir)
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(lib_dir.with_name(lib_dir.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one download at a time, even across processes
        if (lib_dir / ".complete").is_file():  # the same marker as `make neo4j-lib`
            return lib_dir
        if shutil.which("mvn") is None:
            raise LocalNeo4jError("Maven (mvn) is not installed: it fetches Neo4j's jars.")
        partial = lib_dir.with_name(lib_dir.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        cmd = ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={partial}"]
        done = subprocess.run(cmd, cwd=pom_dir, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise LocalNeo4jError(f"Maven could not fetch Neo4j's jars ({' '.join(cmd)}):\n{tail}")
        (partial / ".complete").touch()
        shutil.rmtree(lib_dir, ignore_errors=True)
        partial.rename(lib_dir)  # only a complete download is ever reused
    return lib_dir


def start(
    lib_dir: Path = DEFAULT_LIB,
    *,
    home: Path | None = None,
    timeout: float = START_TIMEOUT,
    heap: str = "1g",
    pagecache: str = "256m",
    detach: bool = False,
) -> LocalNeo4j:
    """Start a server and wait until Bolt answers.

    ``home`` keeps the database there between runs (created when missing); without it the
    server runs in a fresh temporary home. ``heap`` is the JVM's maximum heap (a
    transaction may use up to 70% of it), ``pagecache`` Neo4j's page cache. ``detach``
    keeps the server running after this Python process ends (otherwise it gets SIGTERM
    when its parent dies) and out of the terminal's process group, so Ctrl-C reaches only
    the caller, which stops the server cleanly.

    Raises ``LocalNeo4jError`` with the tail of the server's log when it does not come up.
    """
    if shutil.which("java") is None:
        raise LocalNeo4jError("Java is not installed: it is needed to run the Neo4j server.")
    lib = fetch_jars(lib_dir)
    for attempt in range(3):
        server = _launch(lib, home, heap, pagecache, detach)
        try:
            wait_for_bolt(server, timeout)
            return server
        except BaseException as exc:
            server.stop()
            # the free port we picked may have been taken since: then try another one
            port_taken = isinstance(exc, LocalNeo4jError) and "already in use" in str(exc)
            if not port_taken or attempt == 2:
                raise
    raise AssertionError("unreachable")


def wait_for_bolt(server: LocalNeo4j, timeout: float = START_TIMEOUT) -> None:
    """Poll with the driver until a query runs; fail early when our process dies."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    process = server._process
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise LocalNeo4jError(
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
                raise LocalNeo4jError(
                    f"Neo4j at {server.url} refused the user and password: {exc.message}"
                ) from exc
            last_error = exc  # another server on our port? ours will fail to bind and exit
        except Exception as exc:  # noqa: BLE001 - anything else means "not yet"
            last_error = exc
        time.sleep(0.5)
    raise LocalNeo4jError(
        f"Neo4j did not answer on {server.url} within {timeout:.0f} s "
        f"(last error: {type(last_error).__name__}: {last_error}).\n{server.log_tail()}"
    )


# -- the pieces of start() ---------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _write_conf(home: Path, port: int, pagecache: str) -> None:
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
        "server.memory.pagecache.size": pagecache,
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "1 files",
    }
    text = "".join(f"{key}={value}\n" for key, value in settings.items())
    (home / "conf" / "neo4j.conf").write_text(text, encoding="utf-8")


def _java_env(home: Path) -> dict[str, str]:
    return dict(os.environ) | {"NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}


def _set_initial_password(lib: Path, home: Path, password: str) -> None:
    cmd = [
        "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",  # a short-lived JVM
        "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "dbms", "set-initial-password", password,
    ]  # fmt: skip
    done = subprocess.run(cmd, env=_java_env(home), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise LocalNeo4jError(f"neo4j-admin could not set the initial password:\n{tail}")


def _kept_password(lib: Path, home: Path) -> str:
    """The password of a kept home: read back, or made and set on its first start."""
    credentials = home / CREDENTIALS
    has_database = (home / "data" / "databases").exists()
    if credentials.is_file():
        password: str = json.loads(credentials.read_text(encoding="utf-8"))["password"]
        if not has_database:  # the data was removed: the new database gets the same password
            _set_initial_password(lib, home, password)
        return password
    if has_database:
        raise LocalNeo4jError(
            f"{home} holds a database but no {CREDENTIALS}: remove the folder to start afresh."
        )
    password = secrets.token_hex(16)  # never starts with "-" (an option to neo4j-admin)
    _set_initial_password(lib, home, password)
    credentials.touch(mode=0o600)
    credentials.write_text(json.dumps({"user": USER, "password": password}), encoding="utf-8")
    return password


def _launch(lib: Path, home: Path | None, heap: str, pagecache: str, detach: bool) -> LocalNeo4j:
    """A home with its own port and password, and the server starting in it."""
    keep = home is not None
    where = (
        Path(home).absolute()
        if home is not None
        else Path(tempfile.mkdtemp(prefix="wijknet-neo4j-"))
    )
    try:
        port = free_port()
        where.mkdir(parents=True, exist_ok=True)
        _write_conf(where, port, pagecache)
        if keep:
            password = _kept_password(lib, where)
        else:
            password = secrets.token_hex(16)
            _set_initial_password(lib, where, password)
        server = LocalNeo4j(f"bolt://127.0.0.1:{port}", USER, password, str(where), keep_home=keep)
        server._process = _spawn(lib, where, heap, detach)
        server.pid = server._process.pid
        return server
    except BaseException:
        if not keep:
            shutil.rmtree(where, ignore_errors=True)
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
            start_new_session=True,  # Ctrl-C in a terminal reaches the caller only
            preexec_fn=None if detach else _die_with_parent,
        )


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM when the parent process dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: stop() and atexit remain
        pass


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
