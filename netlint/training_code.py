"""The training code that goes with a model, read with ``ast`` only (nothing is run, torch is
never imported): which loss is applied to which output of which model, the optimizers with
their parameter groups and weight decay, ``model.apply(fn)`` calls, the batch size and the
learning rate. Each fact says where it came from (file and line). One reader serves every rule
that needs the training code: NL501 (the recipe) and the loss/last-layer rules (NL305–NL311).

Names are resolved the way Python would in the common cases, without running anything: a
name bound once in the function (the nearest binding above the use), else in the module; an
attribute of ``self`` bound in any method of the class; a dict's constant key; a value passed
through tensor methods (``.squeeze()``, ``.view(...)``), ``.to(device)`` or a wrapper
(``nn.DataParallel(model)``). What cannot be resolved is left out, never guessed.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from netlint.class_scan import imported_project_files, is_loss_class
from netlint.project import project_root, python_files
from netlint.source import parsed, read_source, version

OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS")
# torch.nn.functional's losses, by the module class they compute
FUNCTIONAL_LOSSES = {
    "cross_entropy": "CrossEntropyLoss", "nll_loss": "NLLLoss", "binary_cross_entropy": "BCELoss",
    "binary_cross_entropy_with_logits": "BCEWithLogitsLoss", "mse_loss": "MSELoss", "l1_loss": "L1Loss",
    "smooth_l1_loss": "SmoothL1Loss", "kl_div": "KLDivLoss", "multi_margin_loss": "MultiMarginLoss",
}
FUNCTIONAL_MODULES = ("F", "functional", "nn.functional", "torch.nn.functional", "torch")
# how activations are spelled in training code, by the name rules know them by
ACTIVATIONS = {"sigmoid": "sigmoid", "softmax": "softmax", "log_softmax": "logsoftmax", "relu": "relu",
               "Sigmoid": "sigmoid", "Softmax": "softmax", "LogSoftmax": "logsoftmax", "ReLU": "relu",
               "tanh": "tanh", "Tanh": "tanh"}
# tensor methods that keep what a value is (its values, maybe another shape)
PASS_THROUGH = {"squeeze", "unsqueeze", "view", "reshape", "flatten", "float", "double", "contiguous",
                "permute", "transpose", "to", "cuda", "cpu", "type", "view_as", "reshape_as", "clone", "resize"}
# what wraps a model and still calls it
WRAPPERS = {"DataParallel", "DistributedDataParallel", "DDP", "compile", "to", "cuda", "cpu", "train", "eval",
            "float", "double", "half", "to_empty"}
MOVES = {"cuda", "to", "cpu", "float", "double", "half"}  # a module moved: still the same loss or model
MODEL_WORDS = ("model", "net", "classifier", "discriminator")
# a loss function of the project's own, named for what it computes
MASK_LOSS_WORDS = {"dice": "DiceLoss", "jaccard": "JaccardLoss", "lovasz": "LovaszLoss", "tversky": "TverskyLoss"}
NOT_MODELS = {"Compose", "SummaryWriter", "GradScaler", "ArgumentParser", "DataLoader"}
MAX_SCRIPTS = 400  # project files read for one model (a text filter comes first)


@dataclass(frozen=True)
class ModelRef:
    """Which model some code calls: the classes it may be (none when the code does not say),
    and the name it goes by there (``model``, ``netD``; "" for a constructor called inline)."""

    classes: tuple[str, ...]
    receiver: str

    def means(self, class_name: str, names: frozenset[str]) -> bool:
        """Whether it is a ``class_name`` model: by class, or, unnamed, by one of the names the
        file binds a ``class_name`` to (``model = Net()`` ... ``def train(model)``)."""
        return class_name in self.classes or (not self.classes and self.receiver in names)


@dataclass(frozen=True)
class LossUse:
    """A loss applied to a model's output: ``criterion(model(x), y)``."""

    loss: str  # the module class it computes: "CrossEntropyLoss", "BCEWithLogitsLoss", "DiceLoss"
    path: str  # the file, as shown
    line: int  # the call that computes the loss
    model: ModelRef  # the model whose output it reads
    model_line: int  # the call of the model whose output the loss reads
    applied: tuple[str, ...] = ()  # activations the training code applies in between, model first
    output: int | None = None  # which element of a returned tuple (None: the output itself)
    made_at: int = 0  # the line that builds the loss object (``nn.BCELoss()``), when it is one
    made_in: str = ""  # the file that builds it, when another file passes it in (``train(model, criterion)``)
    key: str = ""  # the entry of a returned dict it reads (``model(x)["logits"]``), "" for none

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class OptimizerUse:
    kind: str  # "SGD", "Adam", "AdamW"
    path: str
    line: int
    column: int
    weight_decay: float | None  # the value given: a literal, a name or an argparse default (None: unknown)
    groups: bool  # parameter groups (a list of dicts) rather than one iterable of parameters
    model: ModelRef | None = None  # whose ``.parameters()`` it is given, when it says
    parameters_of: str = ""  # ``model`` when it is given exactly ``model.parameters()`` (source text)
    end_line: int = 0  # the call's last line


@dataclass(frozen=True)
class ApplyCall:
    """``model.apply(fn)``: ``fn`` runs on every submodule."""

    function: str
    path: str
    line: int
    model: ModelRef
    in_training_loop: bool = False  # inside a loop that also steps the optimizer or back-propagates


@dataclass(frozen=True)
class TrainingCode:
    """What training code does to one model (or what one file does, before attribution)."""

    losses: tuple[LossUse, ...] = ()
    optimizers: tuple[OptimizerUse, ...] = ()
    applies: tuple[ApplyCall, ...] = ()
    files: tuple[str, ...] = ()  # the files read

    def __bool__(self) -> bool:
        return bool(self.losses or self.optimizers or self.applies)

    def described(self) -> tuple[str, ...]:
        """One line per fact, saying where it came from (the model's notes)."""
        lines = []
        for use in self.losses:
            through = f" through {', '.join(use.applied)}" if use.applied else ""
            which = (f" element {use.output} of" if use.output is not None
                     else f" entry {use.key!r} of" if use.key else "")
            lines.append(f"training code: {use.loss} at {use.where} on{which} the output of the model called at "
                         f"line {use.model_line}{through}")
        for optimizer in self.optimizers:
            decay = f", weight_decay {optimizer.weight_decay:g}" if optimizer.weight_decay is not None else ""
            groups = ", parameter groups" if optimizer.groups else ""
            where = f"{optimizer.path}:{optimizer.line}"
            lines.append(f"training code: optimizer {optimizer.kind} at {where}{decay}{groups}")
        for call in self.applies:
            inside = " inside the training loop" if call.in_training_loop else ""
            lines.append(f"training code: model.apply({call.function}) at {call.path}:{call.line}{inside}")
        return tuple(lines)


def callee(call: ast.Call) -> str:
    """The called name's last part: ``torch.optim.SGD(...)`` -> ``SGD``."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def dotted(node: ast.AST) -> str:
    """``torch.nn.functional`` for an attribute chain of names, "" otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[position] if len(positional) > position and len(positional) == len(call.args) else None


class Values:
    """Numbers the file spells out: literals, arithmetic on them, names assigned once in the
    file, and ``args.NAME`` for an ``argparse`` option with a literal default."""

    def __init__(self, tree: ast.Module) -> None:
        bound: dict[str, list[ast.expr | None]] = {}  # name -> what it is bound to (None: unknown)
        self.defaults: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            bound.setdefault(name.id, []).append(node.value if name is target else None)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                bound.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, (ast.AugAssign, ast.For, ast.comprehension, ast.withitem, ast.NamedExpr)):
                target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
                for name in ast.walk(target) if target is not None else ():
                    if isinstance(name, ast.Name):
                        bound.setdefault(name.id, []).append(None)
            elif isinstance(node, ast.arg):  # a function's parameter shadows any constant
                bound.setdefault(node.arg, []).append(None)
            elif isinstance(node, ast.Call) and callee(node) == "add_argument":
                self._argparse_default(node)
        self.names = {name: nodes[0] for name, nodes in bound.items() if len(nodes) == 1 and nodes[0] is not None}

    def _argparse_default(self, call: ast.Call) -> None:
        default = next((k.value for k in call.keywords if k.arg == "default"), None)
        dest = next((k.value.value for k in call.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)),
                    None)
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        long = [f for f in flags if f.startswith("--")] or flags
        if default is None or not long:
            return
        self.defaults[dest or long[0].lstrip("-").replace("-", "_")] = default

    def number(self, node: ast.expr, depth: int = 0) -> float | None:
        if depth > 20:
            return None
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.number(self.names[node.id], depth + 1)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in self.defaults:
            return self.number(self.defaults[node.attr], depth + 1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.number(node.operand, depth + 1)
            return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
        if isinstance(node, ast.BinOp):
            left, right = self.number(node.left, depth + 1), self.number(node.right, depth + 1)
            if left is None or right is None:
                return None
            try:
                value = _BINARY[type(node.op)](left, right)
            except (KeyError, ZeroDivisionError, OverflowError):
                return None
            return value if math.isfinite(value) else None
        return self.literal(node)

    def text(self, node: ast.expr, depth: int = 0) -> str | None:
        """A string the file spells out: a literal, a name assigned once, an ``argparse``
        option's default, a constant key of a dict literal assigned once (``CONFIG["loss"]``)."""
        if depth > 20:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.text(self.names[node.id], depth + 1)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in self.defaults:
            return self.text(self.defaults[node.attr], depth + 1)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                and isinstance(self.names.get(node.value.id), ast.Dict):
            value = dict_value(self.names[node.value.id], self.text(node.slice, depth + 1))
            return self.text(value, depth + 1) if value is not None else None
        return None

    @staticmethod
    def literal(node: ast.expr | None) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        return None


def dict_value(literal: ast.Dict, key: str | None) -> ast.expr | None:
    """The value a dict literal gives for a constant string key."""
    return next((v for k, v in zip(literal.keys, literal.values)
                 if key is not None and isinstance(k, ast.Constant) and k.value == key), None)


_BINARY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b,
    ast.Pow: lambda a, b: a ** b if abs(b) <= 64 else math.inf,
}


def parameter_default(tree: ast.Module, node: ast.expr) -> float | None:
    """The literal default of the function parameter ``node`` names, in the function around it
    (``def fit(model, weight_decay=5e-4)``)."""
    if not isinstance(node, ast.Name):
        return None
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                or not function.lineno <= node.lineno <= (function.end_lineno or 0):
            continue
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                 *zip(args.kwonlyargs, args.kw_defaults)]
        for arg, default in pairs:
            if arg.arg == node.id and default is not None:
                return Values.literal(default)
    return None


def training_batch(loaders: list[ast.Call], values: Values) -> tuple[int | None, ast.AST | None]:
    """The batch size of the training loader: the one that shuffles, else the first that says."""
    def shuffles(call: ast.Call) -> bool:
        node = argument(call, "shuffle", 2)
        return isinstance(node, ast.Constant) and node.value is True

    for call in sorted(loaders, key=lambda c: not shuffles(c)):
        node = argument(call, "batch_size", 1)
        batch = values.number(node) if node is not None else None
        if batch is not None and batch == int(batch) and batch > 0:
            return int(batch), node
    return None, None


def has_warmup(tree: ast.Module) -> bool:
    """A learning-rate warmup: a name, attribute, argument or string that mentions warmup, an
    increasing ``LinearLR``, or ``OneCycleLR`` (which starts with one). Docstrings do not count."""
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        text = (node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
                else node.arg if isinstance(node, (ast.arg, ast.keyword)) and node.arg
                else node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                else node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else "")
        if "warmup" in text.lower().replace("_", "").replace("-", "").replace(" ", ""):
            return True
        if isinstance(node, ast.Call) and callee(node) == "OneCycleLR":
            return True
        if isinstance(node, ast.Call) and callee(node) == "LinearLR":
            start, end = argument(node, "start_factor", 1), argument(node, "end_factor", 2)
            start_value = Values.literal(start) if start is not None else 1 / 3
            end_value = Values.literal(end) if end is not None else 1.0
            if start_value is None or end_value is None or start_value < end_value:
                return True
    return False


def optimizer_calls(tree: ast.Module) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and callee(node) in OPTIMIZERS]


# ---- losses, models and their outputs -------------------------------------------------------

class _Scopes:
    """Where each binding and each use is: the innermost function and class around a node."""

    def __init__(self, tree: ast.Module) -> None:
        self.function: dict[int, ast.AST] = {}
        self.klass: dict[int, ast.ClassDef | None] = {}
        self._visit(tree, tree, None)

    def _visit(self, node: ast.AST, function: ast.AST, klass: ast.ClassDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            self.function[id(child)] = function
            self.klass[id(child)] = klass
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self._visit(child, child, klass)
            elif isinstance(child, ast.ClassDef):
                self._visit(child, child, child)
            else:
                self._visit(child, function, klass)


@dataclass(frozen=True)
class _Binding:
    value: ast.expr
    line: int
    scope: int  # id of the function (or module, or class for self.attributes)
    index: int | None = None  # element of an unpacked tuple


class _FileReader:
    """The loss uses, optimizers and ``apply`` calls of one file."""

    def __init__(self, path: str, tree: ast.Module, given: tuple[tuple[str, str, str, int, str], ...] = (),
                 classes: tuple[str, ...] = (), file: Path | None = None) -> None:
        self.path = path
        self.file = file  # the file on disk, to follow its imports (None: the file alone)
        self.tree = tree
        self.classes = set(classes)  # model classes named in lower case (``_netD``): constructors all the same
        # losses another file passes to this file's functions: (function, parameter) -> (loss, line, file)
        self.given = {(function, parameter): (loss, line, made_in)
                      for function, parameter, loss, line, made_in in given}
        self.scopes = _Scopes(tree)
        self.bindings: dict[str, list[_Binding]] = {}
        self.functional_names = self._functional_imports()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    self._bind(target, node.value, node)

    def _functional_imports(self) -> set[str]:
        """Names imported from torch.nn.functional: ``from torch.nn.functional import cross_entropy``."""
        names = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("torch.nn.functional",):
                names |= {alias.asname or alias.name for alias in node.names}
        return names

    def _scope_key(self, target: ast.AST, node: ast.AST) -> int:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            return id(self.scopes.klass.get(id(node)))
        if isinstance(target, ast.Name):
            return id(self.scopes.function.get(id(node)))
        return 0  # anything else: the whole file

    def _bind(self, target: ast.AST, value: ast.expr, node: ast.AST, index: int | None = None) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                for t, v in zip(target.elts, value.elts):
                    self._bind(t, v, node)
            else:
                for i, t in enumerate(target.elts):
                    if not isinstance(t, ast.Starred):
                        self._bind(t, value, node, i)
            return
        if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            return
        key = ast.unparse(target)
        self.bindings.setdefault(key, []).append(_Binding(value, node.lineno, self._scope_key(target, node), index))
        if isinstance(value, ast.Dict) and index is None:  # losses = {"ce": nn.CrossEntropyLoss()}
            for k, v in zip(value.keys, value.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    for spelled in (f"{key}[{k.value!r}]", f"{key}[{ast.unparse(k)}]", f"{key}.{k.value}"):
                        self.bindings.setdefault(spelled, []).append(
                            _Binding(v, node.lineno, self._scope_key(target, node)))
        if isinstance(value, ast.Call) and callee(value) in ("dict", "ModuleDict", "EasyDict") and index is None:
            for keyword in value.keywords:
                if keyword.arg:
                    for spelled in (f"{key}[{keyword.arg!r}]", f"{key}.{keyword.arg}"):
                        self.bindings.setdefault(spelled, []).append(
                            _Binding(keyword.value, node.lineno, self._scope_key(target, node)))
            if value.args and isinstance(value.args[0], ast.Dict):
                self._bind(target, value.args[0], node)

    def lookup(self, node: ast.expr) -> _Binding | None:
        """The binding a use of a name (or ``self.attr``, or ``d['key']``) reads: the nearest one
        above it in its function, else the module's (or the class's) one; None when ambiguous."""
        candidates = self.bindings.get(ast.unparse(node), [])
        if not candidates:
            return self._passed(node) if isinstance(node, ast.Name) else None
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name):
            own = [b for b in candidates if b.scope == id(self.scopes.function.get(id(node))) and b.line < line]
            if own:
                return own[-1]
            passed = self._passed(node)
            if passed is not None or _parameter_of(self.scopes.function.get(id(node)), node.id):
                return passed  # a parameter hides the module's name
            module = [b for b in candidates if b.scope == id(self.tree)]
            return module[-1] if len(module) == 1 or (module and all(
                ast.dump(b.value) == ast.dump(module[0].value) for b in module)) else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            own_class = id(self.scopes.klass.get(id(node)))
            candidates = [b for b in candidates if b.scope == own_class]  # self.net of this class
            if not candidates:
                return None
        if len({ast.dump(b.value) for b in candidates}) == 1 or len(candidates) == 1:
            return candidates[0]
        return None

    def _passed(self, node: ast.Name) -> _Binding | None:
        """What the calls of the enclosing function pass for the parameter ``node`` names
        (``train(net, loader, criterion=nn.CrossEntropyLoss())``), when they all pass the same."""
        function = self.scopes.function.get(id(node))
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if node.id not in parameters and node.id not in [a.arg for a in function.args.kwonlyargs]:
            return None
        position = parameters.index(node.id) if node.id in parameters else 99
        if parameters[:1] == ["self"]:
            position -= 1
        if position < 0:
            return None
        klass = self.scopes.klass.get(id(function))
        name = klass.name if function.name == "__init__" and klass is not None else function.name
        given = []
        for call in self._calls_of(name):
            if klass is None and not isinstance(call.func, ast.Name):
                continue  # model.train() is not a call of a function train(model, ...)
            value = argument(call, node.id, position)
            if value is None:
                return None
            given.append(value)
        if not given or len({ast.dump(v) for v in given}) != 1:
            return None
        return _Binding(given[0], given[0].lineno, id(self.scopes.function.get(id(given[0]))))

    def _calls_of(self, name: str) -> list[ast.Call]:
        if not hasattr(self, "_calls"):
            self._calls: dict[str, list[ast.Call]] = {}
            for call in ast.walk(self.tree):
                if isinstance(call, ast.Call):
                    self._calls.setdefault(callee(call), []).append(call)
        return self._calls.get(name, [])

    # what an expression is
    def loss_of(self, node: ast.expr, depth: int = 0) -> tuple[str, int, str] | None:
        """(loss class, line that made it, file that made it) when ``node`` is a loss object."""
        if depth > 10:
            return None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and callee(node) in MOVES:  # nn.BCELoss().cuda()
                inner = self.loss_of(node.func.value, depth + 1)
                return (inner[0], node.lineno, inner[2]) if inner is not None else None
            named = self._named_loss(node.func) or self._wrapped_loss(node.func)
            if named is not None or is_loss_class(callee(node)):
                return named or callee(node), node.lineno, self.path
        if isinstance(node, ast.Subscript) and self.lookup(node) is None:  # losses[args.loss]
            chosen = self._chosen(node)
            return self.loss_of(chosen, depth + 1) if chosen is not None else None
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            binding = self.lookup(node)
            if binding is not None and binding.index is None:
                return self.loss_of(binding.value, depth + 1)
            function = self.scopes.function.get(id(node))
            if binding is None and isinstance(node, ast.Name) and isinstance(function, ast.FunctionDef):
                return self.given.get((function.name, node.id))
        return None

    def _chosen(self, node: ast.Subscript) -> ast.expr | None:
        """The value ``table[key]`` picks when the table is a dict literal and the key a string
        the file spells out (an argparse default, a config dict's entry)."""
        binding = self.lookup(node.value)
        if binding is None or not isinstance(binding.value, ast.Dict):
            return None
        return dict_value(binding.value, self.values.text(node.slice))

    def _named_loss(self, func: ast.expr) -> str | None:
        """The loss class a constructor picked by name is: ``getattr(nn, cfg["loss"])``,
        ``LOSSES[args.loss]`` (a dict of loss classes)."""
        if isinstance(func, ast.Call) and callee(func) == "getattr" and len(func.args) == 2 \
                and dotted(func.args[0]) in ("nn", "torch.nn"):
            name = self.values.text(func.args[1])
            return name if name is not None and is_loss_class(name) else None
        chosen = self._chosen(func) if isinstance(func, ast.Subscript) else None
        if isinstance(chosen, (ast.Name, ast.Attribute)) and is_loss_class(dotted(chosen).rpartition(".")[2]):
            return dotted(chosen).rpartition(".")[2]
        return None

    def _wrapped_loss(self, func: ast.expr) -> str | None:
        """The torch loss a loss class of the project computes (defined in this file or imported
        from another): its forward returns ``F.cross_entropy(<its first input>, ...)`` (through a
        reduction or a scale)."""
        definition = self._definition(func)
        if not isinstance(definition, ast.ClassDef):
            return None
        forward = next((n for n in definition.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None)
        return wrapped_loss(forward, skip_self=True) if forward is not None else None

    def _definition(self, func: ast.expr) -> ast.ClassDef | ast.FunctionDef | None:
        """The class or function of the project a call runs: one of this file's, a method of the
        class around the call (``self.adversarial_loss``), or one imported from a project file
        (``from losses import FocalLoss``, ``import models`` ... ``models.create``)."""
        found = self._defined(func)
        return found[0] if found is not None else None

    def _defined(self, func: ast.expr) -> tuple[ast.ClassDef | ast.FunctionDef, ast.Module] | None:
        """``_definition`` with the file's tree it is in."""
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            klass = self.scopes.klass.get(id(func))
            member = _member(klass.body, func.attr) if klass is not None else None
            return (member, self.tree) if member is not None else None
        if isinstance(func, ast.Name):
            own = self.members.get(func.id)
            if own is not None or self.file is None:
                return (own, self.tree) if own is not None else None
            module, name = self.imported_functions.get(func.id, ("", ""))
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and self.file is not None:
            module, name = self.imported_modules.get(func.value.id, ""), func.attr
        else:
            return None
        found = _module_file(self.file, module) if module else None
        tree = parsed(found) if found is not None else None
        member = _member(tree.body, name) if tree is not None else None
        return (member, tree) if member is not None else None

    @functools.cached_property
    def members(self) -> dict[str, ast.ClassDef | ast.FunctionDef]:
        """The file's top-level classes and functions, and those its ``__main__`` block defines."""
        found = {}
        for node in [*_main_block(self.tree), *self.tree.body]:  # (the top level's win)
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                found[node.name] = node
        return found

    @functools.cached_property
    def imported_functions(self) -> dict[str, tuple[str, str]]:
        return _imported_functions(self.tree)

    @functools.cached_property
    def imported_modules(self) -> dict[str, str]:
        return _imported_modules(self.tree)

    @functools.cached_property
    def values(self) -> Values:
        return Values(self.tree)

    def model_of(self, node: ast.expr, depth: int = 0) -> ModelRef | None:
        """The model ``node`` is (its value called gives an output): the classes it may be an
        instance of (several when branches build different ones), or none named and the name
        the code gives it (a function's parameter ``model``)."""
        if depth > 10:
            return None
        if isinstance(node, ast.Name) and node.id == "self":
            klass = self.scopes.klass.get(id(node))
            return ModelRef((klass.name,), "self") if klass is not None else None
        if isinstance(node, ast.Call):
            name = callee(node)
            if name in WRAPPERS:
                inner = node.func.value if isinstance(node.func, ast.Attribute) and name in (
                    "to", "cuda", "cpu", "train", "eval", "float", "double", "half", "to_empty") else (
                    node.args[0] if node.args else None)
                return self.model_of(inner, depth + 1) if inner is not None else None
            if (name[:1].isupper() or name in self.classes) and not is_loss_class(name) \
                    and name not in OPTIMIZERS and name not in NOT_MODELS \
                    and not dotted(node.func).startswith(("nn.", "torch.", "optim.")):
                return ModelRef((name,), "")
            made = self._factory_classes(node.func)
            return ModelRef(made, "") if made else None
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            receiver = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
            binding = self.lookup(node)
            if binding is not None and binding.index is None:
                found = self.model_of(binding.value, depth + 1)
                if found is not None:
                    return ModelRef(self._branch_classes(node, binding, found.classes, depth),
                                    found.receiver or receiver)
            held = self._element(node) if binding is None and isinstance(node, ast.Subscript) else None
            if held is not None:  # nets = [G(), D()] ... nets[1](x)
                return self.model_of(held, depth + 1)
            if binding is None:
                branches = [self.model_of(b.value, depth + 1) for b in self.bindings.get(ast.unparse(node), [])
                            if b.index is None and (b.scope == id(self.scopes.klass.get(id(node)))
                                                    or not ast.unparse(node).startswith("self."))]
                if len(branches) > 1 and all(b is not None and b.classes for b in branches):
                    return ModelRef(tuple(dict.fromkeys(c for b in branches for c in b.classes)), receiver)
            if binding is None and receiver and (any(word in receiver.lower() for word in MODEL_WORDS) or (
                    isinstance(node, ast.Name) and _parameter_of(self.scopes.function.get(id(node)), node.id))):
                return ModelRef((), receiver)  # a model the code does not name: a function's parameter
        return None

    def _element(self, node: ast.Subscript) -> ast.expr | None:
        """The element ``items[1]`` is, when ``items`` is bound to a list or tuple literal."""
        binding = self.lookup(node.value)
        index = node.slice.value if isinstance(node.slice, ast.Constant) else None
        if binding is None or binding.index is not None or not isinstance(binding.value, (ast.List, ast.Tuple)) \
                or not isinstance(index, int) or not -len(binding.value.elts) <= index < len(binding.value.elts):
            return None
        return binding.value.elts[index]

    def _factory_classes(self, func: ast.expr) -> tuple[str, ...]:
        """The model classes a factory function of the project returns (``build_model(args)``,
        ``models.create(name)`` over a dict of classes, ``get_model()``)."""
        found = self._defined(func)
        if found is None or not isinstance(found[0], ast.FunctionDef):
            return ()
        return returned_classes(found[0], found[1])

    def _branch_classes(self, node: ast.expr, binding: _Binding, classes: tuple[str, ...],
                        depth: int) -> tuple[str, ...]:
        """The classes of every model the same scope binds the name to (``if v2: net = UNet2Plus()
        else: net = UNet()``), when they are all models: the nearest binding is one branch."""
        siblings = [b for b in self.bindings.get(ast.unparse(node), []) if b.scope == binding.scope
                    and b.index is None and b is not binding]
        if not classes or not siblings:
            return classes
        models = [self.model_of(b.value, depth + 1) for b in siblings]
        if not all(m is not None and m.classes for m in models):
            return classes
        return tuple(dict.fromkeys([*classes, *(c for m in models for c in m.classes)]))

    def output_of(self, node: ast.expr, applied: tuple[str, ...] = (), output: int | str | None = None,
                  depth: int = 0) -> tuple[ModelRef, int, tuple[str, ...], int | str | None] | None:
        """(model, line of the model call, activations applied, output index or dict key) when
        ``node`` is (a view of) a model's output."""
        if depth > 12:
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str) and output is None and self.lookup(node) is None:
            found = self.output_of(node.value, applied, node.slice.value, depth + 1)  # model(x)["logits"]
            if found is not None:
                return found
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, int) and output is None:
            found = self.output_of(node.value, applied, node.slice.value, depth + 1)
            if found is not None:
                return found
        if isinstance(node, ast.Subscript) and not (isinstance(node.slice, ast.Constant)
                                                    and isinstance(node.slice.value, (int, str))):
            return self.output_of(node.value, applied, output, depth + 1)  # out[:, 0]: a part of it
        if isinstance(node, ast.Call):
            name = callee(node)
            activation = self._activation(node)
            if activation is not None:
                kind, inner = activation
                return self.output_of(inner, (kind, *applied), output, depth + 1) if inner is not None else None
            if isinstance(node.func, ast.Attribute) and name in PASS_THROUGH:
                if dotted(node.func.value) == "torch":  # torch.squeeze(out)
                    return self.output_of(node.args[0], applied, output, depth + 1) if node.args else None
                return self.output_of(node.func.value, applied, output, depth + 1)
            receiver = node.func.value if isinstance(node.func, ast.Attribute) and name == "forward" else node.func
            model = self.model_of(receiver)
            if model is not None:
                return model, node.lineno, applied, output
            return None
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            binding = self.lookup(node)
            if binding is not None:
                index = binding.index if binding.index is not None else output
                if binding.index is not None and output is not None:
                    return None
                return self.output_of(binding.value, applied, index, depth + 1)
        return None

    def _activation(self, call: ast.Call) -> tuple[str, ast.expr | None] | None:
        """(kind, what it is applied to) for ``torch.sigmoid(x)``, ``x.softmax(1)``,
        ``nn.Softmax(dim=1)(x)``, ``F.log_softmax(x, 1)``."""
        func = call.func
        if isinstance(func, ast.Call) and callee(func) in ACTIVATIONS and callee(func)[:1].isupper():
            return ACTIVATIONS[callee(func)], call.args[0] if call.args else None
        name = callee(call)
        if name not in ACTIVATIONS or name[:1].isupper():
            return None
        if isinstance(func, ast.Attribute) and dotted(func.value) not in FUNCTIONAL_MODULES:
            return ACTIVATIONS[name], func.value  # x.sigmoid()
        return ACTIVATIONS[name], (call.args[0] if call.args else argument(call, "input", 0))

    def loss_uses(self) -> list[LossUse]:
        uses = []
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            loss = self._loss_called(node)
            if loss is None:
                continue
            prediction = argument(node, "input", 0)
            found = self.output_of(prediction) if prediction is not None else None
            if found is None:
                continue
            model, model_line, applied, output = found
            made = self.loss_of(node.func)
            key = output if isinstance(output, str) else ""
            uses.append(LossUse(loss, self.path, node.lineno, model, model_line, applied, None if key else output,
                                made[1] if made else 0, made[2] if made and made[2] != self.path else "", key))
        return uses

    def _loss_called(self, call: ast.Call) -> str | None:
        name = callee(call)
        if name in FUNCTIONAL_LOSSES:
            module = dotted(call.func.value) if isinstance(call.func, ast.Attribute) else ""
            if module in FUNCTIONAL_MODULES or (isinstance(call.func, ast.Name) and name in self.functional_names):
                return FUNCTIONAL_LOSSES[name]
            return None
        func = call.func.value if isinstance(call.func, ast.Attribute) and name == "forward" else call.func
        found = self.loss_of(func)
        if found:
            return found[0]
        definition = self._definition(call.func)
        if isinstance(definition, ast.FunctionDef):  # def adversarial_loss(self, y_hat, y): return F.bce(y_hat, y)
            wrapped = wrapped_loss(definition, skip_self=isinstance(call.func, ast.Attribute))
            if wrapped is not None:
                return wrapped
        if not name[:1].isupper() and any(word in name.lower() for word in MASK_LOSS_WORDS):
            return MASK_LOSS_WORDS[next(w for w in MASK_LOSS_WORDS if w in name.lower())]  # dice_loss(out, mask)
        return None

    def optimizers(self) -> list[OptimizerUse]:
        found = []
        values = Values(self.tree)
        for call in optimizer_calls(self.tree):
            decay = argument(call, "weight_decay", {"SGD": 4, "Adam": 4, "AdamW": 4}.get(callee(call), 99))
            params = argument(call, "params", 0)
            groups = isinstance(params, (ast.List, ast.Tuple)) and any(isinstance(e, ast.Dict) for e in params.elts)
            trained = next((self.model_of(n.func.value) for n in ast.walk(params) if isinstance(n, ast.Call)
                            and callee(n) in ("parameters", "named_parameters") and isinstance(n.func, ast.Attribute)),
                           None) if params is not None else None
            plain = isinstance(params, ast.Call) and callee(params) == "parameters" and not params.args \
                and not params.keywords and isinstance(params.func, ast.Attribute)
            found.append(OptimizerUse(callee(call), self.path, call.lineno, call.col_offset + 1,
                                      values.number(decay) if decay is not None else None, groups, trained,
                                      ast.unparse(params.func.value) if plain else "", call.end_lineno or call.lineno))
        return found

    def applies(self) -> list[ApplyCall]:
        found = []
        loops = [node for node in ast.walk(self.tree) if isinstance(node, (ast.For, ast.While)) and _trains(node)]
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and callee(node) == "apply" and isinstance(node.func, ast.Attribute) \
                    and len(node.args) == 1:
                model = self.model_of(node.func.value)
                if model is not None:
                    in_loop = any(node in set(ast.walk(loop)) for loop in loops)
                    found.append(ApplyCall(ast.unparse(node.args[0]), self.path, node.lineno, model, in_loop))
        return found


def wrapped_loss(function: ast.FunctionDef, skip_self: bool) -> str | None:
    """The torch loss a function (or a method, ``skip_self``) computes on its first input:
    ``return F.binary_cross_entropy_with_logits(inputs, targets)``, maybe scaled or reduced."""
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)][1 if skip_self else 0:]
    if not parameters:
        return None
    losses = {FUNCTIONAL_LOSSES[callee(n)] for n in ast.walk(function) if isinstance(n, ast.Call)
              and callee(n) in FUNCTIONAL_LOSSES and n.args and _first_input(n.args[0]) == parameters[0]}
    return losses.pop() if len(losses) == 1 else None


def _first_input(node: ast.expr) -> str:
    """The name a loss's input is, through reshapes: ``inputs.view(-1)`` -> ``inputs``."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in PASS_THROUGH:
        node = node.func.value
    return node.id if isinstance(node, ast.Name) else ""


def returned_classes(function: ast.FunctionDef, tree: ast.Module | None = None) -> tuple[str, ...]:
    """The model classes a factory function returns: ``return Net(...)``, a name it bound to one
    (``model = Net(); ...; return model``), ``nn.DataParallel(Net())``, or a class picked from a
    dict of classes (``return FACTORY[name](n)``), named in its file."""
    local: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            local.setdefault(node.targets[0].id, []).append(node.value)
    module: dict[str, ast.expr] = {}
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            module[node.targets[0].id] = node.value

    def made(node: ast.expr | None, depth: int) -> list[str]:
        if node is None or depth > 6:
            return []
        if isinstance(node, ast.Name):
            values = local.get(node.id) or ([module[node.id]] if node.id in module else [])
            return [c for value in values for c in made(value, depth + 1)]
        if not isinstance(node, ast.Call):
            return []
        name = callee(node)
        if isinstance(node.func, ast.Attribute) and name in MOVES | {"train", "eval"}:
            return made(node.func.value, depth + 1)
        if name in WRAPPERS:
            return made(node.args[0] if node.args else None, depth + 1)
        if isinstance(node.func, ast.Subscript):  # FACTORY[name](n)
            table = node.func.value
            table = module.get(table.id) if isinstance(table, ast.Name) else None
            if isinstance(table, ast.Dict):
                return [v.id for v in table.values if isinstance(v, ast.Name) and v.id[:1].isupper()]
            return []
        if name[:1].isupper() and not is_loss_class(name) and name not in OPTIMIZERS and name not in NOT_MODELS \
                and not dotted(node.func).startswith(("nn.", "torch.", "optim.")):
            return [name]
        return []

    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
    return tuple(dict.fromkeys(c for value in returns for c in made(value, 0)))


def _member(body: list[ast.stmt], name: str) -> ast.ClassDef | ast.FunctionDef | None:
    return next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == name), None)


def _main_block(tree: ast.Module) -> list[ast.stmt]:
    """The statements of ``if __name__ == "__main__":`` (classes and functions a script defines there)."""
    return [statement for node in tree.body if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
            for statement in node.body]


def _imported_modules(tree: ast.Module) -> dict[str, str]:
    """``import train`` / ``import utils.losses as L`` / ``from pkg import train``: the name -> the module."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname or "." not in alias.name:
                    found[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level <= 1:
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")
    return found


def _parameter_of(function: ast.AST | None, name: str) -> bool:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return False
    arguments = function.args
    return name in [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                    *filter(None, (arguments.vararg, arguments.kwarg)))]


def _trains(loop: ast.For | ast.While) -> bool:
    """The loop steps an optimizer or back-propagates: ``loss.backward()``, ``optimizer.step()``."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("backward", "step")
               and not n.args for n in ast.walk(loop))


def read_file(path: str, tree: ast.Module, given: tuple[tuple[str, str, str, int, str], ...] = (),
              classes: tuple[str, ...] = (), file: Path | None = None) -> TrainingCode:
    """Everything one file's code does in training, models not yet told apart (``given``: the
    losses callers in other files pass to its functions' parameters; ``file``: where it is on
    disk, to follow its imports)."""
    reader = _FileReader(path, tree, given, classes, file)
    return TrainingCode(tuple(reader.loss_uses()), tuple(reader.optimizers()), tuple(reader.applies()), (path,))


@functools.lru_cache(maxsize=256)
def _read_path(path: str, shown: str, key: tuple, given: tuple = (), classes: tuple[str, ...] = ()) -> TrainingCode:
    tree = parsed(path)
    return TrainingCode() if tree is None else read_file(shown, tree, given, classes, Path(path))


@functools.lru_cache(maxsize=256)
def _bound_names(path: str, key: tuple, class_name: str, classes: tuple[str, ...] = ()) -> frozenset[str]:
    """The names one file binds a ``class_name`` model to (``model = Net().to(device)``,
    ``self.net = Net()``): what its code that does not name the class may mean."""
    tree = parsed(path)
    if tree is None:
        return frozenset()
    reader = _FileReader(path, tree, classes=classes, file=Path(path))
    names = set()
    for key_text, bindings in reader.bindings.items():
        for binding in bindings:
            model = reader.model_of(binding.value) if binding.index is None else None
            if model is not None and class_name in model.classes:
                names.add(key_text.rpartition(".")[2])
    return frozenset(names)


def training_for(model_file: Path, class_name: str, shown: Callable[[Path], str] = str) -> TrainingCode:
    """What the training code does to the model ``class_name`` defined in ``model_file``: its
    own file (``__main__`` block included) and the project's files that import it. Code that
    does not name the model's class (a ``train(model, ...)`` function's parameter, never
    called in the file) counts when it calls the model by a name the file binds a
    ``class_name`` to."""
    files = [model_file, *_importers(model_file, class_name)]
    lowered = _lower_case(class_name, model_file)
    losses, optimizers, applies, read = [], [], [], []
    handed: list[_Handoff] = []
    for file in files:
        key = version(file)
        code = _read_path(str(file), shown(file), key, classes=lowered)
        handed += _handoffs(file, key, class_name, shown, lowered)
        if not code:
            continue
        names = _bound_names(str(file), key, class_name, lowered)
        losses += [use for use in code.losses if use.model.means(class_name, names)]
        applies += [call for call in code.applies if call.model.means(class_name, names)]
        optimizers += [o for o in code.optimizers if o.model is not None and o.model.means(class_name, names)]
        read.append(shown(file))
    seen = {(use.path, use.line) for use in losses}
    for handoff in handed:
        code = _read_path(str(handoff.file), shown(handoff.file), version(handoff.file), handoff.losses,
                          lowered)
        found = [use for use in code.losses if use.model.means(class_name, handoff.models)
                 and (use.path, use.line) not in seen]
        seen |= {(use.path, use.line) for use in found}
        losses += found
        if found and shown(handoff.file) not in read:
            read.append(shown(handoff.file))
    return TrainingCode(tuple(losses), tuple(optimizers), tuple(applies), tuple(read))


@functools.lru_cache(maxsize=64)
def _lower_case(class_name: str, model_file: Path) -> tuple[str, ...]:
    """Model classes whose names do not say they are classes (``_netD``, and the model file's
    other such classes, which branches may build instead): calls of them build a model."""
    if class_name[:1].isupper():
        return ()
    tree = parsed(model_file)
    defined = module_classes(tree) if tree is not None else set()
    return tuple(sorted({class_name, *(name for name in defined if not name[:1].isupper())}))


@dataclass(frozen=True)
class _Handoff:
    """A function of another project file that a caller gives the model (and maybe its loss):
    ``from train import train`` ... ``train(model, loader, criterion)``."""

    file: Path
    models: frozenset[str]  # the callee's parameters that receive the model
    losses: tuple[tuple[str, str, str, int, str], ...]  # (function, parameter, loss, line, file) it receives


def _handoffs(file: Path, key: tuple, class_name: str, shown: Callable[[Path], str],
              classes: tuple[str, ...] = ()) -> list[_Handoff]:
    """The functions imported from the project's other files that ``file`` calls with a
    ``class_name`` model: directly, or as a process's ``target`` with its ``args``."""
    tree = parsed(file)
    if tree is None:
        return []
    reader = _FileReader(shown(file), tree, classes=classes, file=file)
    names = _bound_names(str(file), key, class_name, classes)
    imported = dict(_imported_functions(tree))
    for name, module in _imported_modules(tree).items():  # import train ... train.dann(model, ...)
        imported.update({f"{name}.{n.name}": (module, n.name) for n in _module_functions(file, module)})
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        target, args, keywords = _called_with(call)
        if target not in imported:
            continue
        callee_file = _module_file(file, imported[target][0])
        function = _function(callee_file, imported[target][1]) if callee_file is not None else None
        if function is None:
            continue
        parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if function.name == "__init__":
            parameters = parameters[1:]  # self
        passed = [*zip(parameters, args), *keywords]
        models = frozenset(p for p, value in passed if _is_model(reader, value, class_name, names))
        if not models:
            continue
        losses = []
        for parameter, value in passed:
            made = reader.loss_of(value)
            if made is not None:
                losses.append((function.name, parameter, made[0], made[1], made[2]))
        found.append(_Handoff(callee_file, models, tuple(losses)))
    return found


def _is_model(reader: _FileReader, value: ast.expr, class_name: str, names: frozenset[str]) -> bool:
    model = reader.model_of(value)
    return model is not None and model.means(class_name, names)


def _called_with(call: ast.Call) -> tuple[str, list[ast.expr], list[tuple[str, ast.expr]]]:
    """The function a call runs and what it is given: ``train(model, crit)``, or
    ``mp.Process(target=train, args=(model, crit))``."""
    target = next((k.value for k in call.keywords if k.arg == "target"), None)
    if isinstance(target, ast.Name):
        given = next((k.value for k in call.keywords if k.arg == "args"), None)
        args = list(given.elts) if isinstance(given, (ast.Tuple, ast.List)) else []
        return target.id, args, []
    func = call.func
    if isinstance(func, ast.Name) or isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return (ast.unparse(call.func), [a for a in call.args if not isinstance(a, ast.Starred)],
                [(k.arg, k.value) for k in call.keywords if k.arg])
    return "", [], []


def _module_functions(file: Path, module: str) -> list[ast.FunctionDef | ast.ClassDef]:
    """The top-level functions and classes of a project module ``file`` imports, [] for another module."""
    found = _module_file(file, module)
    tree = parsed(found) if found is not None else None
    return [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))] if tree is not None else []


def _imported_functions(tree: ast.Module) -> dict[str, tuple[str, str]]:
    """``from run import train as fit`` -> {"fit": ("run", "train")}: names imported from modules."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level <= 1:
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
    return found


def _module_file(file: Path, module: str) -> Path | None:
    """The project file a module name means, next to ``file`` or under the project's root (a
    module, else a package's ``__init__.py``)."""
    relatives = (Path(*module.split(".")).with_suffix(".py"), Path(*module.split("."), "__init__.py"))
    try:
        bases = [file.parent, project_root(file)]
    except OSError:
        return None
    return next((base / relative for relative in relatives for base in bases if (base / relative).is_file()), None)


def _function(file: Path, name: str) -> ast.FunctionDef | None:
    """The file's function ``name``, or the ``__init__`` of its class ``name`` (a trainer given
    the model and the criterion)."""
    tree = parsed(file)
    if tree is None:
        return None
    found = next((node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and node.name == name), None)
    if isinstance(found, ast.ClassDef):
        return next((node for node in found.body if isinstance(node, ast.FunctionDef) and node.name == "__init__"),
                    None)
    return found


def _importers(model_file: Path, class_name: str) -> list[Path]:
    """The project's files that import the model's module and name its class."""
    module = model_file.stem
    try:
        resolved = model_file.resolve()
        texts = _project_texts(project_root(model_file))
    except OSError:
        return []
    names = (class_name, *_factories(resolved, class_name))
    found = [file for file, text in texts if any(name in text for name in names) and module in text
             and file != resolved and _imports(file, version(file), resolved)]
    return found[:MAX_SCRIPTS]


def _factories(model_file: Path, class_name: str) -> tuple[str, ...]:
    """The model file's functions that return a ``class_name`` model (``models.create(name)``)."""
    tree = parsed(model_file)
    return tuple(node.name for node in (tree.body if tree is not None else ())
                 if isinstance(node, ast.FunctionDef) and class_name in returned_classes(node, tree))


@functools.lru_cache(maxsize=1024)
def _imports(file: Path, key: tuple, model_file: Path) -> bool:
    """Whether ``file`` imports the model's module (or a name from it), resolved the way
    discovery resolves imports; an import of a module of that name that resolution cannot find
    (a path set up at run time) counts too. Another file's ``Discriminator`` is not this one."""
    reached = imported_project_files(file)
    return any(path == model_file for _, path in reached) or any(
        path is None and module.rpartition(".")[2] == model_file.stem for module, path in reached)


@functools.lru_cache(maxsize=8)
def _project_texts(root: Path) -> tuple[tuple[Path, str], ...]:
    """The project's Python files that import something, with their text: read once per
    process for all the models of a project."""
    texts = []
    for count, file in enumerate(python_files(root)):
        if count >= MAX_SCRIPTS * 10:
            break
        try:
            text = read_source(file)
        except (OSError, UnicodeDecodeError):
            continue
        if "import" in text:
            texts.append((file.resolve(), text))
    return tuple(texts)


def module_classes(tree: ast.Module) -> set[str]:
    """The classes the file defines that derive from an ``nn.Module`` (a base whose name says
    Module, or another such class of the file)."""
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found: set[str] = set()
    for _ in range(3):
        for node in classes:
            if any("Module" in ast.unparse(base) or ast.unparse(base).rpartition(".")[2] in found
                   for base in node.bases):
                found.add(node.name)
    return found


def model_calls_of_forward(path: str, tree: ast.Module) -> list[tuple[ast.Call, str]]:
    """``model.forward(x)`` calls outside any class body, on something that is a model."""
    reader = _FileReader(path, tree)
    modules = module_classes(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "forward"):
            continue
        receiver = node.func.value
        if reader.scopes.klass.get(id(node)) is not None or isinstance(receiver, ast.Call):
            continue  # a module's own forward calling parts; super().forward(x)
        model = reader.model_of(receiver)
        if model is None:
            continue
        named = f"{ast.unparse(receiver)} {model.receiver} {' '.join(model.classes)}".lower()
        # (an old-style autograd Function has a .forward too: a model by its name or its class)
        if any(word in named for word in MODEL_WORDS) or set(model.classes) & modules:
            found.append((node, ast.unparse(receiver)))
    return found


# ---- training loops ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SingleStep:
    """An ``optimizer.step()`` that runs once: in no loop, and in a function every call of which
    is in no loop either, reached from the file's top level or its ``__main__`` block."""

    call: ast.Call
    optimizer: str  # the receiver, as written
    chain: tuple[tuple[str, int], ...]  # the functions that hold it, innermost first, with the line calling each


class _Loops:
    """For each node, whether a loop (``for``, ``while``, a comprehension) of its own function
    surrounds it."""

    LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def __init__(self, tree: ast.Module) -> None:
        self.inside: set[int] = set()
        self._visit(tree, False)

    def _visit(self, node: ast.AST, looped: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                self._visit(child, False)
                continue
            if looped:
                self.inside.add(id(child))
            self._visit(child, looped or isinstance(node, self.LOOPS) and child is not getattr(node, "iter", None))


def _is_optimizer(reader: _FileReader, node: ast.expr) -> bool:
    """``optimizer``, ``self.opt_g``, or a name bound to ``torch.optim.X(...)``."""
    binding = reader.lookup(node)
    if binding is not None and isinstance(binding.value, ast.Call):
        return callee(binding.value) in OPTIMIZERS
    name = ast.unparse(node).rpartition(".")[2].lower()
    return ("optim" in name or name.startswith("opt")) and "sched" not in name


def _local(reader: _FileReader, name: ast.Name) -> bool:
    """``name`` is a parameter or a local variable of the function it is used in."""
    function = reader.scopes.function.get(id(name))
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return False
    arguments = function.args
    if name.id in {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}:
        return True
    return any(b.scope == id(function) for b in reader.bindings.get(name.id, []))


def single_steps(path: str, tree: ast.Module, max_depth: int = 4) -> list[SingleStep]:
    """The optimizer steps of a file that run once (see ``SingleStep``). A function never
    called in the file (a ``train_step`` another file's loop calls, a method), a function
    passed as a value (a callback, a closure), a test function and a step given a closure
    (LBFGS iterates inside the step) are not judged."""
    reader = _FileReader(path, tree)
    loops = _Loops(tree)
    called_names = {id(call.func) for call in ast.walk(tree) if isinstance(call, ast.Call)}
    passed = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
              and id(node) not in called_names and not _local(reader, node)}

    def once(node: ast.AST, depth: int) -> tuple[tuple[str, int], ...] | None:
        """The chain of calls by which ``node`` runs once from the top level, or None."""
        if id(node) in loops.inside:
            return None
        function = reader.scopes.function.get(id(node))
        if function is reader.tree:
            return ()
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or depth >= max_depth \
                or reader.scopes.klass.get(id(function)) is not None or function.name.startswith("test") \
                or function.name in passed:
            return None
        calls = [call for call in reader._calls_of(function.name) if isinstance(call.func, ast.Name)]
        if not calls:
            return None
        chains = [once(call, depth + 1) for call in calls]
        if any(chain is None for chain in chains):
            return None
        return ((function.name, calls[0].lineno), *chains[0])

    steps = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "step" and not node.args and not node.keywords
             and _is_optimizer(reader, node.func.value)]
    # a step before the loop that steps the same optimizer again (a warm-up's zero step) is not the training
    def key(step: ast.Call) -> tuple[int, str]:
        return id(reader.scopes.function.get(id(step))), ast.unparse(step.func.value)

    looped = {key(step) for step in steps if once(step, 0) is None}
    found = []
    for step in steps:
        chain = once(step, 0)
        if chain is not None and key(step) not in looped:
            found.append(SingleStep(step, ast.unparse(step.func.value), chain))
    return found
