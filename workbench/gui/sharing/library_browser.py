"""The Library dock: the three scopes (Public, Team, Private), a search box, the list of assets and
the selected asset's page. It only shows and asks; `LibraryController` does the work."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QTabBar, QTextBrowser, QVBoxLayout, QWidget)

from workbench.errors import WorkbenchError
from workbench.gui.icons import category_icon
from workbench.gui.sharing.asset_page import SCOPE_TITLES, asset_html
from workbench.share.library import PRIVATE, PUBLIC, TEAM, Asset, AssetVersion, Library

SCOPE_ORDER = (PUBLIC, TEAM, PRIVATE)
KINDS = (("All kinds", None), ("Components", "component"), ("Pipelines", "pipeline"))
ASSET_ROLE = Qt.ItemDataRole.UserRole


class LibraryBrowser(QWidget):
    open_requested = Signal(object)  # AssetVersion of a pipeline
    add_requested = Signal(object)  # AssetVersion of a component
    download_requested = Signal(object)  # AssetVersion
    publish_requested = Signal()
    folders_requested = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.scopes = QTabBar()
        for scope in SCOPE_ORDER:
            self.scopes.addTab(SCOPE_TITLES[scope])
        self.search = QLineEdit(placeholderText="Search the library\u2026", clearButtonEnabled=True)
        self.kind = QComboBox()
        for title, kind in KINDS:
            self.kind.addItem(title, kind)
        self.publish_button = QPushButton("Publish\u2026")
        self.publish_button.setToolTip("Publish the current pipeline or its selected component to a scope")
        self.folders_button = QPushButton("Folders\u2026")
        self.folders_button.setToolTip("Choose the Team folder and the Public catalog folders")
        self.notice = QLabel(wordWrap=True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QListWidget()
        self.versions = QComboBox()
        self.page = QTextBrowser(openLinks=False)
        self.open_button = QPushButton("Open")
        self.add_button = QPushButton("Add to Canvas")
        self.download_button = QPushButton("Download\u2026")
        self._layout()
        self.scopes.currentChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list.currentItemChanged.connect(lambda _item, _previous: self._show_asset())
        self.list.itemActivated.connect(lambda _item: self._activate())
        self.versions.currentIndexChanged.connect(lambda _i: self._show_version())
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.add_button.clicked.connect(lambda: self._emit(self.add_requested))
        self.download_button.clicked.connect(lambda: self._emit(self.download_requested))
        self.publish_button.clicked.connect(self.publish_requested)
        self.folders_button.clicked.connect(self.folders_requested)
        self._stale = True  # read the folders when first shown, not while the window starts
        self._select: str | None = None  # the asset to select at that refresh

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.kind)
        tools = QHBoxLayout()
        tools.addWidget(self.publish_button)
        tools.addWidget(self.folders_button)
        tools.addStretch(1)
        page_box = QWidget()
        page_layout = QVBoxLayout(page_box)
        page_layout.setContentsMargins(0, 0, 0, 0)
        version_row = QHBoxLayout()
        version_row.addWidget(QLabel("Version:"))
        version_row.addWidget(self.versions, 1)
        page_layout.addLayout(version_row)
        page_layout.addWidget(self.page, 1)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.add_button, self.download_button):
            buttons.addWidget(button)
        page_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(page_box)
        splitter.setStretchFactor(1, 3)  # the page needs the room; the list scrolls
        splitter.setSizes([160, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scopes)
        layout.addLayout(filters)
        layout.addLayout(tools)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    # ----- what is shown -----------------------------------------------------------------------

    @property
    def scope(self) -> str:
        return SCOPE_ORDER[self.scopes.currentIndex()]

    def set_scope(self, scope: str) -> None:
        self.scopes.setCurrentIndex(SCOPE_ORDER.index(scope))

    def set_library(self, library: Library) -> None:
        self.library = library
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """List the scope's assets matching the search; keep (or move to) the `select` asset id.
        While hidden, only remember to do it when shown: a catalog folder may be a slow share."""
        if not self.isVisible():
            self._stale, self._select = True, select or self._select
            return
        current = self.current_asset()
        select = select or self._select or (current.asset_id if current else None)
        self._stale, self._select = False, None
        self.list.blockSignals(True)
        self.list.clear()
        try:
            assets = self.library.search(self.search.text(), kind=self.kind.currentData(), scope=self.scope)
        except WorkbenchError as exc:
            assets = []
            self.notice.setText(f"Cannot read the library: {exc}")
        else:
            self.notice.setText(self._scope_notice(len(assets)))
        for asset in assets:
            item = QListWidgetItem(category_icon(asset.kind), f"{asset.name}   {asset.latest}")
            item.setData(ASSET_ROLE, asset)
            item.setToolTip(f"{asset.asset_id}\n{asset.description}")
            self.list.addItem(item)
            if asset.asset_id == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show_asset()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _scope_notice(self, count: int) -> str:
        if not any(store.scope == self.scope for store in self.library.stores):
            return "No team folder is set: Folders\u2026 chooses one (or set WORKBENCH_TEAM_DIR)."
        if count == 0:
            return "Nothing matches the search." if self.search.text().strip() else (
                "Nothing published here yet: Publish\u2026 adds the current pipeline or component.")
        return f"{count} asset(s)"

    def current_asset(self) -> Asset | None:
        item = self.list.currentItem()
        return item.data(ASSET_ROLE) if item is not None else None

    def current_version(self) -> AssetVersion | None:
        asset = self.current_asset()
        if asset is None:
            return None
        try:
            return self.library.get(asset.asset_id, self.versions.currentText() or None, scope=asset.scope)
        except WorkbenchError as exc:
            self.page.setPlainText(str(exc))
            return None

    def _show_asset(self) -> None:
        asset = self.current_asset()
        self.versions.blockSignals(True)
        self.versions.clear()
        if asset is not None:
            self.versions.addItems(list(reversed(asset.versions)))  # newest first
        self.versions.blockSignals(False)
        self._show_version()

    def _show_version(self) -> None:
        asset = self.current_asset()
        version = self.current_version() if asset else None
        if asset is None:
            self.page.clear()
        elif version is not None:
            self.page.setHtml(asset_html(version, list(asset.versions)))
        kind = asset.kind if asset else None
        self.open_button.setEnabled(kind == "pipeline")
        self.add_button.setEnabled(kind == "component")
        self.download_button.setEnabled(version is not None)

    def _emit(self, signal) -> None:
        version = self.current_version()
        if version is not None:
            signal.emit(version)

    def _activate(self) -> None:
        asset = self.current_asset()
        if asset is not None:
            self._emit(self.open_requested if asset.kind == "pipeline" else self.add_requested)
