"""Draw a computation graph: PyTorch's autograd graph, or any expression graph.

Two steps, so the drawing can be unit-tested without looking at pixels:

- :func:`autograd_graph` walks a tensor's ``grad_fn`` / ``next_functions`` and returns a
  :class:`ComputationGraph` (nodes and edges, plain data); :func:`expression_graph`
  does the same for any object graph you describe with two functions (for example
  the tiny ``Value`` engine of notebook 07).
- :func:`plot_graph` draws a :class:`ComputationGraph` with matplotlib only (no
  graphviz), inputs on the left and the output on the right;
  :func:`plot_autograd_graph` is both steps in one call.

Arrows point the way the forward pass computes (input -> operation -> output);
``backward()`` walks them in reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

#: The kinds of node, and the colour each is drawn in.
NODE_COLORS: dict[str, str] = {
    "leaf": "#cfe2f3",  # a tensor you made (a weight, or an input that requires grad)
    "operation": "#fde9c9",  # a recorded operation (MulBackward0, ...) / a computed value
    "output": "#d9ead3",  # the tensor the graph was drawn from (usually the loss)
}


@dataclass(frozen=True)
class GraphNode:
    """One box of the drawing: ``index`` (its position in ``nodes``), ``label`` and ``kind``.

    ``kind`` is one of ``"leaf"``, ``"operation"``, ``"output"``.
    """

    index: int
    label: str
    kind: str


@dataclass(frozen=True)
class ComputationGraph:
    """Nodes and forward-direction edges ``(source index, target index)`` of a graph.

    Nodes are numbered from the output backwards (node 0 is the output), in the
    breadth-first order the backward pass discovers them; each edge appears once.
    """

    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[int, int], ...]

    def labels(self) -> list[str]:
        """Return every node's label, in node order."""
        return [node.label for node in self.nodes]

    def edge_labels(self) -> list[tuple[str, str]]:
        """Return every edge as ``(source label, target label)``."""
        return [(self.nodes[a].label, self.nodes[b].label) for a, b in self.edges]


def _check_names(names: Mapping[str, Any] | None) -> dict[int, str]:
    import torch

    if names is None:
        return {}
    if not isinstance(names, Mapping):
        raise TypeError(f"names must be a mapping {{name: tensor}}, got {type(names).__name__}")
    by_id: dict[int, str] = {}
    for name, value in names.items():
        if not isinstance(name, str):
            raise TypeError(f"names keys must be str, got {type(name).__name__}")
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"names[{name!r}] must be a torch.Tensor, got {type(value).__name__}")
        by_id[id(value)] = name
        if value.grad_fn is not None:
            by_id[id(value.grad_fn)] = name
    return by_id


def _shape_text(tensor: Any) -> str:
    return "scalar" if tensor.dim() == 0 else "shape " + "x".join(str(s) for s in tensor.shape)


def autograd_graph(tensor: Any, names: Mapping[str, Any] | None = None) -> ComputationGraph:
    """Return the autograd graph that ``tensor.backward()`` would walk, as data.

    Leaves are the tensors with ``requires_grad=True`` that autograd will fill
    ``.grad`` of (reached through ``AccumulateGrad`` nodes); operations are the
    ``grad_fn`` nodes (``MulBackward0``, ``PowBackward0``, ``MeanBackward0``, ...).
    Inputs that do not require grad (data such as ``x`` and ``y``) are not part of
    the graph: autograd records nothing for them.

    Args:
        tensor: the tensor to start from (usually the loss); it must require grad.
        names: optional ``{name: tensor}``. A leaf listed here is labelled with its
            name; a computed tensor listed here (e.g. ``y_pred``) adds its name to
            the label of the operation that made it.

    Returns:
        A :class:`ComputationGraph`. Node 0 is the output ``tensor``.

    Raises:
        TypeError: ``tensor`` is not a torch.Tensor, or ``names`` is not ``{str: Tensor}``.
        ValueError: ``tensor`` does not require grad, so it has no graph.
    """
    import torch

    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise ValueError("tensor must require grad (it has no autograd graph): "
                         "compute it from a tensor created with requires_grad=True")
    named = _check_names(names)
    output_label = named.get(id(tensor), "output") + f"\n({_shape_text(tensor)})"
    nodes: list[GraphNode] = [GraphNode(0, output_label, "output")]
    edges: list[tuple[int, int]] = []
    seen: dict[int, int] = {}

    def add(fn: Any) -> int:
        key = id(fn)
        if key in seen:
            return seen[key]
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: the node that fills a leaf's .grad
            label = named.get(id(variable), "leaf") + f"\n({_shape_text(variable)})"
            kind = "leaf"
        else:
            label = type(fn).__name__
            if key in named and fn is not tensor.grad_fn:  # the output box already carries its name
                label += f"\n({named[key]})"
            kind = "operation"
        seen[key] = len(nodes)
        nodes.append(GraphNode(len(nodes), label, kind))
        queue.append(fn)
        return seen[key]

    queue: list[Any] = []
    if tensor.grad_fn is None:  # the tensor is itself a leaf
        nodes[0] = GraphNode(0, named.get(id(tensor), "leaf") + f"\n({_shape_text(tensor)})", "output")
        return ComputationGraph(tuple(nodes), ())
    edges.append((add(tensor.grad_fn), 0))
    while queue:
        fn = queue.pop(0)
        target = seen[id(fn)]
        for parent, _ in getattr(fn, "next_functions", ()):
            if parent is None:
                continue
            edge = (add(parent), target)
            if edge not in edges:
                edges.append(edge)
    return ComputationGraph(tuple(nodes), tuple(edges))


def expression_graph(
    root: Any,
    *,
    children: Callable[[Any], Iterable[Any]],
    label: Callable[[Any], str],
) -> ComputationGraph:
    """Return the graph of any expression object, e.g. a hand-written autograd ``Value``.

    Args:
        root: the output object (usually the loss).
        children: returns the objects a node was computed from (empty for a leaf).
        label: returns the text to draw in a node's box.

    Returns:
        A :class:`ComputationGraph`: node 0 is ``root`` (kind ``"output"``), nodes
        with no children are ``"leaf"``, the others ``"operation"``. A node is
        identified by the object itself (``id``), so a value used twice appears once
        with two outgoing edges.

    Raises:
        TypeError: ``children`` or ``label`` is not callable, or ``label`` returns a non-str.
    """
    for name, func in (("children", children), ("label", label)):
        if not callable(func):
            raise TypeError(f"{name} must be callable, got {type(func).__name__}")

    def text(node: Any) -> str:
        value = label(node)
        if not isinstance(value, str):
            raise TypeError(f"label must return a str, got {type(value).__name__}")
        return value

    nodes: list[GraphNode] = [GraphNode(0, text(root), "output")]
    edges: list[tuple[int, int]] = []
    seen: dict[int, int] = {id(root): 0}
    queue: list[Any] = [root]
    while queue:
        node = queue.pop(0)
        target = seen[id(node)]
        for child in children(node):
            if id(child) not in seen:
                seen[id(child)] = len(nodes)
                kind = "operation" if list(children(child)) else "leaf"
                nodes.append(GraphNode(len(nodes), text(child), kind))
                queue.append(child)
            edge = (seen[id(child)], target)
            if edge not in edges:
                edges.append(edge)
    return ComputationGraph(tuple(nodes), tuple(edges))


def layout(graph: ComputationGraph) -> dict[int, tuple[float, float]]:
    """Return ``{node index: (x, y)}``: leaves in column 0, each node one column right of its inputs.

    A node's column is the length of the longest path from a leaf to it; within a
    column nodes are ordered by the mean height of their inputs, so arrows cross little.

    Raises:
        ValueError: the graph has no nodes, or an edge names a node that does not exist.
    """
    count = len(graph.nodes)
    if count == 0:
        raise ValueError("graph must have at least one node")
    for a, b in graph.edges:
        if not (0 <= a < count and 0 <= b < count):
            raise ValueError(f"edge {(a, b)} names a node outside 0..{count - 1}")
    inputs: dict[int, list[int]] = {i: [] for i in range(count)}
    for a, b in graph.edges:
        inputs[b].append(a)
    column: dict[int, int] = {}

    def depth(i: int, visiting: frozenset[int] = frozenset()) -> int:
        if i in column:
            return column[i]
        if i in visiting:
            raise ValueError("graph must not contain a cycle")
        column[i] = 1 + max((depth(a, visiting | {i}) for a in inputs[i]), default=-1)
        return column[i]

    for i in range(count):
        depth(i)
    height: dict[int, float] = {}
    for col in range(max(column.values()) + 1):
        members = [i for i in range(count) if column[i] == col]
        if col > 0:
            members.sort(key=lambda i: (np.mean([height[a] for a in inputs[i]]) if inputs[i] else 0.0, -i))
        else:
            members.sort(key=lambda i: -i)  # leaves in the order the graph lists them, reversed
        for rank, i in enumerate(members):
            height[i] = rank - (len(members) - 1) / 2
    return {i: (float(column[i]), float(height[i])) for i in range(count)}


def plot_graph(graph: ComputationGraph, *, title: str | None = None, ax: plt.Axes | None = None) -> None:
    """Draw ``graph`` with matplotlib: coloured boxes (see :data:`NODE_COLORS`) and arrows.

    Args:
        graph: from :func:`autograd_graph` or :func:`expression_graph`.
        title: the figure's title.
        ax: draw here instead of a new figure (which is then shown).

    Returns:
        None.

    Raises:
        TypeError: ``graph`` is not a :class:`ComputationGraph`.
        ValueError: as in :func:`layout`.
    """
    if not isinstance(graph, ComputationGraph):
        raise TypeError(f"graph must be a ComputationGraph, got {type(graph).__name__}")
    where = layout(graph)
    columns = int(max(x for x, _ in where.values())) + 1
    rows = max(sum(1 for x, _ in where.values() if x == c) for c in range(columns))
    owns = ax is None
    if owns:
        _, ax = plt.subplots(figsize=(min(14.0, max(6.0, 2.4 * columns)), max(2.6, 1.4 * rows + 1.0)))
    x_scale, y_scale = 2.6, 1.4
    boxes = {}
    for node in graph.nodes:
        x, y = where[node.index]
        boxes[node.index] = ax.text(
            x * x_scale, y * y_scale, node.label, ha="center", va="center", fontsize=12, zorder=3,
            bbox={"boxstyle": "round,pad=0.45", "facecolor": NODE_COLORS.get(node.kind, "white"),
                  "edgecolor": "#444444", "linewidth": 1.2},
        )
    for a, b in graph.edges:
        ax.annotate(
            "", xy=(0.0, 0.5), xycoords=boxes[b], xytext=(1.0, 0.5), textcoords=boxes[a],
            arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.6,
                        "shrinkA": 2, "shrinkB": 2, "connectionstyle": "arc3,rad=0.0"},
            zorder=2,
        )
    ax.set_xlim(-0.8 * x_scale, (columns - 1) * x_scale + 0.8 * x_scale)
    ax.set_ylim(-(rows / 2 + 0.2) * y_scale, (rows / 2 + 0.2) * y_scale)
    ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=color, edgecolor="#444444")
               for kind, color in NODE_COLORS.items() if any(n.kind == kind for n in graph.nodes)]
    kinds = [kind for kind in NODE_COLORS if any(n.kind == kind for n in graph.nodes)]
    ax.legend(handles, kinds, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(kinds), frameon=False)
    if title:
        ax.set_title(title)
    if owns:
        plt.show()


def plot_autograd_graph(
    tensor: Any,
    names: Mapping[str, Any] | None = None,
    *,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> None:
    """Draw the autograd graph of ``tensor`` in one call (see :func:`autograd_graph`).

    Returns:
        None.

    Raises:
        TypeError / ValueError: as in :func:`autograd_graph`.
    """
    plot_graph(autograd_graph(tensor, names), title=title, ax=ax)


__all__ = [
    "NODE_COLORS",
    "ComputationGraph",
    "GraphNode",
    "autograd_graph",
    "expression_graph",
    "layout",
    "plot_autograd_graph",
    "plot_graph",
]
