"""Dropdowns and forms that fit a narrow dock (the inspector): a dropdown may shrink below its
longest entry, showing its entries in full in its popup, and a form puts a field under its label
when the two do not fit side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

MIN_CHARACTERS = 8


def narrow(combo: QComboBox) -> QComboBox:
    """A dropdown that may shrink below its longest entry (the inspector dock is narrow)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(MIN_CHARACTERS)
    return combo


def narrow_all(page: QWidget) -> None:
    """Every dropdown and form on `page` made to fit a narrow dock."""
    for combo in page.findChildren(QComboBox):
        narrow(combo)
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 8)  # entries in full
    for form in page.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
