"""An asset's page as HTML for a QTextBrowser: what it is, its interface, who published it and how
to use it. Pure text building, so it is easy to test and never touches the disk."""

from __future__ import annotations

from html import escape

from workbench.share.library import AssetVersion

SCOPE_TITLES = {"public": "Public", "team": "Team", "private": "Private"}


def _ports(title: str, ports: list[dict]) -> str:
    if not ports:
        return f"<h4>{title}</h4><p><i>none</i></p>"
    rows = []
    for port in ports:
        default = "" if port.get("default") is None else escape(repr(port["default"]))
        optional = " (optional)" if port.get("optional") else ""
        rows.append(f"<tr><td><b>{escape(str(port.get('name')))}</b></td><td><code>{escape(str(port.get('type')))}"
                    f"</code>{optional}</td><td>{default}</td><td>{escape(port.get('description') or '')}</td></tr>")
    header = "<tr><th align=left>name</th><th align=left>type</th><th align=left>default</th><th align=left></th></tr>"
    return f"<h4>{title}</h4><table cellspacing=0 cellpadding=3>{header}{''.join(rows)}</table>"


def asset_html(version: AssetVersion, versions: list[str]) -> str:
    meta = version.meta
    kind = meta["kind"]
    inputs_title = "Parameters" if kind == "pipeline" else "Inputs"
    older = [v for v in reversed(versions) if v != version.version]
    history = f"; earlier: {escape(', '.join(older))}" if older else ""
    return (
        f"<h3>{escape(meta['name'])} <small>{escape(version.version)}</small></h3>"
        f"<p><code>{escape(version.asset_id)}</code> \u00b7 {kind} \u00b7 "
        f"{SCOPE_TITLES.get(version.scope, version.scope)} scope</p>"
        f"<p>{escape(meta.get('description') or 'No description.')}</p>"
        f"{_ports(inputs_title, meta.get('inputs') or [])}"
        + (_ports("Outputs", meta.get("outputs") or []) if kind == "component" else "")
        + f"<h4>Versions</h4><p>{escape(version.version)}{history}</p>"
        f"<p>Published by <b>{escape(str(meta.get('published_by', '?')))}</b> on "
        f"{escape(str(meta.get('published_at', '?')))}</p>"
        f"<h4>Example usage</h4><pre>{escape(version.example)}</pre>")
