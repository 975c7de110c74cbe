"""Languages: Qt translation files (.qm, compiled from .ts with pyside6-lrelease) in assets/i18n."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
CATALOGUE_CONTEXT = "catalogue"  # node titles, categories, descriptions and settings labels
_installed: list[QTranslator] = []


def i18n_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "assets" / "i18n"


def install_language(code: str) -> bool:
    """Switch the running app's language; widgets get a LanguageChange event and retranslate.
    Returns False when no translation file exists for the code (English is the source text)."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code in ("", "en"):
        return True
    translator = QTranslator(app)
    if not translator.load(str(i18n_dir() / f"studio_{code}.qm")):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    # Qt's own strings (OK/Cancel/Yes/No, file dialogs, context menus of text fields), from the
    # translations shipped with PySide6; installed last, so they are asked first only for Qt's
    # own contexts (QPlatformTheme, QFileDialog...), which ours never use.
    qt_base = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_base.load(f"qtbase_{code}", folder):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    return True


def catalogue_text(text: str) -> str:
    """A node catalogue string (title, category, description, settings label or help) in the
    current language; the nodes package stays Qt-free, so it is translated here, only for display."""
    if not text:
        return text
    return QCoreApplication.translate(CATALOGUE_CONTEXT, text)
