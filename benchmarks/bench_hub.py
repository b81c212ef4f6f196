"""What a JupyterHub class costs on one machine: 20 students start their servers at once.

Run as root:  python benchmarks/bench_hub.py [--students 20] [--lesson 01_receptor_binding.ipynb]

It builds a throw-away class on loopback (``deploy/jupyterhub/loopback.py``: a shared
environment with the course, configurable-http-proxy from npm, real Unix accounts, the hub of
``deploy/jupyterhub/jupyterhub_config.py``), then starts every student's server at the same moment
through the hub's REST API and, in each server as soon as it is ready, runs one lesson top to
bottom through the Jupyter kernel API (a kernel started by the server, cells sent over its
websocket, as JupyterLab does). It prints the hub's start time, each server's time to ready, the
lesson's wall time in each, and the memory of each user's processes (server alone, then server
and kernel after the lesson; RSS and PSS). Everything it created is removed at the end.
``tests/test_hub.py`` runs the same measurement on a few students.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import statistics
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "deploy", "jupyterhub"))

from loopback import LoopbackClass  # noqa: E402


async def run_notebook_in_server(cls: LoopbackClass, name: str, token: str, path: str,
                                 timeout: float = 600.0, before_shutdown=None):
    """Run every code cell of ``path`` (relative to the user's home) in a new kernel of the user's
    server; raise on the first cell that errors.

    Returns ``(wall time in s, before_shutdown())``: ``before_shutdown`` (optional, no arguments)
    is called after the last cell, while the kernel still runs; then the kernel is shut down.
    """
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    base = f"/user/{name}/api"
    status, model = cls.request("GET", f"{base}/contents/{path}?content=1", token)
    if status != 200:
        raise RuntimeError(f"{name} cannot open {path}: {status} {model}")
    cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    folder = os.path.dirname(path)
    status, kernel = cls.request("POST", f"{base}/sessions", token, body={
        "path": path, "type": "notebook", "name": os.path.basename(path),
        "kernel": {"name": "python3"}})
    if status not in (200, 201):
        raise RuntimeError(f"{name} cannot start a kernel: {status} {kernel}")
    kernel_id, session_id = kernel["kernel"]["id"], kernel["id"]
    ws_url = cls.url.replace("http://", "ws://") + f"{base}/kernels/{kernel_id}/channels"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    session = uuid.uuid4().hex
    t0 = time.perf_counter()
    try:
        for cell in cells:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "session": session, "username": name,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))
            reply = idle = None
            while reply is None or not idle:
                raw = await asyncio.wait_for(conn.read_message(), timeout)
                if raw is None:
                    raise RuntimeError(f"{name}'s kernel closed its websocket")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["channel"] == "shell" and msg["msg_type"] == "execute_reply":
                    reply = msg["content"]
                elif (msg["channel"] == "iopub" and msg["msg_type"] == "status"
                      and msg["content"]["execution_state"] == "idle"):
                    idle = True
            if reply["status"] != "ok":
                raise RuntimeError(f"{name}: a cell of {path} failed: {reply.get('ename')}: "
                                   f"{reply.get('evalue')}\n{source[:200]}")
        elapsed = time.perf_counter() - t0
        return elapsed, (before_shutdown() if before_shutdown else None)
    finally:
        conn.close()
        cls.request("DELETE", f"{base}/sessions/{session_id}", token)


def measure_class(cls: LoopbackClass, students: list[str], lesson: str) -> list[dict]:
    """Start the students' servers at once, run ``lesson`` in each; one dict per student.

    Each dict: ``ready_s`` (request to ready), ``lesson_s`` (the lesson's cells, wall time),
    ``server`` and ``with_kernel`` (memory: processes, rss_mib, pss_mib).
    """
    tokens = {s: cls.user_token(s) for s in students}
    path = f"mgmodel-lessons/{lesson}"

    async def one(student, t_request):
        loop = asyncio.get_running_loop()
        t_ready = await loop.run_in_executor(None, cls.wait_ready, student, 600.0)
        server_mem = cls.memory_of(student)
        lesson_s, kernel_mem = await run_notebook_in_server(
            cls, student, tokens[student], path, before_shutdown=lambda: cls.memory_of(student))
        return {"student": student, "ready_s": t_ready - t_request, "lesson_s": lesson_s,
                "server": server_mem, "with_kernel": kernel_mem}

    async def main():
        t_request = {}
        for s in students:
            t_request[s] = time.perf_counter()
            cls.start_server(s)
        return await asyncio.gather(*(one(s, t_request[s]) for s in students))

    # in a thread of its own: the caller may have an event loop running (playwright's, in a test)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def summarize(rows: list[dict]) -> str:
    def stats(values):
        return (f"median {statistics.median(values):6.1f}  min {min(values):6.1f}  "
                f"max {max(values):6.1f}")
    lines = [
        f"servers started at once:         {len(rows)}",
        f"time to ready (s):               {stats([r['ready_s'] for r in rows])}",
        f"lesson wall time (s):            {stats([r['lesson_s'] for r in rows])}",
        f"server memory, RSS (MiB):        {stats([r['server']['rss_mib'] for r in rows])}",
        f"server memory, PSS (MiB):        {stats([r['server']['pss_mib'] for r in rows])}",
    ]
    if rows and "with_kernel" in rows[0]:
        lines += [
            f"server + kernel, RSS (MiB):      {stats([r['with_kernel']['rss_mib'] for r in rows])}",
            f"server + kernel, PSS (MiB):      {stats([r['with_kernel']['pss_mib'] for r in rows])}",
        ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--lesson", default="01_receptor_binding.ipynb")
    args = ap.parse_args(argv)
    if os.geteuid() != 0:   # make bench runs every benchmark: say why, and do not fail it
        print("bench_hub.py skipped: it needs root (it creates Unix accounts and runs a hub)")
        return
    cls = LoopbackClass(args.students)
    try:
        cls.setup()
        cls.start_hub()
        for key, value in cls.timings.items():
            print(f"{key + ' (s):':33s}{value:6.1f}")
        rows = measure_class(cls, cls.students, args.lesson)
        print(summarize(rows))
        total = sum(r["with_kernel"]["pss_mib"] for r in rows)
        print(f"sum over students, server + kernel, PSS (MiB): {total:7.0f}")
    finally:
        cls.close()


if __name__ == "__main__":
    main()
