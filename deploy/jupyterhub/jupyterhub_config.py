"""JupyterHub configuration for one mgmodel class on one machine.

Real Unix accounts log in with their system password (PAM); each user's Jupyter server runs as
that user (``LocalProcessSpawner``) from one shared environment that holds the course
(``pip install ".[course,hub]"`` into a venv every user can read); the hub runs as root from the
same environment. The instructor's server works on a copy of the nbgrader course root
(``assignments/``) in the instructor's home folder, so ``nbgrader autograde`` there runs through
the course's own ``nbgrader_config.py`` (and its grading sandbox) unchanged. Students get the
lessons in their home folder and nbgrader's *Assignments* tab, but neither the formgrader nor
*Create Assignment*. See ``deploy/jupyterhub/README.md``.

Start it as root from the repository checkout::

    MGMODEL_HUB_INSTRUCTORS=lecturer MGMODEL_HUB_STUDENTS=jdoe17,asmith2 \\
        /opt/mgmodel/venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Environment variables (the defaults suit a class machine; the tests override most of them):

``MGMODEL_HUB_INSTRUCTORS``, ``MGMODEL_HUB_STUDENTS``
    Comma-separated login names. Only these users may log in. Instructors get the formgrader.
``MGMODEL_HUB_STATE`` (``/srv/mgmodel-hub``)
    The hub's own folder: database, cookie secret, generated Jupyter config, and the nbgrader
    exchange ``exchange/`` (unless ``NBGRADER_EXCHANGE`` names another).
``NBGRADER_EXCHANGE`` (``$MGMODEL_HUB_STATE/exchange``)
    The nbgrader exchange shared by everyone (created mode 0777 if missing).
``MGMODEL_HUB_URL`` (``http://127.0.0.1:8000``)
    Where the proxy listens: the address users open. Put TLS in front of it (or set
    ``c.JupyterHub.ssl_key``/``ssl_cert``) before opening it beyond loopback.
``MGMODEL_HUB_API_URL`` (``http://127.0.0.1:8081``), ``MGMODEL_HUB_PROXY_API_URL`` (``http://127.0.0.1:8001``)
    The hub's internal API and the proxy's API, on loopback.
``MGMODEL_HUB_PROXY``
    The ``configurable-http-proxy`` command (default: found on ``PATH``).
``MGMODEL_COURSE_CHECKOUT`` (the checkout this file is in)
    The repository whose ``course/`` is copied to ``~/mgmodel-lessons`` of every user and whose
    ``assignments/`` is copied to ``~/mgmodel-course`` of every instructor, once, at their first
    server start (never overwritten afterwards: it holds their work and the gradebook).
``MGMODEL_HUB_SERVICE_TOKEN``
    If set, a service ``mgmodel-admin`` with this API token may manage users, servers and tokens
    (for automation: the tests and ``benchmarks/bench_hub.py``). Unset on a class machine.
"""

import os
import pwd
import shutil
import sys

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.abspath(os.environ.get("MGMODEL_COURSE_CHECKOUT", os.path.join(HERE, "..", "..")))
STATE = os.path.abspath(os.environ.get("MGMODEL_HUB_STATE", "/srv/mgmodel-hub"))
EXCHANGE = os.path.abspath(os.environ.get("NBGRADER_EXCHANGE", os.path.join(STATE, "exchange")))
LESSONS_DIR = "mgmodel-lessons"
COURSE_DIR = "mgmodel-course"
# the environment the hub runs from is the one every user's server runs from
ENV_BIN = os.path.dirname(os.path.abspath(sys.executable))


def _names(var):
    return {n.strip() for n in os.environ.get(var, "").split(",") if n.strip()}


INSTRUCTORS = _names("MGMODEL_HUB_INSTRUCTORS")
STUDENTS = _names("MGMODEL_HUB_STUDENTS")
if INSTRUCTORS & STUDENTS:
    raise ValueError(f"MGMODEL_HUB_INSTRUCTORS and MGMODEL_HUB_STUDENTS share "
                     f"{sorted(INSTRUCTORS & STUDENTS)}; a user is one or the other")

# --- the hub's own state, and the Jupyter config it hands to the servers --------------------------
COMMON_CONFIG = os.path.join(STATE, "jupyter-config", "everyone")
STUDENT_CONFIG = os.path.join(STATE, "jupyter-config", "students")


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


os.makedirs(STATE, mode=0o755, exist_ok=True)
os.chmod(STATE, 0o755)
os.makedirs(EXCHANGE, exist_ok=True)
os.chmod(EXCHANGE, 0o777)   # nbgrader's inbound/outbound folders inside it carry their own modes
# everyone: where the exchange is (nbgrader reads nbgrader_config.py from every Jupyter config dir)
_write(os.path.join(COMMON_CONFIG, "nbgrader_config.py"),
       "c = get_config()\n"
       f"c.Exchange.root = {EXCHANGE!r}\n")
# students only: no formgrader (server and lab extension) and no Create Assignment toolbar; the
# files live in deploy/jupyter-config/students/ (shared with the Kubernetes image) and are copied
# here so that every user can read them wherever the checkout is
if os.path.exists(STUDENT_CONFIG):
    shutil.rmtree(STUDENT_CONFIG)
shutil.copytree(os.path.join(CHECKOUT, "deploy", "jupyter-config", "students"), STUDENT_CONFIG)
for folder, dirs, files in os.walk(os.path.join(STATE, "jupyter-config")):
    os.chmod(folder, 0o755)
    for name in files:
        os.chmod(os.path.join(folder, name), 0o644)

c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")

# --- network: all on loopback unless told otherwise -------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("MGMODEL_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = os.environ.get("MGMODEL_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("MGMODEL_HUB_PROXY_API_URL", "http://127.0.0.1:8001")
if os.environ.get("MGMODEL_HUB_PROXY"):
    c.ConfigurableHTTPProxy.command = [os.environ["MGMODEL_HUB_PROXY"]]
# a restarted hub takes over its proxy only if we say so; here the hub owns and stops its proxy
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who may log in -----------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"      # real Unix accounts and their passwords
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS
c.Authenticator.admin_users = set()           # no one administers the hub from the browser
# instructors' group, for the formgrader and their own servers only (no access to students' servers)
c.JupyterHub.load_groups = {"instructors": {"users": sorted(INSTRUCTORS)}}

if os.environ.get("MGMODEL_HUB_SERVICE_TOKEN"):
    c.JupyterHub.services = [{"name": "mgmodel-admin",
                              "api_token": os.environ["MGMODEL_HUB_SERVICE_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "mgmodel-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
        "services": ["mgmodel-admin"],
    }]

# --- the users' servers -------------------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"   # each server runs as its Unix user, from ENV_BIN
c.Spawner.cmd = [os.path.join(ENV_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # the shared environment first: nbgrader needs its alembic on PATH, kernels need its python
    "PATH": os.pathsep.join([ENV_BIN, "/usr/local/bin", "/usr/bin", "/bin"]),
    "NBGRADER_EXCHANGE": EXCHANGE,   # read by assignments/nbgrader_config.py
}


def _copy_once(src, dest, owner):
    """Copy a folder into a user's home the first time, owned by the user (never overwritten)."""
    if os.path.exists(dest) or not os.path.isdir(src):
        return
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(
        ".ipynb_checkpoints", "__pycache__", "release", "submitted", "autograded", "feedback",
        "gradebook.db", ".nbgrader.log"))
    for folder, dirs, files in os.walk(dest):
        for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
            os.lchown(name, owner.pw_uid, owner.pw_gid)


def pre_spawn_hook(spawner):
    """Give each user the lessons (and an instructor the course root) and their Jupyter config."""
    name = spawner.user.name
    owner = pwd.getpwnam(name)
    home = owner.pw_dir
    _copy_once(os.path.join(CHECKOUT, "course"), os.path.join(home, LESSONS_DIR), owner)
    if name in INSTRUCTORS:
        course = os.path.join(home, COURSE_DIR)
        _copy_once(os.path.join(CHECKOUT, "assignments"), course, owner)
        # the server starts in $HOME; nbgrader and the formgrader find the course from there
        cfg = os.path.join(home, "nbgrader_config.py")
        if not os.path.exists(cfg):
            with open(cfg, "w") as f:
                f.write("c = get_config()\n"
                        f"load_subconfig({os.path.join(course, 'nbgrader_config.py')!r})\n")
            os.lchown(cfg, owner.pw_uid, owner.pw_gid)
        config_path = COMMON_CONFIG
    else:
        config_path = os.pathsep.join([STUDENT_CONFIG, COMMON_CONFIG])
    # a new dict: the configured one is shared by every spawner
    spawner.environment = dict(spawner.environment, JUPYTER_CONFIG_PATH=config_path)


c.Spawner.pre_spawn_hook = pre_spawn_hook
