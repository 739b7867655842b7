"""The HTTP service under load, next to a FastAPI app that answers a constant JSON.

Starts ``rehabgraph serve`` (1 and 2 workers) and the constant app, each with the same uvicorn,
and drives POST /recommend (a screened one-site report) with wrk, a real load generator, at
concurrency 1, 8 and 32: throughput and p50/p99 latency, side by side, and the ratios against
the goals (at least 0.9x the constant app; p99 under 10 ms at concurrency 8).

    python benchmarks/http_load.py [--seconds 10] [--out benchmarks/http_load.json]

Needs wrk (Debian: apt-get install wrk) and rehabgraph[server].
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # phases.py sits beside this script
from phases import Phase

CONSTANT_APP = """
from fastapi import FastAPI
app = FastAPI()
ANSWER = {"status": "exercise", "exercises": [{"exercise_id": "glute-squeeze"}]}

@app.post("/recommend")
async def recommend() -> dict:
    return ANSWER

@app.get("/health")
def health() -> dict:
    return {"status": "ok"}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _report() -> dict[str, Any]:
    import rehabgraph

    recommender = rehabgraph.Recommender.default()
    report: dict[str, Any] = {"sites": [{"location": "outer knee", "side": "right"}]}
    report["answers"] = {q.id: False for q in recommender.screening(report)}
    return report


def _wrk(url: str, body: str, connections: int, seconds: int) -> dict[str, float]:
    script = textwrap.dedent(
        f"""
        wrk.method = "POST"
        wrk.body = {json.dumps(body)}
        wrk.headers["Content-Type"] = "application/json"
        """
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    threads = min(connections, 2)
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            f.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(f.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if m is None:
            raise RuntimeError(f"no {p}th percentile in wrk's output:\n{out}")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale

    return {
        "rps": rps,
        "p50_ms": pct("50"),
        "p99_ms": pct("99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def _serve(cmd: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/health")
    return proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("http_load.json"))
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    body = json.dumps(_report())
    env = {**os.environ, "REHABGRAPH_CACHE": os.environ.get("REHABGRAPH_CACHE", "on")}
    tmp = Path(tempfile.mkdtemp())
    (tmp / "constant_app.py").write_text(CONSTANT_APP)
    results: dict[str, Any] = {"seconds": args.seconds, "cores": os.cpu_count(), "runs": {}}
    with Phase(
        f"wrk against rehabgraph and the constant app: 1 and 2 workers, concurrency 1, 8 and "
        f"32, {args.seconds} s each",
        12,
        unit="runs",
    ) as phase:
        for workers in (1, 2):
            _runs(
                workers,
                body=body,
                env=env,
                tmp=tmp,
                seconds=args.seconds,
                results=results,
                step=phase.step,
            )
    _table(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten: {args.out}")
    return 0


def _runs(  # noqa: PLR0913 - one worker count's runs, with where they go
    workers: int,
    *,
    body: str,
    env: dict[str, str],
    tmp: Path,
    seconds: int,
    results: dict[str, Any],
    step: Callable[[], None],
) -> None:
    """Both apps on ``workers`` workers, driven at each concurrency, alternating."""
    port_r, port_c = _free_port(), _free_port()
    ours = _serve(
        [
            sys.executable,
            "-m",
            "rehabgraph",
            "serve",
            "--port",
            str(port_r),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        port_r,
        env,
    )
    constant = _serve(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "constant_app:app",
            "--port",
            str(port_c),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            "--app-dir",
            str(tmp),
        ],
        port_c,
        env,
    )
    try:
        for connections in (1, 8, 32):
            # side by side, alternating, so the machine's noise falls on both
            for name, port in (("rehabgraph", port_r), ("constant", port_c)):
                key = f"{name}, {workers} worker{'s' if workers > 1 else ''}, c={connections}"
                results["runs"][key] = _wrk(
                    f"http://127.0.0.1:{port}/recommend", body, connections, seconds
                )
                step()
    finally:
        for proc in (ours, constant):
            proc.terminate()
            proc.wait(timeout=30)


def _table(results: dict[str, Any]) -> None:
    print(f"\n{'run':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}")
    for key, r in results["runs"].items():
        ratio = ""
        if key.startswith("rehabgraph"):
            other = results["runs"][key.replace("rehabgraph", "constant")]
            r["ratio_to_constant"] = r["rps"] / other["rps"]
            ratio = f"{r['ratio_to_constant']:.2f}x"
        print(f"{key:<34}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{ratio:>8}")


if __name__ == "__main__":
    raise SystemExit(main())
