import matplotlib.pyplot as plt
import pytest
import torch

from helpers import graph


class Node:
    """A minimal expression node for expression_graph."""

    def __init__(self, name, *inputs):
        self.name = name
        self.inputs = inputs


def mse_graph():
    X = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = 2 * X
    w = torch.tensor(0.0, requires_grad=True)
    y_pred = w * X
    loss = ((y_pred - y) ** 2).mean()
    return graph.autograd_graph(loss, names={"w": w, "y_pred": y_pred, "loss": loss})


def test_autograd_graph_of_the_mse_is_a_chain_from_w_to_the_loss():
    g = mse_graph()
    assert g.labels() == ["loss\n(scalar)", "MeanBackward0", "PowBackward0", "SubBackward0",
                          "MulBackward0\n(y_pred)", "w\n(scalar)"]
    assert [n.kind for n in g.nodes] == ["output", "operation", "operation", "operation", "operation", "leaf"]
    assert g.edge_labels() == [
        ("MeanBackward0", "loss\n(scalar)"),
        ("PowBackward0", "MeanBackward0"),
        ("SubBackward0", "PowBackward0"),
        ("MulBackward0\n(y_pred)", "SubBackward0"),
        ("w\n(scalar)", "MulBackward0\n(y_pred)"),
    ]


def test_a_leaf_used_twice_is_one_node_with_two_edges_and_unnamed_leaves_say_leaf():
    w = torch.tensor(1.0, requires_grad=True)
    b = torch.ones(2, 3, requires_grad=True)
    out = (w * 2.0 + w * b).sum()
    g = graph.autograd_graph(out, {"w": w})
    leaves = [n for n in g.nodes if n.kind == "leaf"]
    assert sorted(n.label for n in leaves) == ["leaf\n(shape 2x3)", "w\n(scalar)"]
    w_index = next(n.index for n in leaves if n.label.startswith("w"))
    assert sum(1 for a, _ in g.edges if a == w_index) == 2
    assert g.nodes[0].label == "output\n(scalar)"


def test_a_leaf_alone_is_a_one_node_graph():
    w = torch.tensor(3.0, requires_grad=True)
    g = graph.autograd_graph(w, {"w": w})
    assert g.labels() == ["w\n(scalar)"] and g.edges == ()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: graph.autograd_graph([1.0]), TypeError, "tensor must be a torch.Tensor"),
        (lambda: graph.autograd_graph(torch.tensor(1.0)), ValueError, "tensor must require grad"),
        (lambda: graph.autograd_graph(torch.tensor(1.0, requires_grad=True) * 2, {"w": 1.0}), TypeError, r"names\['w'\] must be a torch.Tensor"),
        (lambda: graph.autograd_graph(torch.tensor(1.0, requires_grad=True) * 2, [1]), TypeError, "names must be a mapping"),
        (lambda: graph.expression_graph(Node("a"), children=None, label=str), TypeError, "children must be callable"),
        (lambda: graph.expression_graph(Node("a"), children=lambda n: n.inputs, label=lambda n: 1), TypeError, "label must return a str"),
        (lambda: graph.plot_graph("not a graph"), TypeError, "graph must be a ComputationGraph"),
        (lambda: graph.layout(graph.ComputationGraph((), ())), ValueError, "at least one node"),
        (lambda: graph.layout(graph.ComputationGraph((graph.GraphNode(0, "a", "leaf"),), ((0, 3),))), ValueError, "outside"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_expression_graph_shares_reused_nodes_and_layout_puts_inputs_left():
    a = Node("a")
    b = Node("b")
    c = Node("c = a*b", a, b)
    d = Node("d = c+a", c, a)
    g = graph.expression_graph(d, children=lambda n: n.inputs, label=lambda n: n.name)
    assert g.labels() == ["d = c+a", "c = a*b", "a", "b"]
    assert [n.kind for n in g.nodes] == ["output", "operation", "leaf", "leaf"]
    assert set(g.edge_labels()) == {("c = a*b", "d = c+a"), ("a", "d = c+a"), ("a", "c = a*b"), ("b", "c = a*b")}
    where = graph.layout(g)
    assert where[2][0] == where[3][0] == 0.0 and where[1][0] == 1.0 and where[0][0] == 2.0


def test_layout_rejects_a_cycle():
    nodes = (graph.GraphNode(0, "a", "operation"), graph.GraphNode(1, "b", "operation"))
    with pytest.raises(ValueError, match="cycle"):
        graph.layout(graph.ComputationGraph(nodes, ((0, 1), (1, 0))))


def test_plots_return_none_draw_boxes_and_arrows(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    X = torch.tensor([1.0, 2.0])
    w = torch.tensor(0.5, requires_grad=True)
    loss = ((w * X - 2 * X) ** 2).mean()
    assert graph.plot_autograd_graph(loss, {"w": w, "loss": loss}, title="MSE") is None
    assert shown == [True]
    ax = plt.gcf().axes[0]
    boxes = [t for t in ax.texts if t.get_text()]
    assert len(boxes) == 6  # w, Mul, Sub, Pow, Mean, loss
    assert len(ax.texts) - len(boxes) == 5  # one arrow per edge
    assert ax.get_title() == "MSE"
    _, other = plt.subplots()
    assert graph.plot_graph(mse_graph(), ax=other) is None
    assert shown == [True]  # drew on the given axes: not shown
    assert len([t for t in other.texts if t.get_text()]) == 6


def test_an_edge_that_skips_columns_is_routed_through_waypoints():
    a = Node("a")
    b = Node("b = 2a", a)
    c = Node("c = b*a", b, a)
    g = graph.expression_graph(c, children=lambda n: n.inputs, label=lambda n: n.name)
    where = graph.layout(g)
    assert [where[i][0] for i in range(3)] == [2.0, 1.0, 0.0]  # c, b, a
    _, ax = plt.subplots()
    graph.plot_graph(g, ax=ax)
    assert len(ax.lines) == 1  # the a -> c edge bends through one waypoint in b's column
    boxes = [t for t in ax.texts if t.get_text()]
    assert [t.get_text() for t in boxes] == ["c = b*a", "b = 2a", "a"]
    assert len(ax.texts) - len(boxes) == 4  # b->c, a->b, and a->c as a lead-in plus an arrow
