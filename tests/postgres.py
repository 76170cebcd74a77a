"""A private PostgreSQL server for tests: Debian's binaries, a temporary folder, a free port.

``initdb`` refuses to run as root, so when the tests run as root the server runs as the
``postgres`` user (created by Debian's package) or, failing that, ``nobody``, in a temporary
folder that user owns. The server listens on 127.0.0.1 on a free port and on a Unix socket in
its own folder, trusts local connections, and is stopped by its own process id.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

START_TIMEOUT_S = 60
RUN_AS = ("postgres", "nobody")


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server binaries (the newest version), or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3])
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """Start with :meth:`start`, connect with :attr:`url`, stop with :meth:`stop`."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = None
        self.process = None
        self.port = None
        self.log = None

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` database as the ``kpikit`` superuser."""
        return f"postgresql+psycopg://kpikit@127.0.0.1:{self.port}/postgres"

    def start(self) -> "PostgresServer":
        self.folder = Path(tempfile.mkdtemp(prefix="kpikit-postgres-"))
        account = _account()
        if account is not None:
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        data = self.folder / "data"
        as_user = _as_user(account)
        environment = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "TZ": "UTC"}
        subprocess.run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "kpikit",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=self.folder,
            env=environment,
            **as_user,
        )
        self.port = _free_port()
        self.log = self.folder / "server.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(data),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.folder),
                    "-c",
                    "fsync=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "synchronous_commit=off",
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                env=environment,
                **as_user,
            )
        self._wait_until_ready()
        return self

    def stop(self) -> None:
        """Fast shutdown (SIGINT) of the server's own process, then remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited early:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                ready = subprocess.run(
                    [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                    capture_output=True,
                )
                if ready.returncode == 0:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("PostgreSQL did not start in time")
            time.sleep(0.2)


def _account():
    if os.geteuid() != 0:
        return None
    for name in RUN_AS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(f"running as root, and none of the users {RUN_AS} exists to run PostgreSQL")


def _as_user(account) -> dict:
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
