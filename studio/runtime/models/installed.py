"""The chat models on this machine: the built-in one, files pulled from the hub and files added by
hand (`studio models add`), all `.gguf` files in the models folder; adding validates the file, and a
model too big for the free memory gets a warning before it is loaded."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from studio.runtime.llm.local import builtin_model_path, list_local_models, models_folder
from studio.runtime.llm.types import BUILTIN_MODEL
from studio.runtime.models.catalogue import ChatEntry, chat_entry, format_size
from studio.runtime.models.gguf import GGUFError, read_header

# Where downloads and copies are written before they are complete: a hidden folder inside the
# models folder (same file system, so the final move is atomic), never listed as a model.
STAGING_DIR = ".downloads"
# Loading needs the weights plus the context and scratch buffers: about a fifth more, measured
# roughly on SmolLM2 and Qwen2.5 at a 2k context.
_LOAD_OVERHEAD = 1.2


class ModelError(ValueError):
    """A model operation a user asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class InstalledModel:
    """One chat model on this machine."""

    model: str  # the model string for LLM nodes ("local/qwen2.5-1.5b-instruct")
    path: Path
    size_bytes: int
    builtin: bool = False
    entry: ChatEntry | None = None

    @property
    def name(self) -> str:
        """The short name (`studio models rm NAME`)."""
        return self.model.removeprefix("local/")

    @property
    def title(self) -> str:
        """The catalogue title where there is one, else the name."""
        return self.entry.title if self.entry else self.name


def staging_folder(folder: Path | None = None) -> Path:
    """The hidden folder where partial downloads wait (created on demand)."""
    path = (folder or models_folder()) / STAGING_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def list_installed(folder: Path | None = None) -> list[InstalledModel]:
    """The built-in model (when its package is installed), then every .gguf in the models folder."""
    folder = models_folder() if folder is None else folder
    models: list[InstalledModel] = []
    for model in list_local_models(folder):
        try:
            path = (
                builtin_model_path() if model == BUILTIN_MODEL else folder / f"{model[len('local/') :]}.gguf"
            )
            size = path.stat().st_size
        except (OSError, LookupError):
            continue
        models.append(
            InstalledModel(model, path, size, builtin=model == BUILTIN_MODEL, entry=chat_entry(model))
        )
    return models


def find_installed(name: str, folder: Path | None = None) -> InstalledModel | None:
    """The installed model called `name` ("qwen2.5-1.5b-instruct" or "local/..."), or None."""
    wanted = name.strip().removesuffix(".gguf").lower()
    for model in list_installed(folder):
        if wanted in {model.name.lower(), model.model.lower()}:
            return model
    return None


def validate_gguf(path: Path) -> None:
    """Raise ModelError saying why `path` is not a whole GGUF model."""
    if not path.is_file():
        raise ModelError(f"{path} is not a file; give the path of a .gguf model file")
    try:
        read_header(path)
    except GGUFError as exc:
        raise ModelError(f"{path.name} cannot be used as a model: {exc}") from exc


def add(path: Path, *, name: str | None = None, folder: Path | None = None) -> InstalledModel:
    """Copy a GGUF file (checked first) into the models folder; refuses with why."""
    path = path.expanduser()
    validate_gguf(path)
    folder = models_folder() if folder is None else folder
    stem = (name or path.stem).strip().removesuffix(".gguf")
    if not stem or "/" in stem or stem.startswith("."):
        raise ModelError(f"{stem!r} cannot be a model name; use letters, digits, '.', '-' or '_'")
    target = folder / f"{stem}.gguf"
    if target.exists():
        if target.resolve() == path.resolve():
            raise ModelError(f"{path.name} is already in the models folder {folder}")
        raise ModelError(
            f"a model called {stem} is already installed; remove it first or add with another name"
        )
    size = path.stat().st_size
    free = shutil.disk_usage(folder if folder.exists() else folder.parent).free
    if size > free:
        raise ModelError(
            f"not enough disk space in {folder} for {path.name}: it needs {format_size(size)}, "
            f"{format_size(free)} is free"
        )
    partial = staging_folder(folder) / f"{stem}.{uuid.uuid4().hex[:8]}.copy"
    try:
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelError(f"could not copy {path.name} into {folder}: {exc.strerror or exc}") from exc
    return InstalledModel(f"local/{stem}", target, size, entry=chat_entry(stem))


def remove(name: str, folder: Path | None = None) -> InstalledModel:
    """Delete an installed model's file (never the built-in one); ModelError when unknown."""
    model = find_installed(name, folder)
    if model is None:
        names = ", ".join(m.name for m in list_installed(folder)) or "none"
        raise ModelError(f"no installed model called {name!r} (installed: {names})")
    if model.builtin:
        raise ModelError("the built-in model ships with Chain Studio and cannot be removed")
    model.path.unlink(missing_ok=True)
    from studio.runtime.llm.local import forget_model

    forget_model(model.path)
    return model


def available_memory() -> int | None:
    """Bytes of memory free for a new model (psutil when installed, else /proc/meminfo)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def memory_warning(path: Path, free: int | None = None) -> str | None:
    """A sentence warning that the model will not fit in free memory, or None when it fits."""
    free = available_memory() if free is None else free
    try:
        needed = int(path.stat().st_size * _LOAD_OVERHEAD)
    except OSError:
        return None
    if free is None or needed <= free:
        return None
    return (
        f"{path.name} needs about {format_size(needed)} of memory but only {format_size(free)} is "
        f"free: loading it may make this computer very slow; close other programs or pick a smaller "
        f"model"
    )
