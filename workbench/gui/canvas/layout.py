"""Auto-layout for the canvas: the compiler's layered layout, told the real height of each node.

`workbench.compiler.layout` assumes every node is NODE_WIDTH x NODE_HEIGHT; canvas nodes grow
with their port rows, so this subclass answers `size()` for nodes with the drawn height. (Once
the layout module accepts a node-size function, this file shrinks to that call.)
"""

from __future__ import annotations

from workbench.compiler import layout as compiler_layout
from workbench.gui.canvas.style import NODE_WIDTH, node_height
from workbench.model.document import PipelineGraph


class _CanvasLayout(compiler_layout._Layout):
    def size(self, item: str) -> tuple[float, float]:
        if item in self.graph.nodes and item not in self.sizes:
            spec = self.graph.components.get(self.graph.nodes[item].component)
            rows = (len(spec.inputs), len(spec.outputs)) if spec else (0, 0)
            self.sizes[item] = (NODE_WIDTH, node_height(*rows))
        return super().size(item)


def canvas_layout(graph: PipelineGraph) -> None:
    """Set every node's and group's position so nothing drawn overlaps."""
    layout = _CanvasLayout(graph)
    layout.arrange(None)
    layout.place(None, (0.0, 0.0))
