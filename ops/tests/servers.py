"""Test helpers: this test's database for a process of its own, the app served by gunicorn
in a process of its own, and a TCP proxy that can take the database away and give it back."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(**env):
    """This run's environment without its POOLCRM_ settings, with `env` instead."""
    leave_out = ("POOLCRM_", "DJANGO_ALLOW_ASYNC_UNSAFE", "CONN_MAX_AGE", "PROMETHEUS_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return {**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


class AppServer:
    """gunicorn serving the app on a port of 127.0.0.1, with `env`; its stderr in a file."""

    def __init__(self, tmp_path, **env):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stderr_path = tmp_path / "gunicorn.stderr"
        fd = self.listener.fileno()
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"fd://{fd}"],
                cwd=ROOT,
                env=environment(POOLCRM_VAR_DIR=str(tmp_path), **env),
                pass_fds=(fd,),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + 60
        while self.get("/healthz")[0] != 200:
            assert self.process.poll() is None, self.stderr()
            assert time.monotonic() < deadline, "gunicorn did not answer in 60 s\n" + self.stderr()
            time.sleep(0.1)

    def get(self, path, **headers):
        """(status, body as JSON or text); status 0 while nothing answers."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (urllib.error.URLError, ConnectionError):
            return 0, ""
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body.decode()

    def stderr(self):
        return self.stderr_path.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self.listener.close()


@contextlib.contextmanager
def app_server(tmp_path, **env):
    server = AppServer(tmp_path, **env)
    try:
        yield server
    finally:
        server.stop()


class TcpProxy:
    """Forwards a port of 127.0.0.1 to `upstream`. close() stops listening and cuts every
    connection made through it (the database is gone, as when its server stops); open()
    listens on the same port again."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = 0
        self._lock = threading.Lock()
        self._sockets = set()
        self._listener = None

    def open(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def close(self):
        self._stop.set()
        self._acceptor.join(timeout=10)
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self):
        while not self._stop.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        if not self._stop.is_set():
            self.close()
