"""Build the course website into ``_build/site/`` (``make site``) with Jupyter Book 1.

The book is assembled in ``_build/site-src/`` from

- ``site/``: the configuration (``_config.yml``) and the pages of the site itself (home, "run it",
  API reference);
- ``course/*.ipynb``: every lesson, executed during the build, with a note after its title that
  the panels on the website are snapshots (a live panel needs a kernel);
- ``docs/*.md`` (syllabus, glossary, outcomes map, whichever exist; never ``docs/instructor/``) and
  ``docs/img/`` (the README's screenshots);
- ``REFERENCES.md`` (the lessons link to it);
- ``assets/``: MathJax, require.js and the ipywidgets HTML manager from npm, so that no page asks
  another host for anything. They are installed into ``_build/npm/`` on first use (never
  committed) and served from the site's static folder.

The table of contents (``_toc.yml``) is written from what is there. Files are only rewritten when
their content changed, so Sphinx rebuilds just what changed, and the executed lessons are cached in
``_build/jupyter-cache/<key>``, the key being a hash of the package's sources and the lessons, so
that a change to the model re-runs every lesson. ``MPLBACKEND`` is removed from the kernels'
environment: with ``Agg`` the lessons' matplotlib figures would not reach the pages.

Usage: ``python tools/build_site.py [--out DIR]`` (``make site`` runs it with the venv's Python).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
NPM_PACKAGES = {"mathjax": "3.2.2", "@jupyter-widgets/html-manager": "1.0.15", "requirejs": "2.3.7"}
# where each npm file or folder goes under assets/ (the site's static folder)
ASSETS = {
    "mathjax/es5": "mathjax",
    "@jupyter-widgets/html-manager/dist": "html-manager",
    "requirejs/require.js": "requirejs/require.js",
}
SNAPSHOT_NOTE = (
    "```{note}\n"
    "On this website the lesson was run once, when the site was built. The panels are "
    "**snapshots**: a slider moves, but its figure and readout do not change, and the self-check "
    "buttons do not answer — both need a running Python kernel. To use them, "
    "[run the course](../run_it.md) on your computer, on Binder or on a JupyterHub.\n"
    "```"
)


def npm_assets(npm_dir: pathlib.Path) -> pathlib.Path:
    """Install the pinned npm packages into npm_dir (once) and return its node_modules."""
    modules = npm_dir / "node_modules"

    def installed(name, version):
        pkg = modules / name / "package.json"
        return pkg.exists() and json.loads(pkg.read_text()).get("version") == version

    if not all(installed(n, v) for n, v in NPM_PACKAGES.items()):
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("make site needs npm (Debian: apt-get install npm) to install MathJax, "
                     "require.js and the ipywidgets HTML manager")
        npm_dir.mkdir(parents=True, exist_ok=True)
        (npm_dir / "package.json").write_text('{"name": "mgmodel-site-assets", "private": true}\n')
        specs = [f"{n}@{v}" for n, v in NPM_PACKAGES.items()]
        subprocess.run([npm, "install", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--prefix", str(npm_dir), *specs], check=True)
    return modules


def sync_file(data: bytes, dest: pathlib.Path, written: set) -> None:
    """Write dest only when its content changes (keeps mtimes, so Sphinx rebuilds less)."""
    written.add(dest)
    if dest.exists() and dest.read_bytes() == data:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


def sync_tree(src: pathlib.Path, dest: pathlib.Path, written: set) -> None:
    for p in sorted(src.rglob("*")):
        if p.is_file() and not p.name.endswith(".map"):
            sync_file(p.read_bytes(), dest / p.relative_to(src), written)


def lesson_with_note(path: pathlib.Path) -> bytes:
    """The lesson without outputs, with the snapshot note after its title cell."""
    nb = json.loads(path.read_text())
    note = {"cell_type": "markdown", "id": "site-snapshot-note", "metadata": {"tags": ["site-note"]},
            "source": SNAPSHOT_NOTE.splitlines(keepends=True)}
    nb["cells"].insert(1, note)
    for i, cell in enumerate(nb["cells"]):
        cell.setdefault("id", f"cell-{i}")
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["nbformat"], nb["nbformat_minor"] = 4, max(nb.get("nbformat_minor", 5), 5)
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()


def first_heading(path: pathlib.Path) -> str:
    for line in path.read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def cache_key() -> str:
    """A hash of what the lessons' outputs depend on: the package's sources and the lessons' code.

    (The Jupyter cache itself matches a notebook by its code cells only; a change to the model
    must re-run the lessons too. Markdown edits need no re-run.)
    """
    h = hashlib.sha256()
    for p in sorted((ROOT / "mgmodel").rglob("*.py")):
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    for p in sorted((ROOT / "course").glob("*.ipynb")):
        cells = json.loads(p.read_text())["cells"]
        h.update(json.dumps([c["source"] for c in cells if c["cell_type"] == "code"]).encode())
    return h.hexdigest()[:16]


def assemble(src: pathlib.Path, modules: pathlib.Path) -> dict:
    """Lay out the book in src; return what it holds (lessons, docs pages)."""
    written: set = set()
    for p in sorted((ROOT / "site").rglob("*")):
        if p.is_file() and p.name.endswith(".js"):
            sync_file(p.read_bytes(), src / "assets" / p.name, written)
        elif p.is_file() and p.name != "_config.yml":
            sync_file(p.read_bytes(), src / p.relative_to(ROOT / "site"), written)
    lessons = sorted((ROOT / "course").glob("*.ipynb"))
    for p in lessons:
        sync_file(lesson_with_note(p), src / "course" / p.name, written)
    docs = sorted(p for p in (ROOT / "docs").glob("*.md"))
    for p in docs:
        sync_file(p.read_bytes(), src / "docs" / p.name, written)
    if (ROOT / "docs" / "img").is_dir():
        sync_tree(ROOT / "docs" / "img", src / "img", written)
        sync_tree(ROOT / "docs" / "img", src / "docs" / "img", written)
    sync_file((ROOT / "REFERENCES.md").read_bytes(), src / "REFERENCES.md", written)
    for frm, to in ASSETS.items():
        path = modules / frm
        if path.is_dir():
            sync_tree(path, src / "assets" / to, written)
        else:
            sync_file(path.read_bytes(), src / "assets" / to, written)

    config = yaml.safe_load((ROOT / "site" / "_config.yml").read_text())
    cache = BUILD / "jupyter-cache" / cache_key()
    config["execute"]["cache"] = str(cache)
    sync_file(yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode(),
              src / "_config.yml", written)

    parts = [{"caption": "Lessons", "chapters": [{"file": f"course/{p.stem}"} for p in lessons]}]
    if docs:
        parts.append({"caption": "Course documents",
                      "chapters": [{"file": f"docs/{p.stem}"} for p in docs]})
    parts.append({"caption": "Reference", "chapters": [
        {"file": "run_it"}, {"file": "api"}, {"file": "REFERENCES"}]})
    toc = {"format": "jb-book", "root": "intro", "parts": parts}
    sync_file(yaml.safe_dump(toc, sort_keys=False).encode(), src / "_toc.yml", written)

    # drop files of earlier builds that are no longer part of the book (generated API stubs stay)
    for p in sorted(src.rglob("*"), reverse=True):
        rel = p.relative_to(src).parts
        if p.is_file() and p not in written and rel[0] not in ("generated", "_build"):
            p.unlink()
    # keep only this key's execution cache
    for old in (BUILD / "jupyter-cache").glob("*") if (BUILD / "jupyter-cache").exists() else []:
        if old != cache:
            shutil.rmtree(old, ignore_errors=True)
    return {"lessons": [p.name for p in lessons], "docs": [p.name for p in docs]}


def execute_lessons(cache_path: pathlib.Path, notebooks: list, timeout: int) -> None:
    """Run the lessons that are not cached yet, two at a time, into the Jupyter cache.

    myst-nb (``execute_notebooks: cache``) then takes their outputs from the cache instead of
    running them one after the other; a lesson that fails here is run again by myst-nb, which
    reports the error. The longest notebooks start first.
    """
    import multiprocessing

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, ProcessData

    cache = get_cache(str(cache_path))
    todo = []
    for nb in sorted(notebooks, key=lambda p: p.stat().st_size, reverse=True):
        record = cache.add_nb_to_project(str(nb))
        try:
            cache.match_cache_notebook(nbformat.read(str(nb), as_version=4))
        except KeyError:
            todo.append(ProcessData(record.pk, record.uri, cache, timeout, False))
    if not todo:
        return
    t0 = time.time()
    workers = max(1, min(2, os.cpu_count() or 1, len(todo)))
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = list(pool.imap_unordered(ExecutionWorkerLocalMProc(), todo, chunksize=1))
    failed = [uri for status, uri in results if status != 0]
    print(f"executed {len(todo) - len(failed)} lessons in {time.time() - t0:.0f} s"
          + (f"; failed: {failed}" if failed else ""))


THEBE = re.compile(r'[ \t]*<script>const THEBE_JS_URL[^<]*</script>\n?'
                   r'|[ \t]*<script[^>]*src="[^"]*sphinx-thebe\.js[^"]*"></script>\n?')


def strip_thebe(html: pathlib.Path) -> None:
    """Remove the Thebe loader from every page.

    Jupyter Book 1 always adds sphinx-thebe, whose inline script (declared twice on each page, a
    script error) names a loader on another host; this site runs no live code, so it goes.
    """
    for page in html.rglob("*.html"):
        text = page.read_text()
        new = THEBE.sub("", text)
        if new != text:
            page.write_text(new)


def build(out: pathlib.Path) -> None:
    t0 = time.time()
    src, work = BUILD / "site-src", BUILD / "site-work"
    modules = npm_assets(BUILD / "npm")
    content = assemble(src, modules)
    # the kernels inherit this environment: no Agg backend, live (not headless) panels
    for name in ("MPLBACKEND", "MGMODEL_HEADLESS"):
        os.environ.pop(name, None)
    bindir = str(pathlib.Path(sys.executable).parent)
    os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    env = dict(os.environ)
    config = yaml.safe_load((src / "_config.yml").read_text())
    execute_lessons(pathlib.Path(config["execute"]["cache"]),
                    [src / "course" / name for name in content["lessons"]],
                    int(config["execute"]["timeout"]))
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(src), "--path-output", str(work), "--builder", "html"]
    reports = work / "_build" / "html" / "reports"
    shutil.rmtree(reports, ignore_errors=True)      # error logs of an earlier build
    proc = subprocess.run(cmd, env=env, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"jupyter-book build failed with exit code {proc.returncode}")
    if reports.is_dir() and any(reports.rglob("*.log")):
        sys.exit(f"a lesson failed to execute: see {reports}")
    html = work / "_build" / "html"
    strip_thebe(html)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(html, out)
    print(f"site: {len(content['lessons'])} lessons, {len(content['docs'])} docs pages -> {out} "
          f"({time.time() - t0:.0f} s)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=BUILD / "site")
    args = ap.parse_args(argv)
    build(args.out.resolve())


if __name__ == "__main__":
    main()
