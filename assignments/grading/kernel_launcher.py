"""Start one student's IPython kernel inside the grading sandbox.

The course's kernelspec (``mgmodel-sandbox``, written by :mod:`grading.sandbox`) runs this file
with the instructor's Python, as ``kernel_launcher.py <connection file> [kernel arguments]``.
It uses the standard library only. In order, the kernel process is:

1. ``setpriv`` (only when the instructor is root): the unprivileged system user
   ``mgmodel-grader``, no supplementary groups, ``no_new_privs``;
2. ``prlimit``: address space (memory), processes, CPU seconds, file size, open files, no core;
3. ``bwrap``: new user, PID, network, IPC, UTS and cgroup namespaces, a new session, killed with
   its parent, an empty environment; a file system made of read-only ``/usr`` and ``/etc``, the
   read-only interpreter and model install, a private ``/tmp``, the kernel's IPC socket folder,
   and a copy of the submission's folder (its working copy, deleted when the kernel ends).

The course root (gradebook, ``source/``, ``instructor_notes/``, ``submitted/``, other students'
``autograded/`` folders, the references store) is not mounted at all.

When the kernel ends (or is killed) the socket folder is emptied; when this launcher is killed,
``--die-with-parent`` kills the sandbox, and with it every process in its PID namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

SANDBOX_USER = "mgmodel-grader"
# limits of one kernel (prlimit); see README.md "The grading sandbox"
LIMITS = {
    "as": 3 * 1024**3,        # bytes of address space (RLIMIT_AS stands in for memory)
    "nproc": 64,              # processes of the sandbox user (RLIMIT_NPROC counts per uid)
    "cpu": 900,               # CPU seconds for the whole notebook
    "fsize": 64 * 1024**2,    # bytes: largest file the kernel may write
    "nofile": 256,            # open files
    "core": 0,                # no core dumps
}
# the kernel and the clean grading process compute with the same settings: the number of BLAS
# threads changes results in the 7th digit, and the model's EPP tables come from one cache
NUMERICS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CACHE_DIR_ROOT = "/var/cache/mgmodel-grading"
INSIDE_CACHE = "/opt/grading/cache"
INSIDE_SITE = "/opt/grading/site-packages"
INSIDE_SRC = "/opt/grading/src"
INSIDE_HOME = "/home/student"


def _world_usable(path: Path) -> bool:
    """True when every folder above ``path`` can be traversed and ``path`` read by anyone."""
    path = path.resolve()
    for parent in path.parents:
        if not os.stat(parent).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


def kernel_interpreter() -> tuple[str, list[str]]:
    """The interpreter the sandbox runs, and the folders it needs mounted (read-only).

    The instructor's own interpreter when anyone may run it; otherwise ``/usr/bin/python3`` if it
    has the same major.minor version (the instructor's site-packages, compiled for that version,
    are mounted into the sandbox). Raises RuntimeError when neither works.
    """
    real = Path(os.path.realpath(sys.executable))
    base = Path(os.path.realpath(sys.base_prefix))
    if _world_usable(real) and _world_usable(base):
        mounts = [] if str(base).startswith("/usr") else [str(base)]
        return str(real), mounts
    system = Path("/usr/bin/python3")
    if system.exists():
        out = subprocess.run([str(system), "-c", "import sys; print(*sys.version_info[:2])"],
                             capture_output=True, text=True)
        if out.stdout.split() == [str(v) for v in sys.version_info[:2]]:
            return str(system), []
    raise RuntimeError(
        f"the sandbox user cannot run {real} (a folder above it is private) and /usr/bin/python3 "
        f"is missing or not Python {sys.version_info[0]}.{sys.version_info[1]}; install a Python "
        "of that version in a world-readable place (see README.md, 'The grading sandbox')")


def model_paths() -> tuple[str, str]:
    """(site-packages of the instructor's environment, folder holding the ``mgmodel`` package)."""
    import importlib.util
    import sysconfig

    spec = importlib.util.find_spec("mgmodel")
    if spec is None or not spec.origin:
        raise RuntimeError("mgmodel is not installed in the instructor's environment")
    return sysconfig.get_paths()["purelib"], str(Path(spec.origin).parent)


def cache_dir() -> Path:
    """The model's table cache shared by the clean grading process and (read-only) the kernels."""
    if os.geteuid() == 0:
        return Path(CACHE_DIR_ROOT)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mgmodel-grading"


def _user_ids():
    import pwd

    try:
        entry = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        raise RuntimeError(f"the sandbox user '{SANDBOX_USER}' does not exist: run "
                           "`make grading-sandbox` as root") from None
    return entry.pw_uid, entry.pw_gid


def _working_copy(cwd: Path, stage_root: Path) -> tuple[Path, str, str]:
    """Copy the kernel's folder into ``stage_root``: (the copy, student id, assignment id).

    The kernel never works in the course folders: it gets a copy (regular files and folders
    only, no symbolic links) in the private folder of this grading run, which the sandbox user
    can reach even when the course root is private. The student id is known while autograding
    (the folder is ``autograded/<student>/<assignment>``).
    """
    student = ""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde" and cwd.parent.parent.name == "autograded":
        student = cwd.parent.name
    work = stage_root / cwd.name
    shutil.copytree(cwd, work, symlinks=True,
                    ignore=lambda d, names: [n for n in names if os.path.islink(os.path.join(d, n))])
    return work, student, cwd.name


def bwrap_command(conn_inside: str, ipc_dir: str, work: Path, assignment: str, student: str,
                  kernel_args: list[str]) -> list[str]:
    python, extra_mounts = kernel_interpreter()
    site, package = model_paths()
    inside_work = f"{INSIDE_HOME}/{assignment or 'work'}"
    env = {
        "PATH": "/usr/bin:/bin", "HOME": INSIDE_HOME, "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
        "PYTHONPATH": f"{INSIDE_SRC}:{INSIDE_SITE}", "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
        **NUMERICS_ENV,
        "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", ""),
        "MGMODEL_GRADED_STUDENT": student,
    }
    cmd = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
           "--cap-drop", "ALL"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for link in ("bin", "lib", "lib64", "sbin"):
        host = Path("/") / link
        if host.is_symlink():
            cmd += ["--symlink", os.readlink(host), f"/{link}"]
        elif host.exists():
            cmd += ["--ro-bind", str(host), f"/{link}"]
    for mount in extra_mounts:
        cmd += ["--ro-bind", mount, mount]
    cache = cache_dir()
    if cache.is_dir() and _world_usable(cache):
        cmd += ["--ro-bind", str(cache), INSIDE_CACHE, "--setenv", "MGMODEL_CACHE", INSIDE_CACHE]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",       # /tmp first, binds below it after
            "--bind", ipc_dir, ipc_dir,
            "--ro-bind", site, INSIDE_SITE, "--ro-bind", package, f"{INSIDE_SRC}/mgmodel",
            "--tmpfs", INSIDE_HOME, "--bind", str(work), inside_work, "--chdir", inside_work,
            python, "-s", "-m", "ipykernel_launcher", "-f", conn_inside, *kernel_args]
    return cmd


def _die_with_parent() -> None:
    """Get SIGTERM when the grader (our parent) dies, however it dies (Linux prctl)."""
    import ctypes

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        sys.exit(1)


def main(argv: list[str]) -> int:
    _die_with_parent()
    # a Ctrl-C in the instructor's terminal reaches every process of the group: the grader
    # handles it; kernels are interrupted by message. (A handler, not SIG_IGN: an ignored SIGINT
    # would be inherited by the kernel, which then could not interrupt its own cells.)
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    if not argv:
        print("usage: kernel_launcher.py CONNECTION_FILE [kernel arguments]", file=sys.stderr)
        return 2
    conn_file, kernel_args = argv[0], argv[1:]
    conn = json.loads(Path(conn_file).read_text())
    if conn.get("transport") != "ipc" or not os.path.isabs(conn.get("ip", "")):
        print("grading sandbox: the kernel has no network; set c.KernelManager.transport = 'ipc' "
              "with an absolute c.KernelManager.ip (nbgrader_config.py does)", file=sys.stderr)
        return 2
    ipc_dir = os.path.dirname(conn["ip"])
    root = os.geteuid() == 0
    stage = Path(os.path.dirname(ipc_dir)) / f"work-{os.getpid()}"
    stage.mkdir(mode=0o700)
    work, student, assignment = _working_copy(Path.cwd(), stage)
    # empty the socket folder (left-overs of an earlier kernel), then give it to the sandbox user
    for leftover in Path(ipc_dir).iterdir():
        if leftover.name.startswith(os.path.basename(conn["ip"])):
            leftover.unlink(missing_ok=True)
    conn_copy = Path(ipc_dir) / f"connection-{os.getpid()}.json"
    conn_copy.write_text(json.dumps(conn))
    conn_copy.chmod(0o400)
    prefix = []
    if root:
        uid, gid = _user_ids()
        for path in (ipc_dir, conn_copy):
            os.chown(path, uid, gid)
        for dirpath, dirnames, filenames in os.walk(stage):
            for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
                os.lchown(name, uid, gid)
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                  "--no-new-privs", "--inh-caps=-all", "--"]
    limits = dict(LIMITS)
    if not root:
        limits.pop("nproc")  # counts all of the instructor's own processes: not usable here
    prefix += ["prlimit", *(f"--{k}={v}" for k, v in limits.items()), "--"]
    cmd = prefix + bwrap_command(str(conn_copy), ipc_dir, work, assignment, student, kernel_args)
    # the kernel's own stdout/stderr (not what cells print: that goes over the sockets) would land
    # in the instructor's terminal; keep them out unless debugging the sandbox
    quiet = None if os.environ.get("MGMODEL_GRADING_DEBUG") else subprocess.DEVNULL
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=quiet, stderr=quiet)

    def stop(signum, frame):
        child.kill()  # bwrap's PID 1 dies, and with it every process of the sandbox

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    try:
        code = child.wait()
    finally:
        if child.poll() is None:
            child.kill()
        for leftover in Path(ipc_dir).iterdir():
            leftover.unlink(missing_ok=True)
        shutil.rmtree(stage, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
