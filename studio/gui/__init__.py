"""The Qt editor. The only package that imports PySide6; `studio.gui.app.main` starts it."""
