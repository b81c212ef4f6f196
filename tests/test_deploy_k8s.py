"""The Kubernetes path (deploy/kubernetes/): the files parse and name what a class needs.

They cannot be deployed on this machine (no cluster, no image registry); these checks keep them
consistent with the repository: the image is built from environment.yml with the course
installed, the exchange is a shared volume mounted where the image's config says, students get
the same no-formgrader config as on the one-machine hub, and the grading sandbox's tools and
pod settings are there.
"""

import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "kubernetes"
EXCHANGE = "/srv/nbgrader/exchange"


def _dockerfile():
    """The Dockerfile's instructions as (KEYWORD, argument) with continuation lines joined."""
    text = (K8S / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arg = line.partition(" ")
            out.append((keyword.upper(), arg.strip()))
    return out


def _values():
    return yaml.safe_load((K8S / "values.yaml").read_text())


def test_dockerfile_parses_and_builds_from_environment_yml():
    instr = _dockerfile()
    known = {"FROM", "ARG", "USER", "RUN", "COPY", "ENV", "WORKDIR"}
    assert {k for k, _ in instr} <= known, {k for k, _ in instr} - known
    assert instr[0][0] == "FROM" and instr[0][1].startswith("quay.io/jupyter/")
    runs = " ".join(a for k, a in instr if k == "RUN")
    copies = [a for k, a in instr if k == "COPY"]
    assert any(re.search(r"(^|\s)environment\.yml\s", c) for c in copies)
    assert "env update --name base --file /tmp/mgmodel/environment.yml" in runs
    # the course itself, installed (not editable) without pulling dependencies from elsewhere
    assert "pip install --no-deps" in runs and "pip install -e" not in runs
    # the grading sandbox's tools
    assert "bubblewrap" in runs and "util-linux" in runs
    # every COPY source exists in the repository (the build context is its root)
    for c in copies:
        src = [p for p in c.split() if not p.startswith("--")][0]
        assert src == "." or (ROOT / src).exists(), src
    assert "NBGRADER_EXCHANGE=" + EXCHANGE in [a for k, a in instr if k == "ENV"]
    assert f'c.Exchange.root = "{EXCHANGE}"' in runs


def test_image_jupyterhub_matches_the_chart_and_environment():
    arg = [a for k, a in _dockerfile() if k == "ARG" and a.startswith("JUPYTERHUB_VERSION=")]
    major = int(arg[0].split("=")[1])
    header = " ".join((K8S / "values.yaml").read_text().replace("#", " ").split())
    assert "version 4.x, which runs JupyterHub 5" in header and major == 5
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    spec = [d for d in env["dependencies"] if d.startswith("jupyterhub ")][0]
    low, high = re.match(r"jupyterhub >=(\d+),<(\d+)", spec).groups()
    assert int(low) <= major < int(high), spec


def test_values_name_the_image_exchange_and_limits():
    v = _values()
    su = v["singleuser"]
    assert su["image"]["name"].endswith("mgmodel-singleuser") and su["image"]["tag"]
    assert su["defaultUrl"] == "/lab"
    assert su["extraEnv"]["NBGRADER_EXCHANGE"] == EXCHANGE
    volumes = {vol["name"]: vol for vol in su["storage"]["extraVolumes"]}
    mounts = {m["name"]: m["mountPath"] for m in su["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == EXCHANGE
    claim = volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"]
    pvc = yaml.safe_load((K8S / "exchange-pvc.yaml").read_text())
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["metadata"]["name"] == claim
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]   # every pod mounts it
    init = su["initContainers"][0]
    assert "0777" in " ".join(init["command"]) and init["volumeMounts"][0]["mountPath"] == EXCHANGE
    assert su["memory"]["limit"] and su["memory"]["guarantee"]
    assert v["cull"]["enabled"] is True


def test_hub_extra_config_compiles_and_splits_students_from_instructors():
    code = _values()["hub"]["extraConfig"]["mgmodel"]
    compile(code, "values.yaml:hub.extraConfig.mgmodel", "exec")
    assert "c.KubeSpawner.pre_spawn_hook" in code
    # students: the config folder the image copies from deploy/jupyter-config/students
    assert '"/etc/mgmodel/jupyter-config/students"' in code
    copy = [a for k, a in _dockerfile() if k == "COPY" and "jupyter-config/students" in a][0]
    assert copy.split()[-1] == "/etc/mgmodel/jupyter-config/students"
    # instructors: the grading sandbox needs user namespaces (seccomp/AppArmor unconfined)
    assert '"seccompProfile": {"type": "Unconfined"}' in code
    assert "mgmodel-course" in code and "load_subconfig" in code


def test_students_config_disables_formgrader_and_create_assignment():
    folder = ROOT / "deploy" / "jupyter-config" / "students"
    page = json.loads((folder / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader:formgrader": True,
                                          "@jupyter/nbgrader:create-assignment": True}
    server = json.loads((folder / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False}


def test_readme_says_it_cannot_be_deployed_here():
    text = (K8S / "README.md").read_text()
    assert "not been deployed" in text and "tests/test_deploy_k8s.py" in text
