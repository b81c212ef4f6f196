"""The grading sandbox and the plain-value channel, tested directly (no nbgrader run).

A student kernel is started through the course's own kernelspec (``mgmodel-sandbox``, as
``nbgrader_config.py`` sets it up) and probed from inside: who it runs as, what it can see, read,
write, reach and allocate. The plain-value codec and the kernel-side export are tested on the
objects students would use to cheat. The full pipeline is in ``test_grading_pipeline.py`` and
``test_grading_attacks.py``.
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
sys.path.insert(0, str(COURSE))

from grading import export, kernel_launcher, plain, sandbox, spec  # noqa: E402
from grading.plain import Rejected  # noqa: E402


def test_make_grading_sandbox_has_set_this_machine_up():
    """`make test` depends on `make grading-sandbox`; this says what is missing if it did not run."""
    ok, why = sandbox.status()
    assert ok, sandbox.refusal(why)
    if os.geteuid() == 0:
        assert pwd.getpwnam(kernel_launcher.SANDBOX_USER).pw_uid != 0


# --- a kernel in the sandbox, probed from inside ------------------------------------------------

PROBE = textwrap.dedent('''
    import json, os, socket, sys
    out = {"uid": os.getuid(), "pid": os.getpid(), "cwd": os.getcwd(), "env": sorted(os.environ)}
    def can_read(p):
        try:
            open(p, "rb").read(1); return True
        except OSError:
            return False
    out["course_visible"] = os.path.exists(COURSE)
    out["gradebook"] = can_read(os.path.join(COURSE, "gradebook.db"))
    out["notes"] = can_read(os.path.join(COURSE, "instructor_notes", "02_endplate_safety.md"))
    out["root_home"] = os.path.exists("/root/.bashrc")
    import mgmodel
    out["mgmodel"] = mgmodel.__file__
    try:
        open(mgmodel.__file__, "a").close(); out["model_writable"] = True
    except OSError:
        out["model_writable"] = False
    import numpy
    try:
        open(os.path.join(os.path.dirname(numpy.__file__), "evil.py"), "w").close(); out["site_writable"] = True
    except OSError:
        out["site_writable"] = False
    try:
        open("scratch.txt", "w").write("x"); out["cwd_writable"] = True
    except OSError:
        out["cwd_writable"] = False
    try:
        s = socket.create_connection(("1.1.1.1", 53), timeout=2); out["network"] = True
    except OSError:
        out["network"] = False
    try:
        os.kill(1, 9)
    except OSError:
        pass
    try:
        x = bytearray(5 * 1024 ** 3); out["big_alloc"] = True; del x
    except MemoryError:
        out["big_alloc"] = False
    out["ppid_kill"] = True
    try:
        os.kill(os.getppid(), 9)
    except OSError as e:
        out["ppid_kill"] = str(e)
    print("PROBE" + json.dumps(out))
''')


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    work = tmp_path_factory.mktemp("work")
    (work / "note.txt").write_text("the submission's own file")
    cfg = Config()
    sandbox.configure(cfg)
    km = KernelManager(kernel_name=sandbox.KERNEL_NAME, config=cfg)
    km.start_kernel(cwd=str(work))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        code = f"COURSE = {str(COURSE)!r}\n" + PROBE
        reply = kc.execute_interactive(code, timeout=60, output_hook=_collect)
        assert reply["content"]["status"] == "ok", reply["content"]
        yield json.loads(_collected[-1].split("PROBE", 1)[1]), work
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


_collected = []


def _collect(msg):
    if msg["msg_type"] == "stream" and "PROBE" in msg["content"]["text"]:
        _collected.append(msg["content"]["text"])


def test_kernel_runs_as_the_unprivileged_user_in_its_own_pid_namespace(probe):
    out, _ = probe
    if os.geteuid() == 0:
        assert out["uid"] == pwd.getpwnam(kernel_launcher.SANDBOX_USER).pw_uid
    assert out["pid"] < 10, "the kernel sees only its own PID namespace"
    assert out["ppid_kill"] is True or "Operation not permitted" in out["ppid_kill"]


def test_kernel_cannot_see_the_course_or_change_the_model(probe):
    out, _ = probe
    assert not out["course_visible"] and not out["gradebook"] and not out["notes"]
    assert not out["root_home"]
    assert out["mgmodel"].startswith(kernel_launcher.INSIDE_SRC)
    assert not out["model_writable"] and not out["site_writable"]


def test_kernel_works_on_a_copy_with_a_clean_environment(probe):
    out, work = probe
    assert out["cwd_writable"]
    assert not (work / "scratch.txt").exists(), "the kernel writes into its own copy only"
    assert "JPY_PARENT_PID" not in out["env"]
    assert not [k for k in out["env"] if k.startswith(("NBGRADER_EXCHANGE", "SSH", "SUDO"))]


def test_kernel_has_no_network_and_limited_memory(probe):
    out, _ = probe
    assert out["network"] is False
    assert out["big_alloc"] is False, "a 5 GiB allocation must fail (RLIMIT_AS)"


def test_no_process_of_the_sandbox_user_outlives_its_kernel(tmp_path):
    """A kernel that starts a detached child (new session, ignoring SIGTERM), then the grader
    dies without shutting the kernel down: nothing of the sandbox user is left."""
    if os.geteuid() != 0:
        pytest.skip("the sandbox user exists only when the instructor is root")
    uid = pwd.getpwnam(kernel_launcher.SANDBOX_USER).pw_uid
    before = _processes_of(uid)
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(COURSE)!r})
        from jupyter_client.manager import KernelManager
        from traitlets.config import Config
        from grading import sandbox
        cfg = Config(); sandbox.configure(cfg)
        km = KernelManager(kernel_name=sandbox.KERNEL_NAME, config=cfg)
        km.start_kernel(cwd={str(tmp_path)!r})
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
        code = ("import subprocess, signal; subprocess.Popen(['/bin/sh', '-c', 'trap \\"\\" TERM; sleep 600'], "
                "start_new_session=True)")
        kc.execute_interactive(code, timeout=60)
        print("started", flush=True)
        import os; os._exit(0)   # the grader dies: no shutdown of the kernel
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "started" in proc.stdout, proc.stderr
    import time
    deadline = time.monotonic() + 20
    while _processes_of(uid) - before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not (_processes_of(uid) - before), "processes of the sandbox user outlived the grader"


def _processes_of(uid):
    return {p.name for p in Path("/proc").iterdir() if p.name.isdigit() and _uid(p) == uid}


def _uid(proc):
    try:
        return proc.stat().st_uid
    except OSError:
        return None


# --- refusing to run without the sandbox, and the explicit opt-out -------------------------------

def _config(env):
    code = ("from traitlets.config.loader import PyFileConfigLoader; import json, sys; "
            f"cfg = PyFileConfigLoader('nbgrader_config.py', path={str(COURSE)!r}).load_config(); "
            "print(json.dumps([cfg.Execute.get('kernel_name', None), cfg.KernelManager.get('transport', None)]))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=COURSE)


def test_config_selects_the_sandboxed_kernel_unless_opted_out():
    env = {k: v for k, v in os.environ.items() if k != sandbox.OPT_OUT_VAR}
    proc = _config(env)
    assert json.loads(proc.stdout) == [sandbox.KERNEL_NAME, "ipc"], proc.stderr
    proc = _config({**env, sandbox.OPT_OUT_VAR: "off"})
    assert json.loads(proc.stdout) == [None, None], proc.stderr


def test_autograde_refuses_without_a_sandbox(tmp_path):
    """No bwrap on PATH: nbgrader autograde stops at once and says what to do."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for tool in ("prlimit", "setpriv"):
        (fake_bin / tool).symlink_to(f"/usr/bin/{tool}")
    env = {k: v for k, v in os.environ.items() if k != sandbox.OPT_OUT_VAR}
    env["PATH"] = f"{Path(sys.executable).parent}:{fake_bin}"
    nbgrader = str(Path(sys.executable).with_name("nbgrader"))
    proc = subprocess.run([nbgrader, "autograde", "01_receptor_binding"], cwd=COURSE, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Refusing to run students' notebooks without the grading sandbox" in proc.stderr
    assert "missing tools: bwrap" in proc.stderr and sandbox.OPT_OUT_VAR in proc.stderr


# --- plain values only ------------------------------------------------------------------------

class _Liar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class _ArrayLiar:
    def __array_function__(self, func, types, args, kwargs):
        return True

    def __float__(self):
        return 1.0


def _run_export(namespace_code, answers):
    """Run the kernel-side export code in a fresh interpreter (as the kernel would)."""
    code = namespace_code + "\n" + export.kernel_code(answers, "NONCE")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    exported = export.parse_output(proc.stdout, "NONCE")
    return {k: plain.loads(v) for k, v in exported.items()}


def test_export_takes_plain_values_and_rejects_lookalikes():
    ns = textwrap.dedent('''
        import numpy as np
        class Liar(float):
            def __eq__(self, other): return True
            __hash__ = float.__hash__
        class Sub(np.ndarray): pass
        class AF:
            def __array_function__(self, *a): return True
            def __float__(self): return 0.5
        good_float, good_np, good_arr = 0.25, np.float64(0.5), np.arange(3.0)
        good_dict = {("a", "fcrn"): 1.0, "b": [True, None, "x"]}
        liar, sub, af, obj_arr = Liar(1.0), np.arange(3.0).view(Sub), AF(), np.array([1, "a"], dtype=object)
        def f(x, y=1.0): return np.asarray(x) * y
        def boom(x): raise ZeroDivisionError("no")
    ''')
    answers = {k: spec.value(k) for k in ("good_float", "good_np", "good_arr", "good_dict", "liar", "sub",
                                          "af", "obj_arr", "missing")}
    answers.update(call=spec.call("f", np.array([1.0, 2.0]), y=3.0), boom=spec.call("boom", 1.0))
    got = _run_export(ns, answers)
    assert type(got["good_float"]) is float and got["good_float"] == 0.25
    assert type(got["good_np"]) is float and got["good_np"] == 0.5
    assert type(got["good_arr"]) is np.ndarray and got["good_arr"].tolist() == [0.0, 1.0, 2.0]
    assert got["good_dict"] == {("a", "fcrn"): 1.0, "b": [True, None, "x"]}
    np.testing.assert_array_equal(got["call"], [3.0, 6.0])
    for name in ("liar", "sub", "af", "obj_arr", "missing", "boom"):
        assert isinstance(got[name], Rejected), name
    assert "ZeroDivisionError" in got["boom"].reason and "NameError" in got["missing"].reason


def test_decoding_refuses_malformed_or_foreign_values():
    assert isinstance(plain.loads('{"$array": [1, 2], "dtype": "object", "shape": [2]}'), Rejected)
    assert isinstance(plain.loads('{"$array": [1, 2], "dtype": "float64", "shape": [3]}'), Rejected)
    assert isinstance(plain.loads('{"__class__": "x"}'), Rejected)
    assert isinstance(plain.loads("[" * 100 + "]" * 100), Rejected)
    assert isinstance(plain.loads('"' + "x" * (plain.MAX_CHARS + 1) + '"'), Rejected)
    assert plain.loads('{"$tuple": [1, NaN]}')[0] == 1
    with pytest.raises(TypeError, match="not a plain value"):
        plain.encode(_Liar(1.0))
    with pytest.raises(TypeError, match="not a plain value"):
        plain.encode(_ArrayLiar())


def test_check_helpers_never_show_the_reference():
    with pytest.raises(AssertionError) as err:
        spec.expect_close(0.5, 0.123456, rtol=1e-3, what="the EC50")
    assert "0.123" not in str(err.value) and "the EC50" in str(err.value)
    with pytest.raises(AssertionError, match="one number"):
        spec.expect_close(True, 1.0, what="x")
    with pytest.raises(AssertionError, match="array of numbers"):
        spec.expect_close("abc", np.zeros(3), what="x")
    spec.expect_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12], rtol=1e-9)
    assert spec.number(np.array([2.5])) == 2.5
