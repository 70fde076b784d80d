"""One log file for the CLI and the app, so an internal error keeps its traceback somewhere a user
can send: `DATA_DIR/logs/workbench.log`, rotated at 1 MB with three old files kept.

Modules log with `logging.getLogger(__name__)`; the CLI and the app call `configure_file_logging()`
once at start and print or show its path beside an unexpected error.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    from workbench.runs.paths import data_dir

    return data_dir() / "logs" / "workbench.log"


def configure_file_logging() -> Path:
    """Attach the rotating file handler to the `workbench` logger (once per process, and again if
    the data dir changed); return the log file's path. A data dir that cannot be written leaves
    logging as it is: the caller still gets the path it tried."""
    path = log_path()
    logger = logging.getLogger("workbench")
    for handler in list(logger.handlers):
        if getattr(handler, "workbench_log", False):
            if Path(handler.baseFilename) == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError:
        return path
    handler.workbench_log = True
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return path
