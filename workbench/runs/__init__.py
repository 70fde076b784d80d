"""Running compiled KFP pipelines: the local engine, task backends, remote backends and run history.

Nothing here imports Qt; heavy libraries (docker, kfp, aiplatform) are imported when first used.
"""
