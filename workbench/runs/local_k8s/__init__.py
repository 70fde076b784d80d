"""Kubernetes features emulated for local Docker runs: the secret and config map store, pod setup
(env, volumes, user, deadline) from a task's KubernetesExecutorConfig, and PVCs as Docker volumes."""
