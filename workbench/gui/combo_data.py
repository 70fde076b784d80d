"""Find a Python value among a combo box's item data. Qt compares wrapped Python objects by
identity, so `QComboBox.findData` misses equal bindings built elsewhere; this compares with ==."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def find_data(combo: QComboBox, value) -> int:
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)
