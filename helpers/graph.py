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


def _layered(graph: ComputationGraph, sweeps: int) -> tuple[dict[int, tuple[float, float]], dict[tuple[int, int], list[tuple[float, float]]], int]:
    """Positions of nodes, waypoints of edges that skip columns, and the tallest column's size."""
    count = len(graph.nodes)
    if count == 0:
        raise ValueError("graph must have at least one node")
    for a, b in graph.edges:
        if not (0 <= a < count and 0 <= b < count):
            raise ValueError(f"edge {(a, b)} names a node outside 0..{count - 1}")
    inputs: dict[int, list[int]] = {i: [] for i in range(count)}
    outputs: dict[int, list[int]] = {i: [] for i in range(count)}
    for a, b in graph.edges:
        inputs[b].append(a)
        outputs[a].append(b)
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
    for i in range(count):  # a leaf sits just left of its first user
        if not inputs[i] and outputs[i]:
            column[i] = min(column[b] for b in outputs[i]) - 1
    # an edge that skips columns goes through one invisible waypoint per skipped column
    linked_in: dict[int, list[int]] = {i: [] for i in range(count)}
    linked_out: dict[int, list[int]] = {i: [] for i in range(count)}
    chains: dict[tuple[int, int], list[int]] = {}
    for a, b in graph.edges:
        links = [a]
        for c in range(column[a] + 1, column[b]):
            waypoint = len(column)
            column[waypoint] = c
            linked_in[waypoint], linked_out[waypoint] = [], []
            links.append(waypoint)
        links.append(b)
        chains[(a, b)] = links[1:-1]
        for u, v in zip(links, links[1:], strict=False):
            linked_out[u].append(v)
            linked_in[v].append(u)
    columns = [sorted(i for i in column if column[i] == c) for c in range(max(column.values()) + 1)]
    tallest = max(len(members) for members in columns)
    height = {i: float(rank) for members in columns for rank, i in enumerate(members)}

    def reorder(members: list[int], neighbours: dict[int, list[int]]) -> None:
        def key(i: int) -> float:
            return float(np.mean([height[n] for n in neighbours[i]])) if neighbours[i] else height[i]

        members.sort(key=key)  # stable: ties keep their previous order
        offset = (tallest - len(members)) / 2
        for rank, i in enumerate(members):
            height[i] = rank + offset

    for _ in range(sweeps):
        for members in columns[1:]:
            reorder(members, linked_in)
        for members in reversed(columns[:-1]):
            reorder(members, linked_out)
    middle = (tallest - 1) / 2
    where = {i: (float(column[i]), middle - height[i]) for i in column}
    nodes = {i: where[i] for i in range(count)}
    waypoints = {edge: [where[w] for w in chain] for edge, chain in chains.items()}
    return nodes, waypoints, tallest


def layout(graph: ComputationGraph, *, sweeps: int = 8) -> dict[int, tuple[float, float]]:
    """Return ``{node index: (column, height)}``, a left-to-right layered drawing of ``graph``.

    A node's column is the length of the longest path from a leaf to it, and a leaf
    sits one column left of its first user. An edge that skips columns is routed
    through one waypoint per skipped column. Within each column, nodes and waypoints
    are ordered by the mean height of their neighbours, sweeping left and right
    ``sweeps`` times (the barycenter heuristic), so arrows cross little.

    Raises:
        ValueError: the graph has no nodes, an edge names a node that does not exist,
            or the edges form a cycle.
    """
    return _layered(graph, sweeps)[0]


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
    where, waypoints, rows = _layered(graph, 8)
    columns = int(max(x for x, _ in where.values())) + 1
    label_lines = max(node.label.count("\n") + 1 for node in graph.nodes)
    widest = max(len(line) for node in graph.nodes for line in node.label.splitlines() or [""])
    fontsize = 12

    def column_inches(size: int) -> float:  # a box at this font size, plus room for the arrow
        return (widest * 0.66 + 0.9) * size / 72 + 1.0

    while fontsize > 7 and column_inches(fontsize) * (columns + 0.6) > 16.0:
        fontsize -= 1  # a wide graph: smaller text rather than overlapping boxes
    row_inches = label_lines * fontsize * 1.3 / 72 + 0.45
    owns = ax is None
    if owns:
        _, ax = plt.subplots(figsize=(max(6.0, column_inches(fontsize) * (columns + 0.6)),
                                      min(10.0, max(2.4, row_inches * (rows + 0.4) + 1.1))))
    x_scale, y_scale = 1.0, row_inches / column_inches(fontsize)
    boxes = {}
    for node in graph.nodes:
        x, y = where[node.index]
        boxes[node.index] = ax.text(
            x * x_scale, y * y_scale, node.label, ha="center", va="center", fontsize=fontsize, zorder=3,
            bbox={"boxstyle": "round,pad=0.45", "facecolor": NODE_COLORS.get(node.kind, "white"),
                  "edgecolor": "#444444", "linewidth": 1.2},
        )
    line = {"color": "#444444", "lw": 1.6}
    for a, b in graph.edges:
        points = [(x * x_scale, y * y_scale) for x, y in waypoints[(a, b)]]
        start: dict[str, Any] = {"xytext": (1.0, 0.5), "textcoords": boxes[a]}
        if points:  # source box -> first waypoint -> ... -> last waypoint, then the arrow
            ax.annotate("", xy=points[0], xycoords="data", **start,
                        arrowprops={"arrowstyle": "-", "shrinkA": 2, "shrinkB": 0, **line}, zorder=2)
            ax.plot([p[0] for p in points], [p[1] for p in points], zorder=2, **{"color": line["color"], "linewidth": line["lw"]})
            start = {"xytext": points[-1], "textcoords": "data"}
        ax.annotate("", xy=(0.0, 0.5), xycoords=boxes[b], **start,
                    arrowprops={"arrowstyle": "-|>", "shrinkA": 0 if points else 2, "shrinkB": 2, **line}, zorder=2)
    ax.set_xlim(-0.8, columns - 1 + 0.8)
    ax.set_ylim(-(rows / 2 + 0.2) * y_scale, (rows / 2 + 0.2) * y_scale)
    ax.set_axis_off()
    kinds = [kind for kind in NODE_COLORS if any(n.kind == kind for n in graph.nodes)]
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=NODE_COLORS[kind], edgecolor="#444444") for kind in kinds]
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
