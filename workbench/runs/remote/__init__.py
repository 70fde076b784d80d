"""Remote backends: Vertex AI Pipelines and Kubeflow Pipelines clusters (see client.py)."""
