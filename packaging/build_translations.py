"""Refresh the Qt translation files: extract strings (pyside6-lupdate), fill them from the JSON
catalogue assets/i18n/<lang>.json, compile .qm (pyside6-lrelease, shipped with PySide6-Essentials).

A JSON value that is itself an object is a whole translation context written as is: "catalogue"
holds the node catalogue's titles, categories, descriptions and settings labels (they live in the
Qt-free nodes package, so lupdate cannot find them; studio/gui/i18n.py `catalogue_text` reads them).

Feature fragments `assets/i18n/<lang>.d/*.json` (same shape) are merged over the main catalogue.

Run: .venv/bin/python packaging/build_translations.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "assets" / "i18n"
LANGUAGES = ["zh_CN"]


def tool(name: str) -> str:
    """A PySide6 command-line tool next to the running interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6-Essentials")
    return found


def add_contexts(root: ET.Element, contexts: dict[str, dict[str, str]]) -> None:
    """Write each context's messages into the .ts, replacing any earlier copy of that context."""
    for context in list(root.iter("context")):
        if context.findtext("name") in contexts:
            root.remove(context)
    for name, messages in contexts.items():
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for source, translated in sorted(messages.items()):
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            ET.SubElement(message, "translation").text = translated
        ET.indent(context, space="    ", level=0)  # laid out like lupdate's own contexts
        context.tail = "\n"


def read_catalogue(language: str) -> dict[str, object]:
    """The language's JSON catalogue: `<lang>.json` plus the feature fragments `<lang>.d/*.json`
    (one per page or node family, so parallel work does not edit one file); contexts merge."""
    catalogue: dict[str, object] = json.loads((I18N / f"{language}.json").read_text(encoding="utf-8"))
    for fragment in sorted((I18N / f"{language}.d").glob("*.json")):
        for key, value in json.loads(fragment.read_text(encoding="utf-8")).items():
            earlier = catalogue.get(key)
            if isinstance(value, dict) and isinstance(earlier, dict):
                catalogue[key] = {**earlier, **value}
            else:
                catalogue[key] = value
    return catalogue


def main() -> int:
    sources = sorted(str(p) for p in (ROOT / "studio" / "gui").rglob("*.py"))
    for language in LANGUAGES:
        ts = I18N / f"studio_{language}.ts"
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                *sources,
                "-ts",
                str(ts),
                "-target-language",
                language,
                "-no-obsolete",
                "-locations",
                "none",
            ],
            check=True,
            capture_output=True,
        )
        catalogue = read_catalogue(language)
        contexts = {
            name: catalogue.pop(name) for name in list(catalogue) if isinstance(catalogue[name], dict)
        }
        tree = ET.parse(ts)
        missing = []
        for message in tree.getroot().iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            if source in catalogue:
                translation.text = catalogue[source]
                translation.attrib.pop("type", None)
            else:
                missing.append(source)
        add_contexts(tree.getroot(), contexts)
        tree.write(ts, encoding="utf-8", xml_declaration=True)
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
            check=True,
            capture_output=True,
        )
        print(f"{language}: {len(missing)} untranslated" + (f": {missing}" if missing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
