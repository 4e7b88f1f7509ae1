"""A ModelGraph folded for drawing: layers as boxes inside the modules that hold them.

Consecutive sibling modules with the same layers, shapes, parameters and findings (a ViT's
24 encoder blocks, a ResNet stage's bottlenecks) are drawn once, marked "×24"; a model that
still has more than ``MAX_BOXES`` boxes folds its deepest modules into one box each, level
by level. The result holds plain values only, so that it travels from a worker process.
"""

from __future__ import annotations

import linecache
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from netlint.graph import Layer, ModelGraph
from netlint.rule import Finding

MAX_BOXES = 250
INPUT, OUTPUT = -1, -2  # the model's inputs and outputs, as box indices in ``Dataflow.edges``


@dataclass(frozen=True)
class Box:
    index: int  # the first layer it draws
    type: str
    name: str
    shape: tuple[int, ...] | None
    params: int
    site: str  # "file.py:12: nn.Conv2d(3, 64, 7)", the line that created it ("" when unknown)
    module: bool = False  # a whole module, its layers folded into this box
    repeat: int = 1  # the equal sibling modules it stands for

    @property
    def id(self) -> str:
        return f"n{self.index}"


@dataclass(frozen=True)
class Group:
    """A module holding several boxes; ``repeat`` > 1: it stands for that many equal siblings."""

    number: int
    name: str
    type: str
    members: tuple[Box | Group, ...]
    params: int = 0  # the module's own count (each, when it stands for several)
    site: str = ""
    repeat: int = 1
    last: str = ""  # the name of the last sibling it stands for

    @property
    def id(self) -> str:
        return f"cluster_{self.number}"

    @property
    def title(self) -> str:
        return _repeated(self.name, self.repeat, self.last)


@dataclass(frozen=True)
class Dataflow:
    root: Group
    edges: tuple[tuple[int, int], ...]  # between box indices (INPUT, OUTPUT for the model's own)
    drawn_as: dict[str, str] = field(default_factory=dict)  # layer or module name → id of its box or group
    layers: int = 0  # layers in the graph (more than the boxes when it is folded)

    def boxes(self) -> Iterator[Box]:
        stack: list[Box | Group] = [self.root]
        while stack:
            item = stack.pop()
            if isinstance(item, Box):
                yield item
            else:
                stack.extend(reversed(item.members))


class _Node:
    """A module while folding: its layers (indices) and child modules, in execution order."""

    def __init__(self, name: str, type_name: str, depth: int) -> None:
        self.name, self.type, self.depth = name, type_name, depth
        self.items: list[int | _Node] = []
        self.children: dict[str, _Node] = {}
        self.repeat, self.last, self.collapsed = 1, "", False

    def child(self, name: str, type_name: str) -> _Node:
        if name not in self.children:
            self.children[name] = _Node(name, type_name, self.depth + 1)
            self.items.append(self.children[name])
        return self.children[name]

    def content(self) -> list[int]:
        return [i for item in self.items for i in ([item] if isinstance(item, int) else item.content())]


def dataflow_of(graph: ModelGraph, findings: Sequence[Finding]) -> Dataflow:
    from torch import nn

    codes: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        for layer in f.layers or (f.layer,):
            codes[layer].add(f.code)
    modules = dict(graph.model.named_modules(remove_duplicate=False)) if graph.model is not None else {}
    hidden = _bookkeeping(graph)
    edges = _bypass([*((INPUT, i) for i in graph.inputs), *graph.edges, *((o, OUTPUT) for o in graph.outputs)],
                    hidden)
    root = _Node("", graph.class_name, 0)
    for layer in graph.layers:
        if layer.index in hidden:
            continue
        node = root
        for owner in _owners(layer):
            module = modules.get(owner)
            if isinstance(module, (nn.ModuleList, nn.ModuleDict)):
                continue  # never called itself: its members are, each where the parent's forward says
            node = node.child(owner, type(module).__name__ if module is not None else "")
        node.items.append(layer.index)
    folding = _Folding(graph, codes, edges)
    folding.fold(root)
    folding.collapse(root)
    drawn_as: dict[str, str] = {}
    frozen = folding.freeze(root, modules, iter(range(len(graph.layers) + 1)), drawn_as)
    assert isinstance(frozen, Group)
    for layer in graph.layers:
        if layer.index not in hidden:
            drawn_as.setdefault(layer.name, f"n{folding.drawn(layer.index)}")
    for name, first in folding.same_as.items():
        if first in drawn_as:
            drawn_as.setdefault(name, drawn_as[first])
    uncalled = _uncalled(graph, [name for name in codes if name not in drawn_as and name in modules], modules)
    drawn_as.update((box.name, box.id) for box in uncalled)
    drawn = dict.fromkeys(folding.edge(a, b) for a, b in edges)
    return Dataflow(replace(frozen, members=frozen.members + uncalled),
                    tuple(e for e in drawn if e is not None and e[0] != e[1]), drawn_as, len(graph.layers))


def _uncalled(graph: ModelGraph, names: list[str], modules: dict) -> tuple[Box, ...]:
    """Boxes, drawn apart, for the modules a finding is about that the forward never calls (unused parameters)."""
    return tuple(Box(len(graph.layers) + n, type(modules[name]).__name__, name, None,
                     sum(p.numel() for p in modules[name].parameters()), _site(graph.module_sites.get(name)),
                     module=True) for n, name in enumerate(names))


def _bookkeeping(graph: ModelGraph) -> set[int]:
    """The functions that compute no tensor (``x.shape``, its items, asserts on them): not drawn.
    (Only in a graph with shapes: in the module tree's, no layer has one. A returned value is
    drawn, shape or not: one read from the forward's code has none.)"""
    if not any(layer.output_shape for layer in graph.layers):
        return set()
    return {layer.index for layer in graph.layers
            if layer.module is None and layer.output_shape is None and not layer.params
            and layer.index not in graph.outputs}


def _bypass(edges: list[tuple[int, int]], hidden: set[int]) -> list[tuple[int, int]]:
    """The edges between the layers drawn: through hidden layers, each producer to each consumer."""
    consumers: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        consumers[a].append(b)
    drawn: dict[tuple[int, int], None] = {}
    for a in consumers:
        if a in hidden:
            continue
        stack, seen = list(consumers[a]), set()
        while stack:
            b = stack.pop()
            if b in seen:
                continue
            seen.add(b)
            if b in hidden:
                stack.extend(consumers.get(b, ()))
            else:
                drawn[a, b] = None
    return sorted(drawn, key=lambda e: (e[0] < 0, e))


def _owners(layer: Layer) -> list[str]:
    """The modules that hold the layer, outermost first: a module's ancestors, a function's caller and its ancestors."""
    path = layer.name.split(".")[:-1] if layer.module is not None else (layer.scope.split(".") if layer.scope else [])
    return [".".join(path[:n]) for n in range(1, len(path) + 1)]


class _Folding:
    def __init__(self, graph: ModelGraph, codes: dict[str, set[str]], edges: list[tuple[int, int]]) -> None:
        self.graph, self.codes = graph, codes
        self.consumers: dict[int, list[int]] = defaultdict(list)
        for a, b in edges:
            self.consumers[a].append(b)
        self.alias: dict[int, int] = {}  # a layer drawn by another layer's box
        self.runs: dict[int, list[tuple[int, int]]] = defaultdict(list)  # layer → (run, which sibling)
        self.signatures: dict[int, tuple] = {}
        self.same_as: dict[str, str] = {}  # a sibling module drawn by the first of its run

    def fold(self, node: _Node) -> None:
        """Draw each run of equal sibling modules once, outermost first."""
        items, kept, i = node.items, [], 0
        while i < len(items):
            item = items[i]
            j = i + 1
            if isinstance(item, _Node):
                while j < len(items) and isinstance(items[j], _Node) and self._signature(items[j]) == self._signature(item):
                    j += 1
                if j - i > 1:
                    self._fold_run(items[i:j])
                self.fold(item)
            kept.append(item)
            i = j
        node.items = kept

    def _fold_run(self, run: list) -> None:
        first = run[0]
        first.repeat, first.last = len(run), run[-1].name
        drawn = first.content()
        for k, member in enumerate(run):
            for layer, shown in zip(member.content(), drawn):
                self.runs[layer].append((id(first), k))
                if k:
                    self.alias[layer] = shown
            self.same_as[member.name] = first.name

    def collapse(self, root: _Node) -> None:
        """Fold the deepest modules into one box each until the drawing has at most MAX_BOXES."""
        while self._boxes(root) > MAX_BOXES:
            nodes = [n for n in self._nodes(root) if n is not root and not n.collapsed]
            if not nodes:
                return
            deepest = max(n.depth for n in nodes)
            for node in nodes:
                if node.depth == deepest:
                    node.collapsed = True
                    content = node.content()
                    for layer in content[1:]:
                        self.alias[layer] = content[0]

    def _nodes(self, node: _Node) -> Iterator[_Node]:
        yield node
        if not node.collapsed:
            for item in node.items:
                if isinstance(item, _Node):
                    yield from self._nodes(item)

    def _boxes(self, node: _Node) -> int:
        if node.collapsed:
            return 1
        return sum(1 if isinstance(item, int) else self._boxes(item) for item in node.items)

    def drawn(self, layer: int) -> int:
        while layer in self.alias:
            layer = self.alias[layer]
        return layer

    def edge(self, a: int, b: int) -> tuple[int, int] | None:
        """The edge a → b as drawn; None when it joins two siblings drawn as one (their chain)."""
        while True:
            sibling = dict(self.runs.get(a, ()))
            if any(sibling.get(run, k) != k for run, k in self.runs.get(b, ())):
                return None
            if a not in self.alias and b not in self.alias:
                return a, b
            a, b = self.alias.get(a, a), self.alias.get(b, b)

    def _signature(self, node: _Node) -> tuple:
        """What makes two sibling modules draw the same: their layers, in order, and the edges between them."""
        if id(node) not in self.signatures:
            content = node.content()
            position = {layer: n for n, layer in enumerate(content)}
            layers = self.graph.layers
            self.signatures[id(node)] = (
                node.type,
                tuple(_layer_key(layers[i], node.name, self.codes) for i in content),
                tuple((position[a], position[b]) for a in content for b in self.consumers[a] if b in position),
            )
        return self.signatures[id(node)]

    def freeze(self, node: _Node, modules: dict, numbers: Iterator[int], drawn_as: dict[str, str]) -> Box | Group:
        layers = self.graph.layers
        site = _site(self.graph.module_sites.get(node.name))
        if node.collapsed:
            content = node.content()
            last = layers[content[-1]]
            box = Box(content[0], node.type, _repeated(node.name, node.repeat, node.last), last.output_shape,
                      self._params(node, modules), site, module=True, repeat=node.repeat)
            for name in self._names(node):
                drawn_as.setdefault(name, box.id)
            return box
        members = [_box(layers[item]) if isinstance(item, int) else self.freeze(item, modules, numbers, drawn_as)
                   for item in node.items]
        if len(members) == 1 and node.repeat == 1 and node.depth:  # a module of one box: the box says it
            drawn_as.setdefault(node.name, members[0].id)
            return members[0]
        group = Group(next(numbers), node.name, node.type, tuple(members), self._params(node, modules), site,
                      node.repeat, node.last)
        if node.name:
            drawn_as.setdefault(node.name, group.id)
        return group

    def _params(self, node: _Node, modules: dict) -> int:
        module = modules.get(node.name) if node.name else self.graph.model
        if module is None:
            return sum(self.graph.layers[i].params for i in node.content())
        return sum(p.numel() for p in module.parameters())

    def _names(self, node: _Node) -> Iterator[str]:
        yield node.name
        for item in node.items:
            if isinstance(item, _Node):
                yield from self._names(item)


def _layer_key(layer: Layer, prefix: str, codes: dict[str, set[str]]) -> tuple:
    own = layer.name if layer.module is not None else layer.scope
    relative = own[len(prefix) + 1:] if prefix and own.startswith(prefix + ".") else "" if own == prefix else own
    return relative, layer.type, layer.output_shape, layer.params, tuple(sorted(codes.get(layer.name, ())))


def _box(layer: Layer) -> Box:
    return Box(layer.index, layer.type, layer.name, layer.output_shape, layer.params, _site(layer.site))


def _site(site) -> str:
    if site is None:
        return ""
    text = linecache.getline(site.path, site.line).strip()
    return f"{site.path}:{site.line}: {text}" if text else f"{site.path}:{site.line}"


def _repeated(name: str, repeat: int, last: str) -> str:
    return f"{name} … {last}" if repeat > 1 else name
