"""Document loaders: a file (text, Markdown, PDF, HTML, JSON, CSV, DOCX) or a whole folder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nodes.rag_common import allowed_roots, input_path
from studio.engine.context import RunContext
from studio.engine.errors import NodeError
from studio.engine.node import Node, NodeConfig, Port, PortType, setting
from studio.runtime.knowledge.documents import DocumentError, check_allowed, load_file, load_folder

__all__ = ["FolderLoaderNode", "LoadFileNode"]

_ALLOWED_HELP = (
    "Folders files may be read from (relative to the flow file). Empty: the flow's folder and "
    "the folders the app allows. Paths are resolved, symlinks included, before the check."
)


class LoadFileNode(Node):
    """Load one document file."""

    type = "loaders.file"
    version = 1
    title = "Load File"
    category = "Documents"
    description = (
        "Reads a text, Markdown, PDF (one document per page), HTML, JSON, CSV or DOCX file into "
        "documents with their source (and page) for citations."
    )
    inputs = (Port("path", PortType.TEXT, "The file (overrides the setting).", required=False),)
    outputs = (Port("documents", PortType.DOCUMENTS, "The file's text with source metadata."),)
    deterministic = False  # the file can change on disk while the settings stay the same

    class Config(NodeConfig):
        path: str = setting("", widget="file", description="The file to load (relative to the flow file).")
        json_text_path: str = setting(
            "$",
            description="JSON files: where the text is, e.g. 'articles[*].body' ('$': all of it as JSON).",
        )
        csv_column: str | None = setting(
            None,
            description="CSV files: the column holding the text (none: every column as 'name: value' lines).",
        )
        csv_template: str | None = setting(
            None, description="CSV files: a row template such as '{question}: {answer}'."
        )
        allowed_folders: list[str] = setting([], advanced=True, description=_ALLOWED_HELP)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: LoadFileNode.Config = self.config  # type: ignore[assignment]
        path = input_path(inputs.get("path"), config.path, ctx, "path", "path")
        options: dict[str, Any] = {}
        suffix = path.suffix.lower()
        if suffix in (".json", ".jsonl"):
            options["text_path"] = config.json_text_path
        elif suffix in (".csv", ".tsv"):
            options = {"column": config.csv_column, "template": config.csv_template}
        try:
            resolved = check_allowed(path, allowed_roots(ctx, config.allowed_folders))
            documents = list(load_file(resolved, source=path.name, **options))
        except DocumentError as exc:
            raise NodeError(str(exc)) from exc
        return {"documents": documents}


class FolderLoaderNode(Node):
    """Load every matching file in a folder; unreadable files are reported, not fatal."""

    type = "loaders.folder"
    version = 1
    title = "Load Folder"
    category = "Documents"
    description = (
        "Reads every supported file under a folder that matches the patterns. A file that "
        "cannot be read is skipped with a trace event and listed on the 'errors' output."
    )
    inputs = (Port("folder", PortType.TEXT, "The folder (overrides the setting).", required=False),)
    outputs = (
        Port("documents", PortType.DOCUMENTS, "Documents of every file that loaded."),
        Port("errors", PortType.JSON, "Files skipped, with the reason: [{source, error}]."),
    )
    deterministic = False  # files change on disk while the settings stay the same

    class Config(NodeConfig):
        folder: str = setting("", widget="folder", description="The folder (relative to the flow file).")
        patterns: list[str] = setting(
            ["**/*"], description="Glob patterns of files to load, e.g. '**/*.md', '*.pdf'."
        )
        exclude: list[str] = setting([], description="Glob patterns of files to leave out.")
        recursive: bool = setting(True, description="Look into sub-folders.")
        allowed_folders: list[str] = setting([], advanced=True, description=_ALLOWED_HELP)

    def run(self, inputs: Mapping[str, Any], ctx: RunContext) -> dict[str, Any]:
        config: FolderLoaderNode.Config = self.config  # type: ignore[assignment]
        folder = input_path(inputs.get("folder"), config.folder, ctx, "folder", "folder")
        errors: list[dict[str, str]] = []

        def report(source: str, message: str) -> None:
            errors.append({"source": source, "error": message})
            ctx.trace("skipped file", {"source": source, "error": message})

        documents = []
        try:
            for document in load_folder(
                folder,
                patterns=config.patterns or ["**/*"],
                exclude=config.exclude,
                allowed_roots=allowed_roots(ctx, config.allowed_folders),
                recursive=config.recursive,
                on_error=report,
            ):
                documents.append(document)
                ctx.raise_if_cancelled()
        except DocumentError as exc:
            raise NodeError(f"setting 'folder': {exc}") from exc
        ctx.trace("loaded", {"documents": len(documents), "skipped": len(errors)})
        return {"documents": documents, "errors": errors}
