"""Errors in plain words: one translation layer from what the engine reports about a failed node
(its error type and one-line message) to one sentence in the UI language that says what to do.

The engine's message stays the technical detail, one click away ("Details…"). The engine's
wording is the contract read here: the knowledge base store says "knowledge base 'NAME' does not
exist", the LLM runtime "no API key for PROVIDER", studio.runtime.http_client "could not connect
to ... URL: reason", the file loaders "... is outside the allowed folders". Parsing the message
(rather than an extra field on the event) means stored run records, read back from history, are
explained the same way as a live run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

translate = QCoreApplication.translate

# Provider ids (as litellm and the model names spell them) -> the names people know them by.
PROVIDER_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Google Gemini",
    "google": "Google Gemini",
    "vertex_ai": "Google Vertex AI",
    "mistral": "Mistral",
    "groq": "Groq",
    "cohere": "Cohere",
    "deepseek": "DeepSeek",
    "openrouter": "OpenRouter",
    "together_ai": "Together AI",
    "azure": "Azure OpenAI",
    "dashscope": "DashScope (Qwen)",
    "moonshot": "Moonshot",
    "xai": "xAI",
}

_KB_MISSING = re.compile(r"knowledge base '([^']+)' does not exist")
_KB_UNNAMED = re.compile(r"no knowledge base named")
_MISSING_KEY = re.compile(r"no API key for ([\w.-]+)")
_UNREACHABLE = re.compile(r"could not connect to (?:.*? at )?(\S+?):\s")
_OUTSIDE = re.compile(
    r"^(?:setting '\w+': )?(.+?) (?:\(which resolves to .+?\) )?is outside the allowed folders"
)
_MODEL_FILE = re.compile(r"local model file not found: (.+?)\. ")
_UPSTREAM = re.compile(r"upstream node (.+) (?:failed|cancelled)$")
_SETTING = re.compile(r"^setting '(\w+)'")
_BAD_JSON = re.compile(r"not valid JSON|no JSON object or array found")
TIMEOUT_TYPES = {"NodeTimeout", "LLMTimeout", "TimeoutError", "EgressTimeout", "KBLockTimeout"}


@dataclass(frozen=True)
class ErrorText:
    """A node failure for people: `sentence` says what happened and what to do (UI language),
    `details` is the engine's technical text, `field` the setting at fault when one is known."""

    kind: str
    sentence: str
    details: str
    field: str | None = None


def provider_name(provider: str) -> str:
    """A provider's everyday name ("openai" -> "OpenAI")."""
    return PROVIDER_NAMES.get(provider.lower(), provider[:1].upper() + provider[1:])


def _sentence_case(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "。")) else text + "."


def explain(message: str, error_type: str = "", *, upstream: str = "") -> ErrorText:
    """The plain sentence for a node's error message (and its exception type name); `upstream`
    is the title of the node whose failure stopped this one, when the caller knows it."""
    plain_types = ("", "NodeError", "Error")
    details = message if error_type in plain_types else f"{error_type}: {message}"
    setting = _SETTING.match(message)
    field = setting.group(1) if setting else None
    if error_type == "UpstreamFailed" or message.startswith("not run: upstream"):
        found = _UPSTREAM.search(message)
        upstream = upstream or (found.group(1) if found else "?")
        return ErrorText(
            "not_run",
            translate("ErrorText", "Not run, because %s did not finish. Fix that node first.") % upstream,
            message,
        )
    if error_type == "Cancelled":
        return ErrorText("cancelled", translate("ErrorText", "Not finished: the run was stopped."), message)
    if found := _KB_MISSING.search(message):
        return ErrorText(
            "kb_missing",
            translate(
                "ErrorText",
                "The knowledge base “%s” does not exist. Create it on the Knowledge page, or pick "
                "an existing one in this node's settings.",
            )
            % found.group(1),
            details,
            field or "kb",
        )
    if _KB_UNNAMED.search(message):
        return ErrorText(
            "kb_unnamed",
            translate("ErrorText", "No knowledge base is chosen. Pick one in this node's “kb” setting."),
            details,
            "kb",
        )
    if error_type == "MissingApiKey" or _MISSING_KEY.search(message):
        found = _MISSING_KEY.search(message)
        sentence = (
            translate("ErrorText", "Add your %s key in Settings → Models.") % provider_name(found.group(1))
            if found
            else translate("ErrorText", "Add this provider's API key in Settings → Models.")
        )
        return ErrorText("missing_key", sentence, details, "model")
    if found := _UNREACHABLE.search(message):
        return ErrorText(
            "unreachable",
            translate(
                "ErrorText",
                "Could not reach the server at %s. Check that it is running and that the address is right.",
            )
            % found.group(1),
            details,
            field,
        )
    if found := _OUTSIDE.search(message):
        path = found.group(1).strip("'\"")
        return ErrorText(
            "outside_folders",
            translate(
                "ErrorText",
                "%s is outside the allowed folders. Add its folder to the allowed folders in "
                "Settings, or pick the file in a file dialog.",
            )
            % path,
            details,
            field,
        )
    if found := _MODEL_FILE.search(message):
        return ErrorText(
            "model_missing",
            translate(
                "ErrorText",
                "The model file %s was not found. Pick an installed model in this node's settings.",
            )
            % found.group(1),
            details,
            "model",
        )
    if error_type in TIMEOUT_TYPES or "time limit" in message:
        return ErrorText(
            "timeout",
            translate(
                "ErrorText",
                "This node took too long. Try again, or raise its time limit in the node's settings.",
            ),
            details,
            field,
        )
    if error_type == "InvalidJSONOutput":
        return ErrorText(
            "invalid_json",
            translate(
                "ErrorText",
                "The model's reply was not the JSON asked for. Try again, use a larger model, or "
                "loosen the schema.",
            ),
            details,
            field,
        )
    if _BAD_JSON.search(message) and error_type != "InvalidJSONOutput":
        return ErrorText(
            "bad_json",
            translate(
                "ErrorText",
                "The text this node was given is not valid JSON. Check what comes into it, or turn "
                "off “strict” in its settings to get the problem on its “error” output instead.",
            ),
            details,
            field,
        )
    if error_type not in plain_types and message.startswith(f"{error_type}:"):
        # Not one of the node's own messages but an exception from inside it: no Python text.
        return ErrorText(
            "internal",
            translate("ErrorText", "This node stopped on an unexpected error. Details… shows what happened."),
            details,
            field,
        )
    # A node's own NodeError message already names the setting or input and what is wrong; it is
    # English, so another UI language says in its own words where to look, the message one click
    # away under Details….
    if _translated_ui():
        sentence = (
            translate("ErrorText", "The setting “%s” of this node needs fixing: Details… says why.") % field
            if field
            else translate("ErrorText", "This node could not do its job: Details… says why.")
        )
        return ErrorText("node", sentence, details, field)
    return ErrorText("node", _sentence_case(message), details, field)


def _translated_ui() -> bool:
    """Whether the UI runs in another language than English (a translation answers)."""
    return translate("ErrorText", "Details…") != "Details…"


def failure_line(node: str, text: ErrorText) -> str:
    """ "NODE failed: SENTENCE" for the status bar and the Output panel's header."""
    return translate("ErrorText", "%s failed: %s") % (node, text.sentence)


class DetailsDialog(QDialog):
    """A message in full with its technical text below it (read-only, selectable)."""

    def __init__(self, title: str, sentence: str, details: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.sentence = QLabel(sentence, self)
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details, self)
        self.details.setReadOnly(True)
        self.details.setVisible(bool(details) and details != sentence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(560, 320 if self.details.isVisible() else 160)


def details_button(parent: QWidget) -> QPushButton:
    """The "Details…" button, translated."""
    button = QPushButton(translate("ErrorText", "Details…"), parent)
    button.setToolTip(translate("ErrorText", "Show the technical text of this error"))
    return button
