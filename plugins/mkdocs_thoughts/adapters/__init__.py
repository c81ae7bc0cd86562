"""The few pieces that touch MkDocs and Material objects for plugin.py (files, nav)."""
