import numpy as np

from workbench.gui.runs.decimate import envelope, in_view


def test_envelope_keeps_peaks_and_dips_in_order_with_two_points_a_bucket():
    x = np.arange(100_000, dtype=float)
    y = np.sin(x / 5000.0)
    y[31_337], y[77_777] = 5.0, -5.0  # one spike up, one down
    shown_x, shown_y = envelope(x, y, buckets=500)
    assert len(shown_x) <= 2 * 500 + 200
    assert 5.0 in shown_y and -5.0 in shown_y
    assert np.all(np.diff(shown_x) >= 0)
    assert shown_x[0] == 0 and shown_x[-1] == 99_999


def test_small_series_are_drawn_as_they_are():
    x, y = np.arange(50.0), np.arange(50.0) ** 2
    shown_x, shown_y = envelope(x, y, buckets=500)
    assert np.array_equal(shown_x, x) and np.array_equal(shown_y, y)


def test_in_view_cuts_to_the_range_with_one_point_beyond_each_edge():
    x, y = np.arange(1000.0), np.arange(1000.0)
    cut_x, _ = in_view(x, y, (100.5, 200.5))
    assert cut_x[0] == 100 and cut_x[-1] == 201
    unsorted = np.array([3.0, 1.0, 2.0])
    assert len(in_view(unsorted, unsorted, (0, 1))[0]) == 3
