"""A throw-away mgmodel class on this machine's loopback: for the hub test and the hub benchmark.

Everything it creates lives under one temporary folder and one random user-name prefix, and
:meth:`LoopbackClass.close` removes all of it — the hub and its proxy, every process of every
account it created, the accounts and their homes, the folder — whatever state it is in. The
shared environment (the course installed from this checkout into a venv of the system Python,
every user can read it) and configurable-http-proxy from npm are a cache, kept in
``MGMODEL_HUB_CACHE`` (default ``/var/cache/mgmodel-hub``) for the next run and rebuilt when
``pyproject.toml`` or ``mgmodel/`` change (building takes 0.5–2.5 min here). Needs
root (``useradd``, a hub that starts servers as other users), Debian's ``/usr/bin/python3`` with
``venv``, and ``npm`` (for configurable-http-proxy).

Not part of a class machine's set-up: ``README.md`` beside this file describes that.
"""

from __future__ import annotations

import hashlib
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
import pwd
import urllib.error
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.abspath(os.path.join(HERE, "..", ".."))
CONFIG = os.path.join(HERE, "jupyterhub_config.py")
SYSTEM_PYTHON = "/usr/bin/python3"   # readable by every user (root's own Python may not be)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd, **kw):
    kw.setdefault("check", True)
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


CACHE = os.environ.get("MGMODEL_HUB_CACHE", "/var/cache/mgmodel-hub")
_BUILD_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "_build", "*.egg-info", "test-artifacts", "__pycache__",
    ".pytest_cache", "node_modules", "release", "submitted", "autograded", "feedback",
    "gradebook.db")


def _source_hash() -> str:
    """A digest of what goes into the shared environment: pyproject.toml and the package."""
    digest = hashlib.sha256()
    files = [os.path.join(CHECKOUT, "pyproject.toml")]
    for folder, dirs, names in os.walk(os.path.join(CHECKOUT, "mgmodel")):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        files += [os.path.join(folder, n) for n in sorted(names) if not n.endswith(".pyc")]
    for path in files:
        digest.update(os.path.relpath(path, CHECKOUT).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def build_shared_env(prefix: str) -> str:
    """A venv from the system Python with the course installed (not editable), readable by all.

    Returns its ``bin`` folder. Uses uv where it is installed (the test extra has it), else pip.
    """
    env_dir = os.path.join(prefix, "env")
    src = os.path.join(prefix, "src")
    # build from a copy: a build must not write into (or race with edits to) the checkout
    shutil.copytree(CHECKOUT, src, ignore=_BUILD_IGNORE)
    uv = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "uv")
    uv = uv if os.path.exists(uv) else shutil.which("uv")
    if uv:
        _run([uv, "venv", "--quiet", "--python", SYSTEM_PYTHON, env_dir], timeout=300)
        _run([uv, "pip", "install", "--quiet", "--link-mode=copy", "--python",
              os.path.join(env_dir, "bin", "python"), src + "[course,hub]"], timeout=900)
    else:
        _run([SYSTEM_PYTHON, "-m", "venv", env_dir], timeout=300)
        _run([os.path.join(env_dir, "bin", "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", "--no-input", src + "[course,hub]"], timeout=900)
    shutil.rmtree(src)
    _run(["chmod", "-R", "a+rX", env_dir])
    return os.path.join(env_dir, "bin")


def cached_shared_env() -> str:
    """The shared environment for the current sources, built once into ``CACHE`` and reused.

    ``CACHE`` (``MGMODEL_HUB_CACHE``, default ``/var/cache/mgmodel-hub``) holds only the newest
    build: older ones are removed when a new one is made. Returns its ``bin`` folder.
    """
    os.makedirs(CACHE, exist_ok=True)
    os.chmod(CACHE, 0o755)
    target = os.path.join(CACHE, "env-" + _source_hash())
    if not os.path.exists(os.path.join(target, "env", "bin", "jupyterhub-singleuser")):
        # built in place (a venv's scripts name its folder); a failed build leaves nothing
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target, mode=0o755)
        try:
            build_shared_env(target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
    for old in os.listdir(CACHE):
        if old.startswith("env-") and os.path.join(CACHE, old) != target:
            shutil.rmtree(os.path.join(CACHE, old), ignore_errors=True)
    return os.path.join(target, "env", "bin")


def install_proxy(prefix: str) -> str:
    """configurable-http-proxy from the npm registry into ``prefix``; returns the command."""
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefix", prefix,
          "configurable-http-proxy"], timeout=600)
    return os.path.join(prefix, "node_modules", ".bin", "configurable-http-proxy")


class LoopbackClass:
    """An instructor, students, and a hub on 127.0.0.1 running ``jupyterhub_config.py``."""

    def __init__(self, n_students: int, *, env_bin: str | None = None, proxy: str | None = None):
        self.prefix_dir = tempfile.mkdtemp(prefix="mgmodel-hub-")
        os.chmod(self.prefix_dir, 0o755)
        self.tag = "mgh" + uuid.uuid4().hex[:6]          # unique user-name prefix of this class
        self.instructor = f"{self.tag}i"
        self.students = [f"{self.tag}s{i:02d}" for i in range(1, n_students + 1)]
        self.passwords: dict[str, str] = {}
        self.created_users: list[str] = []
        self.hub: subprocess.Popen | None = None
        self.log_path = os.path.join(self.prefix_dir, "jupyterhub.log")
        self.service_token = secrets.token_hex(24)
        self.env_bin, self.proxy = env_bin, proxy
        self.timings: dict[str, float] = {}

    # ---- set-up ------------------------------------------------------------------------------------
    def setup(self):
        t = time.perf_counter()
        if self.env_bin is None:
            self.env_bin = cached_shared_env()
        self.timings["shared environment"] = time.perf_counter() - t
        t = time.perf_counter()
        if self.proxy is None:   # npm's own cache makes a reinstall quick; kept beside the env
            self.proxy = os.path.join(CACHE, "proxy", "node_modules", ".bin", "configurable-http-proxy")
            if not os.path.exists(self.proxy):
                install_proxy(os.path.join(CACHE, "proxy"))
        self.timings["proxy install"] = time.perf_counter() - t
        t = time.perf_counter()
        for name in [self.instructor] + self.students:
            self.add_user(name)
        self.timings["accounts"] = time.perf_counter() - t
        return self

    def add_user(self, name: str):
        _run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", "mgmodel hub test",
              name])
        self.created_users.append(name)
        home = os.path.expanduser(f"~{name}")
        os.chmod(home, 0o700)
        password = secrets.token_urlsafe(18)
        _run(["chpasswd"], input=f"{name}:{password}\n")
        self.passwords[name] = password

    def start_hub(self, timeout: float = 120.0) -> float:
        """Start the hub; returns seconds until its API answered."""
        self.port, api_port, proxy_api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ,
                   PATH=os.pathsep.join([self.env_bin, os.path.dirname(shutil.which("node") or
                                                                        "/usr/bin/node"),
                                         "/usr/local/bin", "/usr/bin", "/bin"]),
                   MGMODEL_HUB_STATE=os.path.join(self.prefix_dir, "state"),
                   MGMODEL_HUB_URL=self.url,
                   MGMODEL_HUB_API_URL=f"http://127.0.0.1:{api_port}",
                   MGMODEL_HUB_PROXY_API_URL=f"http://127.0.0.1:{proxy_api_port}",
                   MGMODEL_HUB_PROXY=self.proxy,
                   MGMODEL_HUB_INSTRUCTORS=self.instructor,
                   MGMODEL_HUB_STUDENTS=",".join(self.students),
                   MGMODEL_HUB_SERVICE_TOKEN=self.service_token,
                   MGMODEL_COURSE_CHECKOUT=CHECKOUT)
        env.pop("NBGRADER_EXCHANGE", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        env.pop("VIRTUAL_ENV", None)
        self.exchange = os.path.join(self.prefix_dir, "state", "exchange")
        log = open(self.log_path, "w")
        t0 = time.perf_counter()
        self.hub = subprocess.Popen(
            [os.path.join(self.env_bin, "jupyterhub"), "-f", CONFIG],
            cwd=self.prefix_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.hub.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.hub.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/hub/api/")
                self.timings["hub start"] = time.perf_counter() - t0
                return self.timings["hub start"]
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"the hub did not answer in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        try:
            with open(self.log_path) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    # ---- HTTP --------------------------------------------------------------------------------------
    def request(self, method, path, token=None, body=None, form=None, timeout=120):
        """(status, parsed JSON or text) of a request to the hub's public URL."""
        headers = {}
        data = None
        if token:
            headers["Authorization"] = f"token {token}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif method in ("POST", "PUT"):
            data = b""
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with _NO_REDIRECT.open(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode(errors="replace")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def api(self, method, path, body=None, token=None):
        """A hub API call as the admin service; raises on an HTTP error status."""
        status, out = self.request(method, path, token or self.service_token, body=body)
        if status >= 400:
            raise urllib.error.HTTPError(self.url + path, status, str(out), None, None)
        return out

    def user_token(self, name: str) -> str:
        return self.api("POST", f"/hub/api/users/{name}/tokens",
                        {"note": "mgmodel hub test", "expires_in": 3600})["token"]

    # ---- servers -----------------------------------------------------------------------------------
    def start_server(self, name: str):
        status, out = self.request("POST", f"/hub/api/users/{name}/server", self.service_token)
        if status not in (201, 202):
            raise RuntimeError(f"starting {name}'s server: {status} {out}\n{self.log_tail()}")

    def wait_ready(self, name: str, timeout: float = 180.0, poll: float = 0.1) -> float:
        """Block until the user's server is ready; returns the time of readiness (perf_counter)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            info = self.api("GET", f"/hub/api/users/{name}")
            server = (info.get("servers") or {}).get("")
            if server and server.get("ready"):
                return time.perf_counter()
            if not info.get("pending") and not server:
                raise RuntimeError(f"{name}'s server stopped before it was ready:\n{self.log_tail()}")
            time.sleep(poll)
        raise TimeoutError(f"{name}'s server not ready in {timeout} s:\n{self.log_tail()}")

    def stop_server(self, name: str):
        status, _ = self.request("DELETE", f"/hub/api/users/{name}/server", self.service_token)
        deadline = time.time() + 60
        while status in (202, 204) and time.time() < deadline:
            info = self.api("GET", f"/hub/api/users/{name}")
            if not info.get("servers") and not info.get("pending"):
                return
            time.sleep(0.2)

    def run_as(self, name: str, args, cwd=None, timeout=600, check=True):
        """Run a command as a class member, with the shared environment first on PATH."""
        home = os.path.expanduser(f"~{name}")
        env = ["env", "-i", f"HOME={home}", f"USER={name}", "LANG=C.UTF-8",
               f"PATH={self.env_bin}:/usr/local/bin:/usr/bin:/bin",
               f"NBGRADER_EXCHANGE={self.exchange}",
               "JUPYTER_CONFIG_PATH=" + os.path.join(self.prefix_dir, "state", "jupyter-config",
                                                     "everyone")]
        return _run(["runuser", "-u", name, "--"] + env + list(args), cwd=cwd or home,
                    timeout=timeout, check=check)

    def processes_of(self, name: str) -> list[int]:
        uid = _uid(name)
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        pids.append(int(entry))
                except OSError:
                    pass
        return pids

    def memory_of(self, name: str) -> dict:
        """Resident (RSS) and proportional (PSS) memory of all the user's processes, in MiB."""
        rss = pss = 0
        pids = self.processes_of(name)
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        key, _, value = line.partition(":")
                        if key == "Rss":
                            rss += int(value.split()[0])
                        elif key == "Pss":
                            pss += int(value.split()[0])
            except OSError:
                pass
        return {"processes": len(pids), "rss_mib": rss / 1024, "pss_mib": pss / 1024}

    # ---- tear-down ---------------------------------------------------------------------------------
    def close(self):
        """Stop the hub, end every process of the class's accounts, remove accounts and files."""
        errors = []
        if self.hub is not None and self.hub.poll() is None:
            try:   # the hub stops every server (cleanup_servers) and its proxy on SIGTERM
                os.killpg(self.hub.pid, signal.SIGTERM)
                self.hub.wait(60)
            except (subprocess.TimeoutExpired, ProcessLookupError) as e:
                errors.append(f"hub: {e}")
            if self.hub.poll() is None:
                os.killpg(self.hub.pid, signal.SIGKILL)
                self.hub.wait(10)
        for name in self.created_users:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                pids = self.processes_of(name)
                for pid in pids:
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.time() + 5
                while self.processes_of(name) and time.time() < deadline:
                    time.sleep(0.1)
            out = _run(["userdel", "--remove", name], check=False)
            if out.returncode not in (0, 12):   # 12: the mail spool was missing, nothing else
                errors.append(f"userdel {name}: {out.stderr.strip()}")
        shutil.rmtree(self.prefix_dir, ignore_errors=True)
        if errors:
            raise RuntimeError("; ".join(errors))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _uid(name: str) -> int:
    return pwd.getpwnam(name).pw_uid


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECT = urllib.request.build_opener(_NoRedirect)
