"""kfp keeps global state while it builds a pipeline (the default pipeline, the task register hook):
every use of its DSL or compiler in this process holds this lock."""

import threading

KFP_LOCK = threading.RLock()
