"""What a curve hands the plot: the points in view, at most about two a pixel.

pyqtgraph's own "peak" downsampling redoes this at every paint, over the whole series: 20 ms for a
third of a million points, three curves and the window stutters. Here it is one numpy reshape per
refresh, and only when the series grew or the view moved. Pure numpy: no Qt.
"""

from __future__ import annotations

import numpy as np


def in_view(x: np.ndarray, y: np.ndarray, x_range: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """The points within `x_range` plus one on each side (so lines reach the edges); all of them
    when there is no range or x is not sorted (then nothing can be cut cheaply)."""
    if x_range is None or len(x) < 2 or not bool(np.all(x[1:] >= x[:-1])):
        return x, y
    first = max(int(np.searchsorted(x, x_range[0], "left")) - 1, 0)
    last = min(int(np.searchsorted(x, x_range[1], "right")) + 1, len(x))
    return x[first:last], y[first:last]


def envelope(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bucket's lowest and highest point, in their order: peaks and dips survive, at most
    2 x `buckets` points (plus the few left over at the end, drawn as they are)."""
    size = len(x) // max(buckets, 1)
    if size < 3:
        return x, y
    full = len(x) - len(x) % size
    xs, ys = x[:full].reshape(-1, size), y[:full].reshape(-1, size)
    low, high = ys.argmin(axis=1), ys.argmax(axis=1)
    first, second = np.minimum(low, high), np.maximum(low, high)
    rows = np.arange(len(ys))
    out_x, out_y = np.empty(2 * len(ys)), np.empty(2 * len(ys))
    out_x[0::2], out_x[1::2] = xs[rows, first], xs[rows, second]
    out_y[0::2], out_y[1::2] = ys[rows, first], ys[rows, second]
    return np.concatenate([out_x, x[full:]]), np.concatenate([out_y, y[full:]])
