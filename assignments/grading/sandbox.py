"""The grading sandbox as the course configuration sets it up (see ``kernel_launcher.py``).

``configure(c)`` is called by ``nbgrader_config.py``: it writes the ``mgmodel-sandbox`` kernelspec
into a private folder of this process, puts that folder on ``JUPYTER_PATH``, selects the kernel
for autograde and validate (``c.Execute.kernel_name``) and switches the kernel link to IPC
sockets in the same folder (the sandbox has no network, so no TCP).

``status()`` says whether this machine can run the sandbox; ``python -m grading sandbox`` prints it.
Set ``MGMODEL_GRADING_SANDBOX=off`` to grade without the sandbox (students' code then runs as you,
with access to everything you can read and write: only for trusted notebooks).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import kernel_launcher

KERNEL_NAME = "mgmodel-sandbox"
OPT_OUT_VAR = "MGMODEL_GRADING_SANDBOX"
OPT_OUT_VALUE = "off"
_PRIVATE = {}


def opted_out() -> bool:
    """True when the instructor switched the sandbox off (``MGMODEL_GRADING_SANDBOX=off``)."""
    return os.environ.get(OPT_OUT_VAR, "").strip().lower() == OPT_OUT_VALUE


def status(refresh: bool = False) -> tuple[bool, str]:
    """(whether the sandbox can run here, a one-paragraph explanation); probed once per process."""
    if refresh or "status" not in _PRIVATE:
        _PRIVATE["status"] = _probe()
    return _PRIVATE["status"]


def _probe() -> tuple[bool, str]:
    missing = [tool for tool in ("bwrap", "prlimit") if shutil.which(tool) is None]
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        missing.append("setpriv")
    if missing:
        return False, f"missing tools: {', '.join(missing)} (Debian: apt-get install bubblewrap util-linux)"
    try:
        python, _ = kernel_launcher.kernel_interpreter()
        kernel_launcher.model_paths()
        if os.geteuid() == 0:
            kernel_launcher._user_ids()
    except RuntimeError as err:
        return False, str(err)
    probe = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
             "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
             "--symlink", "usr/bin", "/bin", "/usr/bin/true"]
    if os.geteuid() == 0:
        uid, gid = kernel_launcher._user_ids()
        probe = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                 "--"] + probe
    proc = subprocess.run(probe, capture_output=True, text=True)
    if proc.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {proc.stderr.strip()}"
    who = kernel_launcher.SANDBOX_USER if os.geteuid() == 0 else "your own (unprivileged) user"
    return True, f"sandbox ready: kernels run as {who} with {python}"


def refusal(reason: str) -> str:
    return (f"Refusing to run students' notebooks without the grading sandbox: {reason}.\n"
            "Set it up with `make grading-sandbox` (as root, from the repository root), or, for "
            f"trusted notebooks only, switch it off with {OPT_OUT_VAR}={OPT_OUT_VALUE}.")


def _private_dir() -> Path:
    """A folder of this process and user under /tmp: the kernelspec and the IPC sockets."""
    if "dir" not in _PRIVATE:
        path = Path(tempfile.mkdtemp(prefix=f"mgmodel-grading-{os.getuid()}-"))
        path.chmod(0o711)  # the sandbox user may pass through (to its socket and work folders)
        _PRIVATE["dir"] = path
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    return _PRIVATE["dir"]


def write_kernelspec() -> Path:
    """Write the kernelspec into the private folder; returns the folder to put on JUPYTER_PATH."""
    base = _private_dir() / "jupyter"
    spec = base / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    launcher = Path(kernel_launcher.__file__).resolve()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", str(launcher), "{connection_file}"],
        "display_name": "mgmodel grading sandbox",
        "language": "python",
        "interrupt_mode": "message",  # signals cannot cross into the sandbox's PID namespace
        "metadata": {"debugger": False},
    }, indent=1))
    return base


def configure(c) -> None:
    """Point nbgrader's execution (autograde, validate) at the sandboxed kernel."""
    if opted_out():
        return
    base = write_kernelspec()
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(base)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    ipc = _private_dir() / "ipc"
    ipc.mkdir(exist_ok=True)
    c.Execute.kernel_name = KERNEL_NAME
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(ipc / "kernel")
