"""The attributes of an options object (``def __init__(self, args): n_feats = args.n_feats``)
that none of the project's parsers gives, completed as a constructor parameter of the same
name would be: by the convention of the attribute's name (``args.n_resblocks``: a depth, 2;
``args.n_colors``: 3 channels), a list of it when the model indexes it (``args.scale[0]``),
False for a flag the model only tests (``if args.dilation:``), a section of guesses for one
it reads keys of (``cfg.MODEL.WIDTH``: ``guessed_config``). What the constructor asserts
of the options (``assert para.future_frames == 0``) is set first: the project runs that
model with those values. Each completed attribute is said, so the report can say
"args.n_resblocks guessed 2 (by its name)"."""

from __future__ import annotations

import argparse
import ast
import copy
import inspect
from dataclasses import replace
from pathlib import Path
from typing import Any

from netlint.arguments.guessed import meaning
from netlint.arguments.guessed_config import GuessedConfig
from netlint.arguments.options import OPTION_NAMES, Options, own_init
from netlint.arguments.project_text import file_tree
from netlint.source import parse_function


def asserted(factory: Any, name: str) -> dict[str, Any]:
    """``assert para.future_frames == 0 and para.past_frames == 0`` in the constructor:
    {'future_frames': 0, 'past_frames': 0}."""
    init = own_init(factory) if inspect.isclass(factory) else factory
    tree = _function_tree(init)
    found: dict[str, Any] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.Assert):
            continue
        tests = node.test.values if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And) \
            else [node.test]
        for test in tests:
            if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) \
                    and _attribute_of(test.left, name) and isinstance(test.comparators[0], ast.Constant):
                found[test.left.attr] = test.comparators[0].value
    return found


def completed(options: Options | None, reads: set[str], factory: Any, name: str
              ) -> tuple[Options | None, str | None]:
    """The options with what the constructor asserts set and each attribute it reads that
    they lack guessed; without a parser, options of guesses alone. And the first attribute
    no convention covers (then no options)."""
    namespace = copy.copy(options.namespace) if options is not None else argparse.Namespace()
    texts: list[str] = []
    fixed = {k: v for k, v in asserted(factory, name).items() if getattr(namespace, k, v) != v or k not in
             vars(namespace)}
    for attribute, value in fixed.items():
        setattr(namespace, attribute, value)
    if fixed:
        texts.append(f"{' and '.join(f'{name}.{k} {v!r}' for k, v in fixed.items())} as the constructor asserts")
    lacking = sorted(reads - set(vars(namespace)))
    kept_missing = set(options.missing) if options is not None else set()
    uses = _uses(factory, lacking)
    guessed: dict[str, Any] = {}
    for attribute in lacking:
        if options is not None and attribute in dict(options.set_by_scripts):
            return None, attribute  # the scripts compute it: named, not guessed
        value = _guess(attribute, uses.get(attribute, set()), name)
        if value is None:
            return None, attribute
        guessed[attribute] = value
        setattr(namespace, attribute, value)
    values = {k: v for k, v in guessed.items() if not isinstance(v, GuessedConfig)}
    sections = [f"{name}.{k}" for k, v in guessed.items() if isinstance(v, GuessedConfig)]
    if values:
        texts.append(f"{', '.join(f'{name}.{k} {v!r}' for k, v in values.items())} guessed "
                     f"(by {'its name' if len(values) == 1 else 'their names'})")
    if sections:
        texts.append(f"{' and '.join(sections)} {'a section' if len(sections) == 1 else 'sections'} of guesses "
                     "(by the names of the keys the model reads)")
    if options is None:
        return Options(namespace, "", (), completions=tuple(texts), has_guesses=bool(guessed)), None
    return replace(options, namespace=namespace, missing=tuple(sorted(kept_missing - set(vars(namespace)))),
                   completions=options.completions + tuple(texts), has_guesses=bool(guessed)), None


def _guess(attribute: str, uses: set[str], name: str) -> Any:
    found = meaning(attribute)
    if found is None and "section" in uses:
        return GuessedConfig(f"{name}.{attribute}")
    if found is None:
        return False if uses == {"tested"} else None
    value = found[1]
    return [value] if "indexed" in uses else value


def _uses(factory: Any, attributes: list[str]) -> dict[str, set[str]]:
    """How the model's file uses each attribute of an options object (``args.x`` or
    ``self.args.x``): "indexed" (``args.scale[0]``), "tested" (``if args.dilation:``) or "read"."""
    wanted = set(attributes)
    tree = _file_tree(factory) if wanted else None
    found: dict[str, set[str]] = {}
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree) if tree is not None else ():
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node, parent in parents.items():
        if not (isinstance(node, ast.Attribute) and node.attr in wanted and _options_like(node.value)):
            continue
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = parent.slice
            use = "section" if isinstance(key, ast.Constant) and isinstance(key.value, str) else "indexed"
        elif isinstance(parent, ast.Attribute) and not (isinstance(parents.get(parent), ast.Call)
                                                        and parents[parent].func is parent):
            use = "section"  # cfg.MODEL.WIDTH, not args.scale.split('+')
        elif isinstance(parent, (ast.If, ast.IfExp, ast.While)) and parent.test is node or \
                isinstance(parent, ast.BoolOp) or isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            use = "tested"
        else:
            use = "read"
        found.setdefault(node.attr, set()).add(use)
    return found


def _options_like(node: ast.expr) -> bool:
    """``args``, ``self.opt``: a name, or an attribute of ``self``, that options go by."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        node = ast.Name(node.attr)
    return isinstance(node, ast.Name) and (node.id.lower() in OPTION_NAMES or
                                           bool(set(node.id.lower().split("_")) & OPTION_NAMES))


def _attribute_of(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name


def _function_tree(function: Any) -> ast.AST | None:
    try:
        return parse_function(function)
    except (OSError, TypeError, SyntaxError, ValueError):
        return None


def _file_tree(factory: Any) -> ast.Module | None:
    try:
        return file_tree(Path(inspect.getsourcefile(factory) or ""))
    except (TypeError, OSError):
        return None
