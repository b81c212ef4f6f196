"""The project's own files: environment.yml and pyproject.toml name the same packages."""
import pathlib
import re
import tomllib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name where they differ
CONDA_NAME = {"pyyaml": "pyyaml", "py-rattler": "py-rattler", "build": "python-build"}


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_specs():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    proj = data["project"]
    reqs = list(proj["dependencies"])
    for extra in proj["optional-dependencies"].values():
        reqs += extra
    specs = {}
    for r in reqs:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", r)
        specs[CONDA_NAME.get(_norm(m.group(1)), _norm(m.group(1)))] = m.group(2).replace(" ", "")
    specs["python"] = proj["requires-python"].replace(" ", "")
    return specs


def _conda_specs():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    specs = {}
    for dep in env["dependencies"]:
        assert isinstance(dep, str), f"unexpected non-conda entry {dep!r}"
        name, _, version = dep.partition(" ")
        specs[_norm(name)] = version.replace(" ", "")
    return env, specs


def test_environment_and_pyproject_name_the_same_packages():
    py, (_, conda) = _pyproject_specs(), _conda_specs()
    assert set(py) == set(conda), (set(py) ^ set(conda))
    for name in py:
        assert py[name] == conda[name], f"{name}: pyproject {py[name]!r} vs environment.yml {conda[name]!r}"


def test_conda_specs_are_strictly_valid():
    rattler = pytest.importorskip("rattler")
    env, _ = _conda_specs()
    for dep in env["dependencies"]:
        rattler.MatchSpec(dep, strict=True)


def test_runtime_dependencies_have_lower_bounds_only():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for req in data["project"]["dependencies"]:
        assert ">=" in req and "<" not in req.replace(">=", ""), req


def test_readme_has_the_two_commands_and_a_disclaimer():
    text = (ROOT / "README.md").read_text()
    assert "make lab" in text and "make test" in text
    assert text.index("make lab") < text.index("## ")  # the commands come first
    assert "not medical advice" in text.lower()
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_import_mgmodel_does_not_need_ipywidgets():
    import subprocess
    import sys
    code = ("import sys; sys.modules['ipywidgets'] = None; import mgmodel; "
            "print(mgmodel.safety_factor() > 1)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
