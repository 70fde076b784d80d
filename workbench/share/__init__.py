"""Sharing: reproducible pipeline bundles (export, safe import, trust) and the component and
pipeline library with Public, Team and Private scopes. Qt-free; kfp loads only to compile."""
