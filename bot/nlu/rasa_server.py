"""Trains the Rasa NLU model when its data changed, and runs the Rasa server as a child process."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"


def fingerprint(nlu_dir: Path) -> str:
    """A hash of everything training depends on: the config, the training data and Rasa's version."""
    digest = hashlib.sha256(RASA_VERSION.encode())
    files = [nlu_dir / "config.yml", *sorted((nlu_dir / "data").rglob("*.yml"))]
    for path in files:
        digest.update(str(path.relative_to(nlu_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(nlu_dir: Path) -> Path:
    return nlu_dir / "models" / f"nlu-{fingerprint(nlu_dir)}.tar.gz"


def rasa_environment() -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
    }


def ensure_model(nlu_dir: Path, rasa_venv: Path) -> Path:
    """The trained model for the current data, training it first when the data changed.

    A lock file makes a second process (another test run, `make chat`) wait for the first training."""
    model = model_path(nlu_dir)
    model.parent.mkdir(parents=True, exist_ok=True)
    with (model.parent / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            train(nlu_dir, rasa_venv, model)
    return model


def train(nlu_dir: Path, rasa_venv: Path, model: Path) -> None:
    log.info("training the NLU model (data changed): %s", model.name)
    started = time.monotonic()
    subprocess.run(
        [
            str(rasa_venv.resolve() / "bin" / "rasa"),
            "train",
            "nlu",
            "--config",
            str(nlu_dir.resolve() / "config.yml"),
            "--nlu",
            str(nlu_dir.resolve() / "data"),
            "--out",
            str(model.parent.resolve()),
            "--fixed-model-name",
            model.name.removesuffix(".tar.gz"),
        ],
        check=True,
        env=rasa_environment(),
        cwd=model.parent,  # Rasa keeps its training cache (.rasa/) in the working directory
    )
    log.info("trained in %.0f s", time.monotonic() - started)


class RasaServer:
    """`rasa run --enable-api` as a child process, serving one model on 127.0.0.1."""

    def __init__(self, model: Path, rasa_venv: Path, port: int, log_file: Path) -> None:
        self.model = model.resolve()
        self.rasa_venv = rasa_venv.resolve()
        self.port = port
        self.log_file = log_file
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The `rasa run` command line; a server with more to serve adds its options."""
        rasa = str(self.rasa_venv / "bin" / "rasa")
        address = ["--interface", "127.0.0.1", "--port", str(self.port)]
        return [rasa, "run", "--enable-api", "--model", str(self.model), *address]

    @property
    def working_directory(self) -> Path:
        return self.model.parent

    def start(self, startup_seconds: float) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as output:
            self._process = subprocess.Popen(
                self.command(),
                stdout=output,
                stderr=subprocess.STDOUT,
                env=rasa_environment(),
                cwd=self.working_directory,
            )
        self._wait_until_ready(startup_seconds)

    def _wait_until_ready(self, startup_seconds: float) -> None:
        deadline = time.monotonic() + startup_seconds
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the Rasa server stopped at start-up; see {self.log_file}")
            if is_serving(self.url, self.model):
                log.info("Rasa server ready at %s", self.url)
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Rasa server did not start within {startup_seconds:.0f} s")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def is_serving(url: str, model: Path | None = None) -> bool:
    """True when a Rasa server at `url` parses messages (with `model` loaded, when given)."""
    try:
        status = httpx.get(f"{url}/status", timeout=2)
        response = httpx.post(f"{url}/model/parse", json={"text": "hallo"}, timeout=2)
    except httpx.HTTPError:
        return False
    if status.status_code != 200 or response.status_code != 200:
        return False
    return model is None or str(status.json().get("model_file", "")).endswith(model.name)


def load_into_running_server(url: str, model: Path) -> bool:
    """Have a running Rasa server switch to `model` (PUT /model); False when none is running there."""
    if not is_serving(url) or is_serving(url, model):
        return False
    response = httpx.put(f"{url}/model", json={"model_file": str(model.resolve())}, timeout=120)
    response.raise_for_status()
    return True


def free_port(preferred: int = 0) -> int:
    """`preferred` when nothing listens there, else any free port on 127.0.0.1."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError("no free port on 127.0.0.1")
