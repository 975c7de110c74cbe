"""In 简体中文 no visible string is left in English: the window (menus, toolbar, docks, status bar,
start page), the canvas (node titles, port labels and tips, right-click menus, node docs, the find
bar), and every dialog and page that exists (Settings, the shortcut sheet, the run input dialog,
the Knowledge page, the Models page, the API dialog, the Evaluate panel, the human input panel:
those of other parts are looked up by module and included when present).

What may stay in Latin letters: product and model names, file names, code and ids, URLs, keys and
the words the brief allows (LLM, JSON, API, Token, MCP ...)."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QTabBar,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from studio.engine.registry import default_registry
from studio.gui import i18n
from studio.gui.context_menus import node_docs_html
from studio.gui.start_page import templates_dir

# Words that are the same in a Chinese UI: names, abbreviations, key names.
_NAMES = """
    LLM LLMs JSON JSONL API APIs Token Tokens MCP URL HTTP HTTPS SQL CSV PDF HTML DOCX XML YAML
    RAG HyDE MMR BM25 ONNX GGUF Ollama LM Studio OpenAI Anthropic Gemini Mistral Groq DeepSeek
    SmolLM2 SmolLM Qwen Llama MiniLM LanceDB fastembed jieba Jinja Jinja2 Python Markdown
    Chain Ctrl Shift Alt Tab Esc Del Backspace PgUp PgDown
    KB ID UUID TopK OK GPU CPU MB GB ms ReAct Ray Langflow Dify Rivet Linux Windows macOS
    stdio SSE Streamable Bearer OTLP OpenTelemetry Hugging Face HuggingFace Hub Google OpenRouter Apache
"""
ALLOWED_WORDS = set(_NAMES.split())
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Spans that are code, names or data, not prose: removed before looking for English words.
NOT_PROSE = [
    re.compile(r"[\w.+-]*\d[\w.+-]*"),  # versions, sizes, model ids: gpt-4o, all-minilm-l6-v2, F5
    re.compile(r"`[^`]*`"),  # code
    re.compile(r"https?://\S+|\b[\w.-]+@[\w.-]+"),  # URLs, addresses
    re.compile(r"\{\{?[^{}]*\}?\}"),  # template variables
    re.compile(r"[\w.~/\\-]*[/\\][\w.~/\\-]*"),  # paths
    re.compile(r"\b[\w-]+\.(json|jsonl|csv|txt|md|pdf|html|docx|gguf|py|qm|png|sqlite)\b", re.I),
    re.compile(r"\b\w*[_.:]\w*[\w.:-]*"),  # identifiers: io.text_input, max_tokens, provider:model
    re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b"),  # constants, env names: OPENAI_API_KEY
    re.compile(r"\b[A-Z][\w. -]*(?:License|Terms of Use)\b"),  # licence names are proper names
    re.compile(r"<[^>]+>|&\w+;"),  # markup
]


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|'[^']*'|\"[^\"]*\"")  # a name quoted in a sentence


def english_words(text: str) -> list[str]:
    """The English prose words in a visible text (empty when it reads as Chinese or as names).
    A Chinese sentence may name a setting or a library in Latin letters; two English words in a
    row in it are an untranslated phrase."""
    text = re.sub(r"\(&\w\)|&(?=\w)", "", text)  # mnemonics
    chinese = bool(CJK.search(text))
    if chinese:
        text = QUOTED.sub(" ", text)
    for pattern in NOT_PROSE:
        text = pattern.sub(" ", text)
    if chinese:
        phrases = re.findall(r"[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+)+", text)
        return [p for p in phrases if sum(w not in ALLOWED_WORDS for w in WORD.findall(p)) >= 2]
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS and len(w) > 1]


def _is_json(text: str) -> bool:
    import json

    if not text.strip().startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


class Collector:
    """Visible strings and where they were seen."""

    def __init__(self, data: set[str]):
        self.data = data  # strings that come from the flows shown (user data, not the UI)
        self.found: dict[str, str] = {}

    def add(self, where: str, text: str | None) -> None:
        if not text or text in self.data or _is_json(text):  # JSON shown is data (inputs, values)
            return
        for line in text.splitlines():
            if line.strip() in self.data or line.strip().rstrip(" *:") in self.data or _is_json(line):
                continue
            if english_words(line):
                self.found.setdefault(line.strip(), where)

    def menu(self, where: str, menu: QMenu) -> None:
        self.add(where, menu.title())
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            self.add(where, action.text())
            self.add(
                where + " tip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""
            )
            self.add(where + " status tip", action.statusTip())
            if action.menu() is not None:
                self.menu(where + " > " + action.text(), action.menu())

    def widget(self, root: QWidget) -> None:
        """Every visible widget under `root` (and root itself)."""
        for w in [root, *root.findChildren(QWidget)]:
            if not w.isVisibleTo(root) and w is not root:
                continue
            name = f"{type(root).__name__}/{type(w).__name__}:{w.objectName()}"
            self.add(name + " tooltip", w.toolTip())
            if w.isWindow() or isinstance(w, QDockWidget):
                self.add(name + " title", w.windowTitle())
            if isinstance(w, (QLabel, QAbstractButton)):
                self.add(name, w.text())
            elif isinstance(w, QLineEdit):
                self.add(name + " placeholder", w.placeholderText())
            elif isinstance(w, QGroupBox):
                self.add(name, w.title())
            elif isinstance(w, QComboBox):
                for i in range(w.count()):
                    self.add(name + " item", w.itemText(i))
                    self.add(
                        name + " item tip", w.itemData(i, 3) if isinstance(w.itemData(i, 3), str) else ""
                    )
                if w.lineEdit() is not None:
                    self.add(name + " placeholder", w.lineEdit().placeholderText())
            elif isinstance(w, QTabBar):
                for i in range(w.count()):
                    self.add(name + " tab", w.tabText(i).rstrip(" •"))
                    self.add(name + " tab tip", w.tabToolTip(i))
            elif isinstance(w, QTreeWidget):
                header = w.headerItem()
                for c in range(w.columnCount()):
                    self.add(name + " header", header.text(c))
                stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
                while stack:
                    item = stack.pop()
                    for c in range(w.columnCount()):
                        self.add(name + " item", item.text(c))
                        self.add(name + " item tip", item.toolTip(c))
                    stack += [item.child(i) for i in range(item.childCount())]
            elif isinstance(w, QTableWidget):
                for c in range(w.columnCount()):
                    head = w.horizontalHeaderItem(c)
                    self.add(name + " header", head.text() if head else "")
                for r in range(w.rowCount()):
                    for c in range(w.columnCount()):
                        cell = w.item(r, c)
                        if cell is not None:
                            self.add(name + " cell", cell.text())
            elif isinstance(w, QListWidget):
                for i in range(w.count()):
                    self.add(name + " item", w.item(i).text())
                    self.add(name + " item tip", w.item(i).toolTip())


def _flow_data(paths: Iterable) -> set[str]:
    """Text that comes from the flow files shown: names users typed, prompt text, input names."""
    import json

    data: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            data.add(value)
            data.update(line.strip() for line in value.splitlines())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in paths:
        raw = json.loads(path.read_text(encoding="utf-8"))
        for node in raw.get("nodes", []):
            walk(node.get("config", {}))
    return data


def node_item_badge(item: object) -> str:
    """The run badge's text as drawn on the node."""
    return item._badge()[0]  # type: ignore[attr-defined]


# Dialogs and pages of other parts, by module and class; included when the module exists.
def _openers() -> list[tuple[str, Callable[[QWidget], QWidget]]]:
    def settings(window: QWidget) -> QWidget:
        return importlib.import_module("studio.gui.settings_dialog").SettingsDialog(window)

    def run_inputs(window: QWidget) -> QWidget:
        module = importlib.import_module("studio.gui.run_inputs_dialog")
        fields = [module.FlowInput(name="question", value="", required=True, description="")]
        return module.RunInputsDialog("basic_prompt", fields, window)

    openers = [("Settings", settings), ("Run inputs", run_inputs)]
    # Any other page or dialog class of the GUI that needs only its parent (Knowledge page, Models
    # page, API dialog, human input panel ... whatever exists now).
    skip = {"SettingsDialog", "RunInputsDialog", "ShortcutsDialog", "QuickAdd", "FindBar"}
    import pkgutil

    import studio.gui

    for info in sorted(pkgutil.iter_modules(studio.gui.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"studio.gui.{info.name}")
        for name, cls in vars(module).items():
            if not (inspect.isclass(cls) and cls.__module__ == module.__name__ and name not in skip):
                continue
            if not (issubclass(cls, QDialog) or name.endswith(("Page", "Panel", "Dialog"))):
                continue
            if not issubclass(cls, QWidget) or name in ("StartPage", "EvaluatePanel", "ChatPanel"):
                continue
            params = [
                p
                for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            ]
            if len(params) <= 1:
                openers.append(
                    (name, lambda window, cls=cls, params=params: cls(window) if params else cls())
                )
    return openers


@pytest.fixture
def zh_window(make_window, qtbot):
    """The window as the app makes it for a Chinese user: the language is set before it is built."""
    assert i18n.install_language("zh_CN")
    try:
        window = make_window(registry=default_registry())
        window.show()
        qtbot.waitExposed(window)
        assert window.palette_dock.windowTitle() == "节点"
        yield window
    finally:
        i18n.install_language("en")


def test_every_window_menu_dock_and_dialog_is_in_chinese(zh_window, qtbot):
    window = zh_window
    collector = Collector(set())
    # The start page: templates' names and descriptions, the buttons.
    window.show_start_page()
    collector.widget(window)
    for title in window.action_set.menus.values():
        collector.menu("menu", title)
    # Every template on the canvas: node titles, port labels and tips.
    templates = sorted(templates_dir().glob("*.json"))
    collector.data = _flow_data(templates)
    for path in templates:
        tab = window.open_path(path, as_copy=True)
        assert tab is not None
        for node_id, item in tab.scene.nodes.items():
            spec = tab.doc.node(node_id)
            own = {str(v) for v in spec.config.values() if isinstance(v, str)}
            collector.data |= own  # names typed into the flow are the user's, not the UI's
            collector.add(f"{path.name} node title", item.title)
            node_class = tab.doc.node_class(node_id)
            static = {p.name for p in (*node_class.inputs, *node_class.outputs)} if node_class else set()
            for port in (*item.inputs, *item.outputs):
                if port.name in static:
                    collector.add(f"{path.name} port", item.port_label(port))
                    collector.add(f"{path.name} port tip", item.port_tip(port))
        # Right-click menus and node docs of this flow.
        menus = window.canvas_menus
        first = next(iter(tab.scene.nodes))
        collector.menu("node menu", menus.build(tab, tab.scene.nodes[first].mapToScene(60, 12)))
        collector.menu("canvas menu", menus.build(tab, QPointF(-40000, -40000)))
        if tab.scene.edges:
            edge = next(iter(tab.scene.edges.values()))
            collector.menu("wire menu", menus.build(tab, edge.path().pointAtPercent(0.5)))
        docs = menus.show_docs(tab, first)
        if docs is not None:
            docs.close()
            html = node_docs_html(tab.doc.node_class(first), *tab.doc.ports(first))
            html = re.sub(r"<code>.*?</code>", " ", html)  # the ports' names in the file
            for line in re.split(r"</(?:li|p|h2|h3)>", html):
                collector.add("node docs", re.sub(r"<[^>]+>", " ", line))
    # A run that works and one that fails: badges, node errors, outputs and the status bar.
    tab = window.new_flow()
    doc = tab.doc
    source = doc.add_node("io.text_input", (0, 0), {"name": "question", "required": True})
    fmt = doc.add_node("text.format", (300, 0), {"template": "You asked: {q}"})
    out = doc.add_node("io.output", (600, 0), {"name": "answer"})
    doc.connect_ports(source, "text", fmt, "q")
    doc.connect_ports(fmt, "text", out, "value")
    bad = doc.add_node("parse.json", (300, 300), {"strict": True})
    doc.connect_ports(source, "text", bad, "text")
    collector.data |= {"You asked: why?", "why?"}
    for question in ("why?", "{not json"):
        with qtbot.waitSignal(window.runFinished, timeout=60_000):
            assert window.run_control.run_all({"question": question})
        collector.add("status bar", window.run_label.text())
        for node_id, item in tab.scene.nodes.items():
            collector.add("node badge", node_item_badge(item))
            collector.add(
                "node footer", item.footer if item.status in ("failed", "not_run", "skipped") else ""
            )
            tab.scene.select_nodes([node_id])
            collector.widget(window.outputs)
    window.edits.find_node()  # the find bar
    collector.widget(window.current_tab().find_bar)
    # Docks and panels, each raised in turn.
    for dock in window.findChildren(QDockWidget):
        dock.show()
        dock.raise_()
        collector.widget(dock)
    collector.widget(window.statusBar())
    window.action_set.by_name["shortcuts"].trigger()
    for sheet in window.findChildren(QDialog, "shortcuts-sheet"):
        collector.widget(sheet)
        sheet.close()
    opened = []
    for name, opener in _openers():
        widget = opener(window)
        qtbot.addWidget(widget) if widget.parent() is None else None
        widget.show()
        opened.append(name)
        collector.widget(widget)
        widget.close()
    assert "Settings" in opened and "Run inputs" in opened
    # Qt's own buttons come from Qt's translations.
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons()] == ["确定", "取消"]
    found = "\n".join(
        f"{where}: {text!r}" for text, where in sorted(collector.found.items(), key=lambda x: x[1])
    )
    assert not collector.found, f"{len(collector.found)} strings still in English:\n{found}"
    QApplication.processEvents()
