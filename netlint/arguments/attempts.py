"""The calls to try, in order, to build a target (README, "Constructor arguments"):

1. the arguments given (command line, config);
2. a class that needs no arguments: the sections of the project's configuration files that
   name it (``network_G: {which_model_G: Net, nf: 64, ...}``: the configuration the project
   builds, over the class's defaults), then its defaults;
3. the zero-argument factories that return it (``class_scan.factories``: any decorator, an
   options object made inside, through helpers given the class or a chain of helpers,
   ``partial``; not one that only passes its ``**kwargs`` on to a class that needs arguments):
   its file's, then those of the project's files that import it; and its zero-argument
   classmethod constructors;
4. the calls of the project's code with constant arguments (of the class, of those factories,
   of its classmethod constructors): its file's, the instance its top level built, the
   tests', the other files'; the sections of the project's configuration files that name
   the class (``network_g: {type: Net, ...}``); modules among the arguments (``Net(vgg, decoder)`` with
   module-level objects of the model's file, ``Pair(Encoder(), Decoder())``) are evaluated
   in the model's module when it is built; then the calls whose other arguments are left at
   their defaults; then the factories that need arguments (``resnet50(num_classes)``), with
   them guessed by meaning; among several factories of the class, the one the project's
   scripts name as a default first, then the one its files call most (``from_code.preferred``);
5. a class that takes its base's arguments (no ``__init__`` of its own, or one that passes
   ``*args, **kwargs`` on): the same sources of the base;
6. for options objects (``args``, ``opt``, ``cfg``...; also one defaulting to None that the
   constructor's blocks read, after the defaults when nothing else is required): the defaults
   of the project's argparse parsers (``netlint.arguments.options``), the other parameters
   from options of their name, else guessed; for a configuration
   read by key (``config['ngf']``, ``cfg.MODEL.X``): the project's YAML/JSON/TOML files
   (``netlint.arguments.config_files``);
7. a guess: what the code says about a parameter (``netlint.arguments.code_hints``: a key of a
   table of its file, a module of the same name, layers a function of the file makes, a
   configuration file of the project, a configuration object the project's code makes:
   ``netlint.arguments.made_configs``; the default of a scripts' option of its name:
   ``netlint.arguments.script_options``), else its meaning (``netlint.arguments.guessed``); a
   key or a count that does not build is tried at its other values, never at one the
   constructor rejects (``netlint.arguments.constraints``); then the classmethod
   constructors that need arguments, with guessed ones (``from_name(model_name)``).

One rule decides between an error and a skip when nothing builds: what the user or the
project's code gave is an error; what netlint made up (a guess, arguments left at their
defaults, the base's arguments, options from argparse defaults or configuration files) is a skip."""

from __future__ import annotations

import ast
import copy
import inspect
import itertools
import reprlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from netlint.arguments.call import LEFT_OUT, ArgumentsError, evaluate
from netlint.arguments.config_files import config_parameters, configured_calls
from netlint.arguments.from_code import (CodeArguments, ProjectCall, arguments_from_code,
                                         constructors_with_arguments)
from netlint.arguments.guessed import GUESSED, guess, guesses
from netlint.arguments.guessed_config import GUESSED_CONFIG, GuessedConfig, read_by_keys
from netlint.arguments.instances import Instance
from netlint.arguments.keyed_options import DICT_OF, keyed_parameters, makes_option_dicts
from netlint.arguments.made_configs import is_config_parameter, made_configs, table_configs
from netlint.arguments.named_sections import named_calls
from netlint.arguments.options import options_parameters, own_init, project_options
from netlint.arguments.options_guesses import asserted, completed
from netlint.arguments.script_options import option_default, snake
from netlint.arguments.usage import WithStandIns, has_stand_ins
from netlint.paths import display_path
from netlint.project import project_root
from netlint.source import parse_function
from netlint.target import Target

_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxtuple = 40, 40, 8, 8


@dataclass(frozen=True)
class Attempt:
    args: tuple
    kwargs: dict[str, Any]
    call: str  # how the report shows it: "UNet(n_channels=3, n_classes=2)"; "" without arguments
    source: str  # where the arguments come from: "given", "test.py:25", "guessed from parameter names"
    inputs: tuple[tuple[int, ...], ...] = ()  # the example input the same code passes to it
    guessed: bool = False  # made up by netlint: a failure to build is a skip, not an error
    last: bool = False  # options completed by guesses: tried after the project's configurations
    callee: Any = None  # what to call instead of the target: a factory or a classmethod constructor


class NeedsArguments(Exception):
    """No arguments were found or can be guessed; the message says which are needed."""


def attempts(factory: Any, target: Target, namespace: dict[str, Any],
             instances: dict[type, Instance]) -> Iterable[Attempt]:
    if target.arguments is not None:
        args, kwargs = evaluate(target.arguments, namespace)
        return [Attempt(args, kwargs, f"{target.name}({target.arguments})", target.arguments_from)]
    required = [p.name for p in constructor_parameters(factory) if p.default is p.empty]
    required += [n for n in called_none_defaults(factory) if n not in required]
    none_options = [n for n in read_none_options(factory) if n not in required]
    sources = _sources(target)
    plain = next((c for c in sources if not c.arguments and not c.callee and c.inputs), None)  # Net()(x)
    defaults = Attempt((), {}, "", plain.where if plain else "", plain.inputs if plain else ())
    # the factories of other files that need arguments come after every other source: netlint guesses them
    elsewhere = [c for c in sources if c.guess and c.callee_file]
    found = [_from_code(call, target.name, factory, namespace) for call in sources
             if (call.arguments or call.callee) and call not in elsewhere]
    instance = instances.get(factory)
    if instance is not None:  # after its own file's calls
        own = display_path(target.path) if target.path else None
        position = sum(c.where.rpartition(":")[0] == own and not c.left_out for c in sources
                       if c.arguments or c.callee)
        found.insert(position, Attempt((), instance.kwargs, _shown(target.name, (), instance.kwargs),
                                       f"the top level of {instance.where}"))
    found += _from_bases(factory, target, namespace, instances)
    found = [a for a in found if a is not None]
    if not required:  # the configuration sections that name it (what the project builds: its options over the
        # class's defaults), then its defaults; the project's ways if they do not build, the other files' last
        named = list(_from_named_sections(factory, target))
        return itertools.chain(_unique([*named, defaults, *found]),
                               _other_files(factory, target, namespace),
                               _none_options(factory, target, namespace, none_options, sources),
                               _constructors_guessed(factory, target, namespace))
    required += none_options
    found += _from_named_sections(factory, target)
    options = options_parameters(factory, required)
    last: list[Attempt] = []
    configured, unconfigured = _from_configuration_files(factory, target, required)
    keyed = {} if configured or unconfigured else _keyed_by_parsers(factory, target, namespace, required, options)
    options.update(keyed)
    uncovered = None  # with options objects: the first other parameter neither the code nor a convention gives
    # the factories given the project's configuration (get_pose_net(cfg, is_train)), tried after the guesses
    factories_configured = [a for a in (_factory_configured(c, namespace) for c in sources if c.guess)
                            if a is not None]
    if options:  # (alone: no other source, configurations the project's code makes included)
        made_by_code = any(made_configs(factory, name, namespace) for name in options)
        alone = not found and not configured and not made_by_code and not factories_configured and not elsewhere \
            and not set(options) & set(none_options)  # (one defaulting to None: the code may cope)
        with_options, uncovered = _with_options(factory, target, namespace, required, options, alone, sources,
                                                set(keyed))
        found += [a for a in with_options if not a.last]
        last += [a for a in with_options if a.last]
    made, missing = guesses(factory, required, namespace)
    missing = uncovered or missing
    guessed = [Attempt((), g.values, _shown(target.name, (), g.values, g.texts), g.source, guessed=True,
                       callee=WithStandIns(factory) if has_stand_ins(g.values) else None) for g in made]
    # the entry of a table of configurations the project's scripts choose (CONFIGS[default], with
    # what they set on it) before the configuration objects read from its files
    chosen_by_scripts = any(table_configs(factory, name, namespace) for name in required)
    found += guessed + configured if chosen_by_scripts else configured + guessed
    found += [a for a in (_from_code(c, target.name, factory, namespace) for c in elsewhere) if a is not None]
    found += factories_configured
    found += _constructors_guessed(factory, target, namespace)
    if not unconfigured:  # (a key the project's closest configuration file lacks is named, not guessed)
        found += last + _guessed_configs(factory, required, options)
    if not found:
        raise NeedsArguments(unconfigured or f"its constructor needs arguments ({', '.join(required)}) and none of "
                             f"the project's code calls it with constants; no convention covers {missing!r}")
    return _unique(found)


def called_none_defaults(factory: Any) -> list[str]:
    """The parameters whose default is None that the constructor calls whatever their value
    (``nl_layer()`` with ``nl_layer=None``): they need a value, a layer class by their name.
    One the constructor tests or replaces (``if norm_layer is None``, ``norm_layer = norm_layer
    or nn.BatchNorm2d``) is not."""
    init = own_init(factory) if inspect.isclass(factory) else factory
    try:
        defaults = {n for n, p in inspect.signature(init).parameters.items() if p.default is None}
        tree = parse_function(init) if defaults else None
    except (TypeError, ValueError, OSError, SyntaxError):
        return []
    if tree is None:
        return []
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    tested: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            tested |= {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Compare, ast.BoolOp)):
            tested |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Assign):
            tested |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return [n for n in inspect.signature(init).parameters if n in defaults & called - tested]


def _none_options(factory: Any, target: Target, namespace: dict[str, Any], names: list[str],
                  sources: tuple[CodeArguments, ...]) -> Iterator[Attempt]:
    """For a class that needs no arguments but reads an options parameter defaulting to None:
    the project's options, after its defaults (its blocks may cope with None)."""
    if names:
        yield from _with_options(factory, target, namespace, names, options_parameters(factory, names), False,
                                 sources)[0]


def read_none_options(factory: Any) -> list[str]:
    """The options parameters whose default is None that the constructor, or the project code
    it passes them to, reads attributes of whatever their value (``opt=None``, then
    ``opt.use_norm`` in a block it builds): they need the project's options. One the
    constructor tests first (``if opt is not None``, ``opt or defaults``) keeps its default."""
    init = own_init(factory) if inspect.isclass(factory) else factory
    try:
        names = [n for n, p in inspect.signature(init).parameters.items() if p.default is None]
        tree = parse_function(init) if names else None
    except (TypeError, ValueError, OSError, SyntaxError):
        return []
    if tree is None:
        return []
    tested: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            tested |= {n.id for n in [node.left, *node.comparators] if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            tested |= {n.id for n in [node.test, getattr(node.test, "operand", None)] if isinstance(n, ast.Name)}
        elif isinstance(node, ast.BoolOp):
            tested |= {n.id for n in node.values if isinstance(n, ast.Name)}
    return list(options_parameters(factory, [n for n in names if n not in tested]))


def _constructors_guessed(factory: Any, target: Target, namespace: dict[str, Any]) -> list[Attempt]:
    """Its classmethod constructors that need arguments (``EfficientNet.from_name(model_name)``),
    called with guessed ones (a key of the table the class checks ``model_name`` against)."""
    if target.path is None or not inspect.isclass(factory):
        return []
    found: list[Attempt] = []
    for name, required in constructors_with_arguments(target.path, target.name).items():
        constructor = getattr(factory, name, None)
        made, _missing = guesses(constructor, required, namespace) if callable(constructor) else ([], None)
        found += [Attempt((), g.values, _shown(f"{target.name}.{name}", (), g.values, g.texts), g.source,
                          guessed=True, callee=constructor) for g in made]
    return found


def _keyed_by_parsers(factory: Any, target: Target, namespace: dict[str, Any], required: list[str],
                      options: dict[str, set[str]]) -> dict[str, set[str]]:
    """The parameters read as a dict of options (``params['luma_bins']``) some of whose keys a
    parser of the project defines (``params = vars(parser.parse_args())``)."""
    root = project_root(target.path) if target.path else Path.cwd()
    keyed = keyed_parameters(factory, [n for n in required if n not in options]) if makes_option_dicts(root) else {}
    return {name: keys for name, keys in keyed.items()
            if (found := project_options(keys, target, namespace, root, factory=factory))
            and len(found[0].missing) < len(keys)}


def _with_options(factory: Any, target: Target, namespace: dict[str, Any], required: list[str],
                  options: dict[str, set[str]], alone: bool, calls: tuple[CodeArguments, ...] = (),
                  keyed: set[str] = frozenset()) -> tuple[list[Attempt], str | None]:
    """The call with the options objects made from the project's argparse defaults, the other
    required parameters as a call of the project's code passes them where they are constants
    (``Net(in_nc, out_nc, 8, opt, [], [])`` in a factory), the rest guessed. Netlint's inference:
    a failure is a skip. ``alone``: no other way to build it, so attributes no parser defines
    are the reason to skip it. ``keyed``: those given as a dict of the options' values.
    And the first other parameter nothing covers."""
    root = project_root(target.path) if target.path else Path.cwd()
    candidates: dict[str, list] = {}
    for name, reads in options.items():
        found = project_options(reads, target, namespace, root, factory=factory)
        if not found or found[0].missing or asserted(factory, name):
            closest = found[0] if found else None
            made, uncovered = completed(closest, reads, factory, name)
            if made is None:
                if alone and closest is not None:
                    raise NeedsArguments(_undefined_options(name, closest))
                if alone:
                    raise NeedsArguments(f"its constructor reads {', '.join(sorted(reads))} of its options {name!r}, "
                                         f"which no argparse parser of the project defines, and no convention "
                                         f"covers {uncovered!r}")
                return [], None
            found = [made]
        candidates[name] = found
    passed, where = _passed_by_code(factory, calls, namespace, [n for n in required if n not in options])
    others = [n for n in required if n not in options and n not in passed]
    optioned = _named_options(others, next(iter(candidates.values()))[0].namespace) if candidates else {}
    guessed, missing = guess(factory, [n for n in others if n not in optioned])
    if missing is not None:
        return [], missing
    told = f"{' and '.join(optioned)} as the options give {'it' if len(optioned) == 1 else 'them'}" \
        if optioned else ""
    values = {**passed, **optioned, **guessed}
    shown = f"{target.name}({', '.join([*options, *(f'{k}={_value(v)}' for k, v in values.items())])})"
    made: list[Attempt] = []
    for k in range(max(len(found) for found in candidates.values())):
        chosen = {name: found[min(k, len(found) - 1)] for name, found in candidates.items()}
        sources = list(dict.fromkeys((DICT_OF if n in keyed else "") + o.described for n, o in chosen.items()))
        source = " and ".join(sources) + (f", {' and '.join(passed)} as {where} passes them" if passed else "") + \
            (f", {told}" if told else "") + (f", the others {GUESSED}" if guessed else "")
        given = {n: dict(vars(o.namespace)) if n in keyed else copy.copy(o.namespace) for n, o in chosen.items()}
        made.append(Attempt((), {**given, **values}, shown, source,
                            guessed=True, last=any(o.has_guesses for o in chosen.values())))
    return made, None


def _guessed_configs(factory: Any, required: list[str], options: dict[str, set[str]]) -> list[Attempt]:
    """Last: the config parameters no file of the project gives (``config['n_layers']``,
    ``cfg.MODEL.DEPTH``) as configurations of guesses, the other parameters guessed."""
    configs = [n for n in required if is_config_parameter(n) and n not in options and read_by_keys(factory, n)]
    if not configs:
        return []
    values, missing = guess(factory, [n for n in required if n not in configs])
    if missing is not None:
        return []
    given = {**{n: GuessedConfig(n) for n in configs}, **values}
    shown = f"{_owner_name(factory)}({', '.join([*configs, *(f'{k}={_value(v)}' for k, v in values.items())])})"
    return [Attempt((), given, shown, GUESSED_CONFIG + (f", the others {GUESSED}" if values else ""), guessed=True)]


def _owner_name(factory: Any) -> str:
    return getattr(factory, "__name__", "model")


def _script_options(factory: Any, names: list[str]) -> dict[str, tuple[Any, str]]:
    """The parameters an option of the same name of the project's scripts gives: (its default, which script)."""
    try:
        file = Path(inspect.getsourcefile(getattr(factory, "__init__", factory) if inspect.isclass(factory)
                                          else factory) or "")
    except TypeError:
        return {}
    if not file.is_file():
        return {}
    found = {n: option_default(n, file, project_root(file.resolve())) for n in names}
    return {n: option for n, option in found.items() if option is not None}


def _named_options(names: list[str], options: Any) -> dict[str, Any]:
    """The parameters beside the options object that an option of the same name gives
    (``skip`` beside ``opt``: ``--skip``), names compared as snake_case words."""
    given = {snake(k): v for k, v in vars(options).items()}
    return {n: given[snake(n)] for n in names if snake(n) in given and given[snake(n)] is not None}


def _passed_by_code(factory: Any, calls: tuple[CodeArguments, ...], namespace: dict[str, Any],
                    names: list[str]) -> tuple[dict[str, Any], str]:
    """The values of ``names`` that the first call of the class with arguments netlint does not
    know passes as constants (``innerCos_list = []`` before ``Net(opt, innerCos_list, 8)``), and where."""
    positional = [p.name for p in constructor_parameters(factory)
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for call in calls:
        if call.callee or not call.left_out or call.modules or call.configured:
            continue
        try:
            args, kwargs = evaluate(call.arguments, namespace, call.left_out)
        except (ArgumentsError, ValueError, SyntaxError):
            continue
        given = {**{positional[i]: v for i, v in enumerate(args) if i < len(positional) and v is not LEFT_OUT},
                 **kwargs}
        passed = {n: given[n] for n in names if n in given}
        if passed:
            return passed, call.where
    return {}, ""


def _undefined_options(name: str, closest: Any) -> str:
    """Why options from the argparse defaults do not do: what no parser defines, and which
    statement of the project's scripts sets it after parsing, with code netlint does not run."""
    set_by = dict(closest.set_by_scripts)
    text = (f"its constructor reads {', '.join(closest.missing)} of its options {name!r}, which no argparse "
            f"parser of the project defines (the closest: {closest.where}'s)")
    sets = [set_by[a] for a in closest.missing if a in set_by]
    return text + (f"; {', '.join(sets)} after parsing, which netlint does not run" if sets else "")


def _from_configuration_files(factory: Any, target: Target, required: list[str]) -> tuple[list[Attempt], str]:
    """The call with its configurations from the project's YAML/JSON/TOML files
    (``netlint.arguments.config_files``); else why not. Netlint's inference: a failure is a skip."""
    configs = config_parameters(factory, required)
    if not configs:
        return [], ""
    root = project_root(target.path) if target.path else Path.cwd()
    calls, why = configured_calls(factory, required, configs, root)
    made = []
    for call in calls:
        others = {k: v for k, v in call.kwargs.items() if k not in configs}
        shown = f"{target.name}({', '.join([*configs, *(f'{k}={_value(v)}' for k, v in others.items())])})"
        source = call.where + (", the others guessed from parameter names" if call.guessed else "")
        made.append(Attempt((), call.kwargs, shown, source, guessed=True))
    return made, why


def _from_named_sections(factory: Any, target: Target) -> Iterator[Attempt]:
    """The calls the project's configuration sections that name the class make
    (``network_g: {type: Net, ...}``, ``netlint.arguments.named_sections``). Netlint's
    inference (which file, keys dropped): a failure is a skip."""
    if target.path is None or not inspect.isclass(factory):
        return
    for call in named_calls(factory, target.name, project_root(target.path)):
        yield Attempt((), call.kwargs, _shown(target.name, (), call.kwargs), call.where, guessed=True)


def constructor_parameters(factory: Any) -> list[inspect.Parameter]:
    """The named parameters a call of ``factory`` takes, ``*args, **kwargs`` that an
    ``__init__`` passes on to its base's replaced by the base's own parameters."""
    try:
        own = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):
        return []
    named = [p for p in own if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    base = _forwarded_to(factory)
    if base is None:
        return named
    names = {p.name for p in named}
    return named + [p for p in constructor_parameters(base) if p.name not in names]


def argument_bases(cls: Any) -> list[type]:
    """The project classes whose constructor arguments ``cls`` takes as they are: the class
    its ``__init__`` comes from, and on through ``*args, **kwargs`` passed on to a base."""
    from netlint.user_code import is_library_file

    bases: list[type] = []
    current = cls
    while inspect.isclass(current):
        owner = next((k for k in current.__mro__ if "__init__" in vars(k)), None)
        base = owner if owner is not current else _forwarded_to(current)
        if base is None or base in bases or _library_class(base, is_library_file):
            break
        bases.append(base)
        current = base
    return bases


def _library_class(cls: type, is_library_file) -> bool:
    try:
        return is_library_file(inspect.getsourcefile(cls) or "")
    except TypeError:  # a built-in class
        return True


def _forwarded_to(cls: Any) -> type | None:
    """The next class of the MRO with an ``__init__`` of its own, when the class's own
    ``__init__`` takes ``*args`` or ``**kwargs`` and passes them to ``__init__`` (``super()``'s
    or a base's by name)."""
    if not inspect.isclass(cls):
        return None
    mro = cls.__mro__
    index = next((i for i, k in enumerate(mro) if "__init__" in vars(k)), None)
    if index is None or mro[index].__module__.startswith("torch."):
        return None
    init = vars(mro[index])["__init__"]
    try:
        signature = inspect.signature(init)
    except (TypeError, ValueError):
        return None
    varying = {p.name for p in signature.parameters.values() if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    if not varying or not _passes_on(init, varying):
        return None
    base = next((k for k in mro[index + 1:] if "__init__" in vars(k)), None)
    if base is None or base.__module__.startswith("torch.") or base is object:
        return None
    return base


def _passes_on(init: Any, names: set[str]) -> bool:
    """Whether ``init`` calls an ``__init__`` with ``*args`` or ``**kwargs`` of ``names``."""
    try:
        tree = parse_function(init)
    except (OSError, TypeError, SyntaxError, ValueError):
        return True  # no source to read: as the signature suggests
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
            passed = [a.value for a in node.args if isinstance(a, ast.Starred)]
            passed += [k.value for k in node.keywords if k.arg is None]
            if any(isinstance(v, ast.Name) and v.id in names for v in passed):
                return True
    return False


def _sources(target: Target) -> tuple[CodeArguments, ...]:
    """The project's calls of the target: found by discovery, or for a class the user named
    without arguments, read now."""
    if target.calls or target.discovered or target.path is None:
        return target.calls
    return tuple(arguments_from_code(target.path, target.name, project_root(target.path)))


def _other_files(factory: Any, target: Target, namespace: dict[str, Any]) -> Iterator[Attempt]:
    """For a class that needs no arguments (discovery read its own file only): the calls of
    the project's other files, read only when its defaults and its file's ways do not build."""
    if not target.discovered or target.path is None:
        return
    known = set(target.calls)
    for call in arguments_from_code(target.path, target.name, project_root(target.path)):
        if call not in known and (call.arguments or call.callee):
            attempt = _from_code(call, target.name, factory, namespace)
            if attempt is not None:
                yield attempt


def _from_bases(factory: Any, target: Target, namespace: dict[str, Any],
                instances: dict[type, Instance]) -> list[Attempt | None]:
    """The calls of the classes whose arguments the class takes, as keywords (the class may put
    parameters of its own before ``*args``). Netlint's inference: a failure is a skip."""
    found: list[Attempt | None] = []
    root = project_root(target.path) if target.path else Path.cwd()
    for base in argument_bases(factory):
        file = inspect.getsourcefile(base)
        calls = [c for c in arguments_from_code(Path(file), base.__name__, root)
                 if c.arguments and not c.callee] if file else []
        for call in calls:
            attempt = _from_code(call, base.__name__, base, namespace)
            if attempt is not None:
                kwargs = _as_keywords(base, attempt.args, attempt.kwargs)
                if kwargs is not None:
                    found.append(Attempt((), kwargs, _shown(target.name, (), kwargs),
                                         f"{attempt.source}, a call of its base {base.__name__}",
                                         attempt.inputs, guessed=True))
        instance = instances.get(base)
        if instance is not None:
            found.append(Attempt((), instance.kwargs, _shown(target.name, (), instance.kwargs),
                                 f"the top level of {instance.where}, an instance of its base {base.__name__}",
                                 guessed=True))
    return found


def _as_keywords(factory: Any, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    try:
        bound = inspect.signature(factory).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    parameters = inspect.signature(factory).parameters
    if any(parameters[name].kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL)
           for name in bound.arguments):
        return None
    keywords = {}
    for name, value in bound.arguments.items():
        if parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            keywords.update(value)
        else:
            keywords[name] = value
    return keywords


def _from_code(call: CodeArguments, name: str, factory: Any, namespace: dict[str, Any]) -> Attempt | None:
    if not call.configured:
        return _as_called(call, name, factory, namespace)
    # its keywords from the configuration file's sections it passes: netlint chose the file, so a skip
    attempt = _as_called(replace(call, where=f"{call.where} with {call.configured}"), name, factory, namespace)
    return None if attempt is None else replace(attempt, guessed=True)


def _as_called(call: CodeArguments, name: str, factory: Any, namespace: dict[str, Any]) -> Attempt | None:
    if call.callee_file:  # a factory of another file of the project
        namespace = _namespace_of(Path(call.callee_file))
    callee = _resolve(call.callee, namespace) if call.callee else None
    if call.callee and not callable(callee):
        return None
    if call.guess:  # a factory that needs arguments: its parameters guessed by meaning
        made, _missing = guesses(callee, list(call.guess), namespace)
        return Attempt((), made[0].values, _shown(call.callee, (), made[0].values, made[0].texts),
                       f"{call.where}, {made[0].source}", guessed=True, callee=callee) if made else None
    if call.modules:  # modules among the arguments: evaluated when it is built
        namespace = {**namespace, **bound_names(call.imports)}  # (the names as the calling file means them)
        project_call = ProjectCall(callee or factory, call.arguments, namespace, call.left_out)
        if not project_call.can_run():  # names the model's module lacks: those left at their defaults
            project_call = ProjectCall(callee or factory, call.arguments, namespace,
                                       call.left_out + project_call.unknown())
            if not project_call.can_run():
                return None
        # one without a default computed from data (num_classes=len(dataset.classes)): guessed by meaning
        needed = _required_left_out(callee or factory, project_call.left_out)
        values, missing = guess(callee or factory, needed) if needed else ({}, None)
        if missing is not None:
            return None
        project_call.given = values
        texts = _texts(call.arguments, tuple(k for k in project_call.left_out if k not in needed and not (
            isinstance(k, int) and _positional_name(callee or factory, k) in needed)))
        left = f", {' and '.join(texts)} left at {'its default' if len(texts) == 1 else 'their defaults'}" \
            if texts else ""
        left += f", {' and '.join(f'{k} {v!r}' for k, v in values.items())} {GUESSED} in place of what the " \
            "call computes" if values else ""
        return Attempt((), {}, f"{call.callee or name}({call.arguments})", f"{call.where}{left}", call.inputs,
                       guessed=bool(texts or values), callee=project_call)
    try:
        args, kwargs = evaluate(call.arguments, namespace, call.left_out)
    except ArgumentsError:  # a dotted name the model's module does not have
        return None
    shown = call.callee or name
    if not call.left_out:
        return Attempt(args, kwargs, f"{shown}({call.arguments})", call.where, call.inputs, callee=callee)
    known = _leaving_out(callee or factory, args, kwargs, call.left_out)
    if known is None:  # a parameter without a default is not a constant
        return None
    args, kwargs, needed = known
    optioned = _script_options(callee or factory, needed) if needed else {}
    values, missing = guess(callee or factory, [n for n in needed if n not in optioned])
    if missing is not None:  # one without a default that no convention covers
        return None
    values.update({n: value for n, (value, _script) in optioned.items()})
    kwargs = {**kwargs, **values}
    positional = [p.name for p in constructor_parameters(callee or factory)
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    texts = _texts(call.arguments, tuple(k for k in call.left_out if k not in needed and not (
        isinstance(k, int) and k < len(positional) and positional[k] in needed)))
    left = f", {' and '.join(texts)} left at {'its default' if len(texts) == 1 else 'their defaults'}" if texts else ""
    guessed = [n for n in needed if n not in optioned]
    guessed = "".join([f", the default of {script}'s option {snake(n)} for {n}" for n, (_, script) in
                       optioned.items()] + [f", {' and '.join(guessed)} {GUESSED}" if guessed else ""])
    return Attempt(args, kwargs, _shown(shown, args, kwargs), f"{call.where}{left}{guessed}",
                   call.inputs, guessed=True, callee=callee)


def _required_left_out(factory: Any, left_out: tuple[int | str, ...]) -> list[str]:
    """The parameters without a default among the arguments left out (``num_classes`` of
    ``num_classes=len(dataset.classes)``; ``num_classes, base_net`` of ``FPNSSD(num_classes, base_net)``
    in a factory whose names are not the module's)."""
    parameters = constructor_parameters(factory)
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    by_name = {p.name: p for p in parameters}
    chosen = [positional[k] if isinstance(k, int) and k < len(positional) else by_name.get(k) for k in left_out]
    return [p.name for p in chosen if p is not None and p.default is p.empty]


def _positional_name(factory: Any, position: int) -> str | None:
    positional = [p.name for p in constructor_parameters(factory)
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return positional[position] if position < len(positional) else None


def _factory_configured(call: CodeArguments, namespace: dict[str, Any]) -> Attempt | None:
    """A factory that needs arguments, one a configuration it reads by key or attribute
    (``cfg.MODEL.EXTRA.NUM_LAYERS``): the best of the project's configurations, the others guessed."""
    if call.callee_file:
        namespace = _namespace_of(Path(call.callee_file))
    factory = _resolve(call.callee, namespace)
    if not callable(factory):
        return None
    required = list(call.guess)
    configs = config_parameters(factory, required)
    if not configs:
        return None
    file = Path(call.callee_file) if call.callee_file else Path(call.where.rpartition(":")[0])
    calls, _why = configured_calls(factory, required, configs, project_root(file.resolve()))
    if not calls:
        return None
    made = calls[0]
    others = {k: v for k, v in made.kwargs.items() if k not in configs}
    shown = f"{call.callee}({', '.join([*configs, *(f'{k}={_value(v)}' for k, v in others.items())])})"
    source = f"{call.where}, {made.where}" + (f", the others {GUESSED}" if made.guessed else "")
    return Attempt((), made.kwargs, shown, source, guessed=True, callee=factory)


def bound_names(imports: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """The calling file's names its call's module arguments use: another module of the project
    (imported as the model's file is), a builder of it, a torch module."""
    import importlib

    found: dict[str, Any] = {}
    for name, where, what in imports:
        if not where:
            try:
                found[name] = importlib.import_module(what)
            except ImportError:
                module, _, attribute = what.rpartition(".")
                try:
                    found[name] = getattr(importlib.import_module(module), attribute)
                except (ImportError, AttributeError, ValueError):
                    continue
            continue
        module = _module_of(Path(where))
        if module is not None and (not what or hasattr(module, what)):
            found[name] = getattr(module, what) if what else module
    return found


def _namespace_of(path: Path) -> dict[str, Any]:
    """The namespace of another file of the project, imported as the model's file is."""
    module = _module_of(path)
    return vars(module) if module is not None else {}


def _module_of(path: Path) -> Any:
    from netlint.load.importer import import_target_module
    from netlint.user_code import LoadError

    try:
        return import_target_module(Target(display_path(path), path.stem, path=path))
    except LoadError:
        return None


def _leaving_out(factory: Any, args: tuple, kwargs: dict[str, Any],
                 left_out: tuple[int | str, ...]) -> tuple[tuple, dict[str, Any], list[str]] | None:
    """The call without its arguments ``left_out`` (those after a left-out position become
    keywords), and the left-out parameters without a default (to be guessed by meaning)."""
    by_name = {p.name: p for p in constructor_parameters(factory)}
    positional = [p for p in by_name.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    kept: list[Any] = []
    keywords = dict(kwargs)
    needed: list[str] = []
    skipped = False
    for i, value in enumerate(args):
        parameter = positional[i] if i < len(positional) else None
        if value is LEFT_OUT:
            if parameter is None:
                return None
            if parameter.default is parameter.empty:
                needed.append(parameter.name)
            skipped = True
        elif skipped:
            if parameter is None or parameter.kind is parameter.POSITIONAL_ONLY:
                return None
            keywords[parameter.name] = value
        else:
            kept.append(value)
    needed += [k for k in left_out if isinstance(k, str) and k in by_name and by_name[k].default is by_name[k].empty]
    return tuple(kept), keywords, needed


def _texts(arguments: str, left_out: tuple[int | str, ...]) -> list[str]:
    call = ast.parse(f"f({arguments})", mode="eval").body
    return [ast.unparse(a) for i, a in enumerate(call.args) if i in left_out] + \
        [ast.unparse(k.value) for k in call.keywords if k.arg in left_out]


def _resolve(dotted: str, namespace: dict[str, Any]) -> Any:
    head, *rest = dotted.split(".")
    value = namespace.get(head)
    for attribute in rest:
        value = getattr(value, attribute, None)
    return value


def _unique(found: list[Attempt]) -> list[Attempt]:
    """Each call once (a call of the code may be the defaults, a base's call the class's own)."""
    unique: list[Attempt] = []
    for attempt in found:
        if not any(a.callee is attempt.callee and _same((a.args, a.kwargs), (attempt.args, attempt.kwargs))
                   for a in unique):
            unique.append(attempt)
    return unique


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values whose comparison is not a bool
        return False


def _shown(name: str, args: tuple, kwargs: dict[str, Any], texts: dict[str, str] | None = None) -> str:
    texts = texts or {}
    parts = [_value(a) for a in args] + [f"{k}={texts.get(k) or _value(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _value(value: Any) -> str:
    """A value as the code writes it: a class or function by its name, others by a short repr."""
    if inspect.isclass(value) or inspect.isfunction(value):
        return value.__qualname__
    return _short.repr(value)
