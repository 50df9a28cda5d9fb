"""A local doccano server for the annotation loop: installed in its own virtualenv
(its pins clash with ours), initialised in a data directory, started on a loopback
port with its task worker, and stopped cleanly. Credentials come from the environment
(DOCCANO_USERNAME / DOCCANO_PASSWORD) and are never written to files or logs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict

from .annotate import AnnotateError

DOCCANO_REQUIREMENTS = ["doccano==1.8.4", "numpy<2", "marshmallow<3.20"]


def _bin(venv: Path, name: str) -> Path:
    return Path(venv) / "bin" / name


def install(venv: Path) -> Path:
    """Create the virtualenv with doccano unless it is there already."""
    venv = Path(venv)
    if _bin(venv, "doccano").exists():
        return venv
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run([str(_bin(venv, "python")), "-m", "pip", "install", "-q", *DOCCANO_REQUIREMENTS], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        raise AnnotateError(f"doccano could not be installed into {venv}: {tail}")
    return venv


def _env(data: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env["DOCCANO_HOME"] = str(data)
    env.setdefault("CELERY_BROKER_URL", f"sqla+sqlite:///{Path(data) / 'celery.sqlite3'}")
    return env


def healthy(url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v1/health/", timeout=timeout) as response:
            return response.status == 200
    except Exception:  # any failure means "not up yet"
        return False


def start(venv: Path, data: Path, port: int, username: str, password: str, wait: float = 300.0) -> str:
    """Initialise (once), create the admin user, start web server and worker; return the URL."""
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    env = _env(data)
    doccano = str(_bin(venv, "doccano"))
    log = open(data / "server.log", "ab")
    if not (data / ".initialised").exists():
        subprocess.run([doccano, "init"], env=env, stdout=log, stderr=log, check=True)
        # the password goes through the environment of one child process, never a file
        subprocess.run([doccano, "createuser", "--username", username, "--password", password],
                       env=env, stdout=subprocess.DEVNULL, stderr=log, check=True)
        (data / ".initialised").write_text("yes\n")
    web = subprocess.Popen([doccano, "webserver", "--port", str(port), "--workers", "1"], env=env, stdout=log, stderr=log, start_new_session=True)
    task = subprocess.Popen([doccano, "task"], env=env, stdout=log, stderr=log, start_new_session=True)
    (data / "pids").write_text(f"{web.pid} {task.pid}\n")
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait
    while time.time() < deadline:
        if healthy(url):
            return url
        if web.poll() is not None:
            break
        time.sleep(1)
    stop(data)
    raise AnnotateError(f"doccano did not become healthy on {url} (see {data / 'server.log'})")


def stop(data: Path) -> bool:
    """Stop the server and worker started in ``data``; True if something was running."""
    pids_file = Path(data) / "pids"
    if not pids_file.exists():
        return False
    stopped = False
    for pid in map(int, pids_file.read_text().split()):
        try:
            os.killpg(pid, signal.SIGTERM)
            stopped = True
        except ProcessLookupError:
            continue
        for _ in range(50):
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    pids_file.unlink()
    return stopped


def credentials(prompt: bool = True) -> tuple:
    """(username, password) from DOCCANO_USERNAME / DOCCANO_PASSWORD, or asked for on a terminal."""
    user, password = os.environ.get("DOCCANO_USERNAME"), os.environ.get("DOCCANO_PASSWORD")
    if (not user or not password) and prompt and sys.stdin.isatty():
        import getpass

        user = user or input("doccano username: ")
        password = password or getpass.getpass("doccano password: ")
    if not user or not password:
        raise AnnotateError("no doccano credentials: set DOCCANO_USERNAME and DOCCANO_PASSWORD")
    return user, password
