"""Runs in the app: start and control runs, watch them on the canvas, read logs and live metrics,
inspect steps and artifacts, browse and compare the history, launch sweeps.

Engine events reach the GUI thread through one bridge (`bridge.py`); everything else reads the
per-run `RunSession` the controller keeps up to date. pyqtgraph is imported only by the plot views,
when they are first shown.
"""
