"""The entry script of the bundled executables (`chain-studio`, the Studio, and `studio`, the CLI).

PyInstaller builds both executables from this one script (packaging/chain_studio.spec); which one
runs is decided by the executable's name, so `/usr/bin/chain-studio -> /opt/chain-studio/chain-studio`
opens the Studio and `studio ...` runs the CLI. It also runs unfrozen, from the venv
(`python packaging/launcher.py ...`), which is what the bundle benchmark compares against.

Hidden options, for tests and benchmarks (not shown in any help):
- `--screenshot PATH`: open the Studio, paint the window once, save it as PNG and exit (0, or 1
  when the image could not be written);
- `--bundle-check`: import the heavy libraries the bundle must carry and use each once, offline,
  printing one JSON object (exit 0 when all of them work).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

GUI_NAME = "chain-studio"


def _prepare_environment() -> None:
    """Settings every run of the bundle needs, before anything heavy is imported."""
    # litellm would otherwise fetch its model price map from GitHub on import.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # A user's PYTHONPATH or site-packages must not leak into the frozen app's imports.
    os.environ.pop("PYTHONPATH", None)
    # Qt wants a UTF-8 locale and warns under a bare "C" one (a desktop launcher with an empty
    # environment); C.UTF-8 exists on every current Linux.
    if sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("LC_ALL", "LC_CTYPE", "LANG")
    ):
        os.environ["LC_CTYPE"] = "C.UTF-8"


def _is_gui(argv: list[str]) -> bool:
    """The Studio when the executable is called chain-studio (or `--gui` is given unfrozen)."""
    if "--gui" in argv:
        return True
    exe = sys.executable if getattr(sys, "frozen", False) else sys.argv[0]
    return Path(exe).name.lower().removesuffix(".exe") == GUI_NAME


def screenshot(path: Path, files: list[str]) -> int:
    """Open the Studio offscreen or on screen, let it paint once, save the window as PNG, exit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.gui.app import create_window

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else GUI_NAME])
    app.setApplicationName("Chain Studio")
    app.setOrganizationName("Chain Studio")
    window = create_window(files)
    window.resize(1280, 800)
    window.show()
    status = {"code": 1}

    def capture() -> None:
        # After one turn of the event loop the window has been laid out and painted.
        image = window.grab().toImage()
        if not image.isNull() and image.save(str(path), "PNG"):
            status["code"] = 0
        else:
            print(f"could not write the screenshot to {path}", file=sys.stderr)
        app.quit()

    QTimer.singleShot(0, capture)
    app.exec()
    return status["code"]


def bundle_check() -> int:
    """Use each heavy library once, offline; print what worked as JSON."""
    results: dict[str, str] = {}

    def attempt(name: str, check: object) -> None:
        try:
            results[name] = str(check())  # type: ignore[operator]
        except Exception as error:  # the report names what is missing from the bundle
            results[name] = f"FAILED: {type(error).__name__}: {error}"

    def litellm_tokens() -> int:
        import litellm

        return int(litellm.token_counter(model="gpt-4o-mini", text="tea, green and black"))

    def litellm_mock() -> str:
        import litellm

        reply = litellm.completion(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "hi"}],
            mock_response="ok",
        )
        return str(reply.choices[0].message.content)

    def tiktoken_encode() -> int:
        import tiktoken

        return len(tiktoken.get_encoding("cl100k_base").encode("tea, green and black"))

    def jieba_cut() -> str:
        import jieba

        return "/".join(jieba.lcut("如何重置密码"))

    def registry() -> str:
        from studio.engine.registry import load_entry_points

        found = load_entry_points()
        if found.broken:
            raise RuntimeError(f"broken node plug-ins: {found.broken}")
        return f"{len(found)} node types"

    def llama() -> str:
        import llama_cpp

        return str(llama_cpp.__version__)

    def onnx() -> str:
        import onnxruntime

        return ",".join(onnxruntime.get_available_providers())

    def arrow_lance() -> str:
        import lancedb
        import pyarrow
        import tantivy

        return f"pyarrow {pyarrow.__version__}, lancedb {lancedb.__version__}, tantivy {tantivy.__name__}"

    def ray_absent() -> str:
        try:
            import ray  # noqa: F401
        except ImportError:
            return "not bundled"
        raise RuntimeError("ray is bundled but should not be")

    for name, check in (
        ("registry", registry),
        ("litellm_token_counter", litellm_tokens),
        ("litellm_mock_completion", litellm_mock),
        ("tiktoken_cl100k", tiktoken_encode),
        ("jieba", jieba_cut),
        ("llama_cpp", llama),
        ("onnxruntime", onnx),
        ("pyarrow_lancedb_tantivy", arrow_lance),
        ("ray", ray_absent),
    ):
        attempt(name, check)
    print(json.dumps(results, ensure_ascii=False))
    return 1 if any(value.startswith("FAILED") for value in results.values()) else 0


def main() -> int:
    """Dispatch to the Studio, the CLI or one of the hidden test options."""
    _prepare_environment()
    argv = sys.argv[1:]
    if "--bundle-check" in argv:
        return bundle_check()
    if "--screenshot" in argv:
        at = argv.index("--screenshot")
        if at + 1 >= len(argv):
            print("--screenshot needs a file name (a .png to write)", file=sys.stderr)
            return 2
        target = Path(argv[at + 1])
        files = [a for i, a in enumerate(argv) if i not in (at, at + 1) and a != "--gui"]
        return screenshot(target, files)
    if _is_gui(argv):
        from studio.gui.app import main as gui_main

        return gui_main([a for a in argv if a != "--gui"])
    from studio.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # multiprocessing children of a frozen app re-enter here (spawn start method).
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
