"""Pull throughput: a 100 MB file from the loopback hub stand-in through `studio models pull`
against huggingface_hub's own CLI (`hf download`) of the same file, and a resume after a kill at
50 %. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/pull_bench.py [--mb 100]
"""

from __future__ import annotations

import argparse
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.hf_hub import FakeHub  # noqa: E402

BIN = Path(sys.executable).parent


def fake_gguf(path: Path, megabytes: int) -> None:
    """A GGUF file with one F32 tensor filling `megabytes` (valid header, random-ish data)."""
    floats = megabytes * 1024 * 1024 // 4
    name = b"blob"
    header = b"GGUF" + struct.pack("<IQQ", 3, 1, 0)
    header += struct.pack("<Q", len(name)) + name + struct.pack("<IQIQ", 1, floats, 0, 0)
    header += b"\0" * ((-len(header)) % 32)
    with path.open("wb") as out:
        out.write(header)
        block = os.urandom(1024 * 1024)
        for _ in range(megabytes):
            out.write(block)


def run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "big.gguf"
        fake_gguf(source, args.mb)
        size = source.stat().st_size
        with FakeHub({"bench/big": {"big.gguf": source}}) as hub:
            env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                   "LITELLM_LOCAL_MODEL_COST_MAP": "True", "HF_HUB_DISABLE_TELEMETRY": "1"}  # fmt: skip
            studio_times, hf_times = [], []
            for i in range(3):
                env["CHAIN_STUDIO_HOME"] = str(tmp / f"home{i}")
                studio_times.append(
                    run([str(BIN / "studio"), "models", "pull", "-q", "hf:bench/big/big.gguf"], env)
                )
                hf_times.append(
                    run(
                        [
                            str(BIN / "hf"),
                            "download",
                            "bench/big",
                            "big.gguf",
                            "--local-dir",
                            str(tmp / f"hf{i}"),
                        ],
                        env,
                    )
                )
            best_s, best_h = min(studio_times), min(hf_times)
            print(f"file {size / 1e6:.0f} MB from {hub.url}")
            runs_s = ", ".join(f"{t:.2f}" for t in studio_times)
            runs_h = ", ".join(f"{t:.2f}" for t in hf_times)
            print(f"studio models pull: best {best_s:.2f} s = {size / 1e6 / best_s:.0f} MB/s (runs {runs_s})")
            print(f"hf download:        best {best_h:.2f} s = {size / 1e6 / best_h:.0f} MB/s (runs {runs_h})")
            print(f"ratio studio/hf: {best_s / best_h:.2f}x (target <= 1.1x; both include process start-up)")
            # The same in this process (no start-up cost): the download paths themselves.
            os.environ.update({"HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_PROGRESS_BARS": "1"})
            from huggingface_hub import hf_hub_download

            from studio.runtime.models.downloads import pull

            inner_s, inner_h = [], []
            for i in range(3):
                start = time.perf_counter()
                pull("hf:bench/big/big.gguf", folder=tmp / f"in{i}")
                inner_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                hf_hub_download("bench/big", "big.gguf", local_dir=tmp / f"inhf{i}", endpoint=hub.url)
                inner_h.append(time.perf_counter() - start)
            print(
                f"in process: pull() best {min(inner_s):.2f} s, hf_hub_download() best {min(inner_h):.2f} s: "
                f"{min(inner_s) / min(inner_h):.2f}x"
            )
            # Resume after a kill at 50 %.
            hub.delay_s = 0.02
            env["CHAIN_STUDIO_HOME"] = str(tmp / "resume")
            part = tmp / "resume" / "models" / ".downloads" / "big.gguf.part"
            pull_cmd = [str(BIN / "studio"), "models", "pull", "-q", "hf:bench/big/big.gguf"]
            proc = subprocess.Popen(pull_cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not (part.exists() and part.stat().st_size >= size // 2) and proc.poll() is None:
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            done = part.stat().st_size if part.exists() else 0
            hub.delay_s = 0.0
            hub.requests.clear()
            took = run([str(BIN / "studio"), "models", "pull", "-q", "hf:bench/big/big.gguf"], env)
            ranges = [r.range for r in hub.requests if r.method == "GET" and r.range]
            final = tmp / "resume" / "models" / "big.gguf"
            ok = final.exists() and final.stat().st_size == size
            print(
                f"resume after kill at {100 * done / size:.0f}%: {took:.2f} s, Range {ranges}, complete={ok}"
            )


if __name__ == "__main__":
    main()
