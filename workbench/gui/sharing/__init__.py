"""Sharing in the window: bundle export and open with a trust review, and the library browser."""
