"""Lint targets: discover → load → capture → rules, one target at a time, so that one
broken model never stops the others."""

from __future__ import annotations

import contextlib
import functools
import io
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from traceback import format_exc
from typing import TYPE_CHECKING

from netlint.config import Config
from netlint.configured_targets import configured, excluded_target, paths_to_discover
from netlint.discover import discover
from netlint.rule_registry import RuleSelection
from netlint.paths import display_path
from netlint.result import Inputs, LintResult, ModelSummary
from netlint.rule import Rule, RuleInfo
from netlint.source import read_source
from netlint.stopping import stop_requests
from netlint.target import Options, Problem, Skipped, Target

if TYPE_CHECKING:
    from netlint.cache import ResultCache


TIMEOUT_HINT = "(--timeout)"  # ends the message of a target that ran out of time: never cached
INTERNAL_ERROR = "internal error: "  # begins the message of a bug in netlint or a rule: never cached


def lint_paths(specs: Sequence[str], options: Options = Options(), config: Config = Config(),
               jobs: int = 1, isolate: bool = True, meanwhile: Callable[[], None] | None = None,
               cache: ResultCache | None = None) -> LintResult:
    """Lint what the paths name (no paths: the working directory and every ``models`` entry
    of the config), with ``jobs`` worker processes. The result is the same for any ``jobs``.
    ``isolate=False`` analyzes in this process (what bench/perf.py measures isolation against).
    ``meanwhile()`` runs while the first workers lint (the caller's own imports, e.g. libcst for fixes).
    ``cache``: the files whose entry is unchanged are not linted again (netlint.cache; in workers only)."""
    to_discover = paths_to_discover(specs, config)
    found = discover(to_discover) if cache is None or not isolate else cache.discovery(to_discover, discover)
    targets = list({t.display: t for t in found.targets if not excluded_target(t, config)}.values())
    errors = [p for p in found.problems if "::" in p.target or not p.path or not config.is_excluded(p.path)]
    skipped = list(dict.fromkeys(s for s in found.skipped if not config.is_excluded(s.target.partition("::")[0])))
    result = LintResult(errors=errors, skipped=skipped)
    selection = RuleSelection(config.select, config.ignore, config.extend_select, config.rules_dirs)
    files = [f for f in found.files if not config.is_excluded(f)]
    if files:
        lint_sources(files, selection, config, result)
    listed = _listed_classes(found)
    targets += _probes([f for f in found.unseen_bases if not config.is_excluded(f)], listed)
    if not targets:
        return result  # nothing to build: torch and the model rules are never imported
    isolate = isolate and sys.platform == "linux"
    # importing torch (the rules), warming up and waiting on the workers, a Ctrl-C or SIGTERM is
    # acted upon where netlint can stop cleanly (netlint.stopping); in-process it stays Python's
    with stop_requests() if isolate else contextlib.nullcontext():
        work = [configured(t, options, config) for t in targets]
        known = None
        if cache is not None and isolate:
            from netlint.cache import rules_fingerprint, stamp

            fingerprint = rules_fingerprint(config)
            cache.stamp = stamp(config, fingerprint)
            known = cache.rules(fingerprint)
        # (the rules' modules import torch: a run whose files are all in the cache never loads them)
        result.rules = known if known is not None else [RuleInfo.of(rule, config.severity.get(rule.code))
                                                        for rule in selection.rule_classes()]
        if cache is not None and isolate and known is None:
            cache.keep_rules(fingerprint, result.rules)
        for part in _analyze(work, selection, jobs, isolate, listed, meanwhile, cache if isolate else None):
            _merge(result, part)
    result.findings.sort(key=lambda f: (f.path or "", f.line or 0, f.column or 0, f.code, f.target))
    return result


def _listed_classes(found) -> dict[str, frozenset[str]]:
    """File shown -> the classes the scan listed in it (targets, skips, not root models)."""
    listed: dict[str, set[str]] = {}
    for display in [*(t.display for t in found.targets if t.discovered), *(s.target for s in found.skipped)]:
        file, _, name = display.partition("::")
        listed.setdefault(file, set()).add(name)
    return {file: frozenset(names) for file, names in listed.items()}


def _probes(files: Sequence[Path], listed: dict[str, frozenset[str]]) -> list[Target]:
    """A file in which the scan found no model but that has a class whose base is another
    library's (``class Enc(pretrainedmodels.SENet)``, found by discovery's scan: see
    netlint.unseen_bases) is imported to learn whether it is an ``nn.Module``: a target
    without a name stands for the file."""
    return [Target(display_path(f), "", path=f, discovered=True) for f in files if display_path(f) not in listed]


def _analyze(work: list[tuple[Target, Options]], selection: RuleSelection, jobs: int,
             isolate: bool, listed: dict[str, frozenset[str]] | None = None,
             meanwhile: Callable[[], None] | None = None, cache: ResultCache | None = None) -> list[LintResult]:
    """The targets grouped by file, each file imported once. On Linux the files are analyzed
    in ``jobs`` worker processes forked from this one, where torch is imported and warmed up
    (as torch's DataLoader forks its workers); elsewhere in this process, one file after the other."""
    from netlint.isolation import analyze_in_workers, file_name
    from netlint.scratch import scratch_folder

    groups: dict[str, list[tuple[Target, Options]]] = {}
    for target, target_options in work:
        groups.setdefault(file_name(target), []).append((target, target_options))
    if cache is not None:
        return _analyze_cached(list(groups.values()), functools.partial(
            _analyze, selection=selection, jobs=jobs, isolate=isolate, listed=listed, meanwhile=meanwhile), cache,
            listed or {})
    warm_up()
    rules = [rule() for rule in selection.rule_classes()]
    with scratch_folder() as scratch:
        analyze_file = functools.partial(lint_file, rules=rules, scratch=scratch, listed=listed or {})
        if not isolate:  # (fork is unsafe on macOS, absent on Windows)
            results = []
            for group in groups.values():
                results.append(LintResult())
                for kind, _, payload in analyze_file(group):
                    if kind == "part":
                        _merge(results[-1], payload)
            return results
        results = analyze_in_workers(list(groups.values()), analyze_file, jobs, work[0][1].timeout, _merge,
                                     LintResult, meanwhile=meanwhile)
        for result in results:  # a file cut into chunks (netlint.isolation): what its chunks read, together
            result.inputs = [_joined(result.inputs)] if len(result.inputs) > 1 else result.inputs
        return results


def _joined(inputs: list[Inputs]) -> Inputs:
    return Inputs(tuple(sorted({f for i in inputs for f in i.files})),
                  tuple(sorted({name for i in inputs for name in i.libraries})),
                  all(i.cacheable for i in inputs), sum(i.targets for i in inputs))


def _analyze_cached(groups: list[list[tuple[Target, Options]]], analyze: Callable[..., list[LintResult]],
                    cache: ResultCache, listed: dict[str, frozenset[str]]) -> list[LintResult]:
    """The files' results, in order: from the cache where their entry holds, else analyzed
    (and then kept). Nothing is imported or warmed up when every file is in the cache."""
    from netlint.isolation import file_name

    keys = [cache.key(group, listed.get(file_name(group[0][0]), ())) for group in groups]
    results: list[LintResult | None] = [cache.load(key) if key else None for key in keys]
    missing = [i for i, found in enumerate(results) if found is None]
    if missing:
        from netlint.fix.apply import with_edits

        fresh = analyze([pair for i in missing for pair in groups[i]])
        for i, result in zip(missing, fresh):
            if keys[i]:  # kept with its fixes' edits resolved: a cached run does not load libcst
                result = with_edits(result)
                cache.store(keys[i], result, len(groups[i]))
            results[i] = result
    return [r for r in results if r is not None]


def read_inputs(path: Path | None, modules: set[str], cacheable: bool, targets: int) -> Inputs:
    """What a file's lint read besides its text: the project files its import ran (the user's
    modules added to ``sys.modules`` since ``modules``), and the libraries their code imports."""
    from netlint.cache import imported_libraries
    from netlint.user_code import is_library_file

    files = {str(path.resolve())} if path is not None else set()
    own = set()  # the project's top-level packages: not libraries
    for name in [name for name in list(sys.modules) if name not in modules]:
        file = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(file, str) and not is_library_file(file):
            files.add(str(Path(file).resolve()))
            own.add(name.partition(".")[0])
    return Inputs(tuple(sorted(files)), imported_libraries(files, own), cacheable, targets)


def _merge(result: LintResult, part: LintResult) -> None:
    result.models += part.models
    result.findings += part.findings
    result.errors += part.errors
    result.skipped += part.skipped
    result.printed += part.printed
    result.inputs += part.inputs


def lint_sources(files: Sequence[Path], selection: RuleSelection, config: Config, result: LintResult) -> None:
    """The source rules (training recipes, scripts) over every file discovery read, models
    or not, without importing torch."""
    from netlint.rule_registry import run_source_rules

    rules = [rule() for rule in selection.source_rule_classes()]
    if not rules:
        return
    result.rules = [RuleInfo.of(type(rule), config.severity.get(rule.code)) for rule in rules]
    for file in files:
        path = display_path(file)
        try:
            result.findings.extend(run_source_rules(path, read_source(file), rules, config))
        except (OSError, UnicodeDecodeError):
            continue  # discover reported it
        except Exception as exc:  # a bug in netlint or a rule: report it, go on with the others
            result.errors.append(Problem(path, path, None, f"internal error: {type(exc).__name__}: {exc}",
                                         format_exc()))


def lint_file(work: list[tuple[Target, Options]], ends_file: bool = True, *, rules: Sequence[Rule], scratch: str,
              listed: dict[str, frozenset[str]] | None = None) -> Iterator[tuple]:
    """Lint the targets of one file (or module), in the sandbox: the file is imported once,
    then each target is built, captured and checked. Yields ``(step, i, text)`` as target
    ``i`` starts importing or being analyzed, and ``("part", i, LintResult)`` when it is done
    (netlint.isolation sends these from a child process to the parent). ``listed``: the
    classes the scan listed in each scanned file; the others that are ``nn.Module``
    subclasses once the file is imported are analyzed after them (netlint.load.runtime_classes),
    by the worker given the file's last targets (``ends_file``: netlint.isolation cuts a file
    into chunks when workers would otherwise sit idle)."""
    from netlint.isolation import file_name
    from netlint.arguments.instances import recording_instances
    from netlint.load import definitions
    from netlint.load.importer import import_target_module
    from netlint.load.sandbox import sandbox
    from netlint.user_code import LoadError

    first, first_options = work[0]
    shown = file_name(first)
    modules = set(sys.modules)
    with sandbox(first.path, scratch) as printed:
        yield "importing", 0, shown
        noted = len(definitions.notes)
        started = time.perf_counter()
        try:
            with (time_limit(first_options.timeout), warnings.catch_warnings(),
                  recording_instances(str(first.path.resolve()) if first.path else "") as instances):
                warnings.simplefilter("ignore")
                module = import_target_module(first)
        except (LoadError, TargetTimeout) as exc:
            message = (f"took longer than {first_options.timeout:g} s {TIMEOUT_HINT} while importing {shown}"
                       if isinstance(exc, TargetTimeout) else str(exc))
            inputs = read_inputs(first.path, modules, not isinstance(exc, TargetTimeout), len(work))
            if all(not target.name for target, _ in work):  # imported only to learn what its classes are
                from netlint.load.runtime_classes import not_imported

                part = LintResult(skipped=not_imported(first.path, message), inputs=[inputs])
                yield "part", 0, _with_printed(part, shown, printed)
                return
            where = (exc.path, exc.line) if isinstance(exc, LoadError) else (shown if first.path else None, None)
            part = LintResult(errors=[Problem(shown, *where, message, format_exc())], inputs=[inputs])
            yield "part", 0, _with_printed(part, shown, printed)
            return
        import_notes = tuple(f"{path}:{line}: {text}" for path, line, text in definitions.notes[noted:])
        imported = time.perf_counter() - started  # the file's import: counted for each of its models
        errors: list[Problem] = []
        for i, (target, target_options) in enumerate(work):
            if not target.name:
                continue  # the file itself (_probes)
            yield "analyzing", i, target.display
            part = LintResult()
            lint_target(target, rules, target_options, part, import_notes, instances, imported)
            imported = 0.0  # the file's first model carries its import
            errors += part.errors
            yield "part", i, _with_printed(part, target.display, printed)
        if ends_file and listed is not None and first.path is not None and all(t.discovered for t, _ in work):
            for event in _lint_unlisted(module, first.path, listed.get(shown, frozenset()), work, rules,
                                        import_notes, instances, printed):
                errors += event[2].errors if event[0] == "part" else []
                yield event
        cacheable = not any(e.message.endswith(TIMEOUT_HINT) or e.message.startswith(INTERNAL_ERROR) for e in errors)
        yield "part", len(work) - 1, LintResult(inputs=[read_inputs(first.path, modules, cacheable, len(work))])


def _lint_unlisted(module, path: Path, listed: frozenset[str], work: list[tuple[Target, Options]],
                   rules: Sequence[Rule], import_notes: tuple[str, ...], instances, printed) -> Iterator[tuple]:
    """The file's classes that are nn.Modules at run time although the scan did not list them."""
    from netlint.load.runtime_classes import unlisted_classes

    last = len(work) - 1  # (a worker that dies on one of these is reported at the file's last target)
    for unlisted in unlisted_classes(module, path, set(listed)):
        part = LintResult()
        if unlisted.target is not None:
            yield "analyzing", last, unlisted.target.display
            lint_target(unlisted.target, rules, work[0][1], part, import_notes, instances)
        else:
            part.skipped += [unlisted.skipped] if unlisted.skipped else []
            part.errors += [unlisted.error] if unlisted.error else []
        where = unlisted.target.display if unlisted.target else (unlisted.skipped or unlisted.error).target
        yield "part", last, _with_printed(part, where, printed)


def _with_printed(part: LintResult, where: str, printed: io.StringIO) -> LintResult:
    text = printed.getvalue()
    if text.strip():
        part.printed.append((where, text))
    printed.seek(0)
    printed.truncate()
    return part


# What a model made of torch.nn layers never needs (netlint.meta_kernels): the -v cost line says
# which of them a lint loaded.
COMPILER_MODULES = ("torch._dynamo", "sympy", "torch.export._trace")


def lint_target(target: Target, rules: Sequence[Rule], options: Options, result: LintResult,
                import_notes: tuple[str, ...] = (), instances: dict | None = None,
                imported: float = 0.0) -> None:
    """``import_notes``: what importing the target's file noted (statements that failed or
    did not run), added to the model's notes, and to the message of a build that failed on
    an undefined name. ``instances``: the models its top level built (see ``build``).
    ``imported``: the seconds its file took to import (the model's cost, with -v)."""
    # torch is imported here, only once a file is known to define a model
    from netlint.capture import TIER_PROVIDES, CaptureError, capture
    from netlint.rule_registry import run_rules
    from netlint.load.construct import SkipTarget, build
    from netlint.load.stand_ins import stood_in_for, used_stand_in
    from netlint.user_code import LoadError

    path = display_path(target.path) if target.path else None
    try:
        # torch's warnings are not findings
        with time_limit(options.timeout), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            steps = [time.perf_counter()]
            built = build(target, instances)
            if target.discovered and next(built.model.children(), None) is None \
                    and next(built.model.parameters(), None) is None:
                raise SkipTarget("a layer: it holds no submodules and no parameters", model=False)
            if target.path is not None:
                built = with_applied_inits(built, target.path)
            steps.append(time.perf_counter())
            from_code = not options.input_shapes and built.attempt.inputs
            graph = capture(built, target.display, options.input_shapes or built.attempt.inputs, options.task)
            if from_code:
                graph = replace(graph, input_reason=f"the input {built.attempt.source} passes to it")
            if target.path is not None:
                graph = with_training_code(graph, target.path, options.task)
            steps.append(time.perf_counter())
            findings, skipped_rules = run_rules(graph, rules, TIER_PROVIDES[graph.capture])
            steps.append(time.perf_counter())
    except SkipTarget as exc:
        result.skipped.append(Skipped(target.display, str(exc), exc.model))
        return
    except TargetTimeout:
        result.errors.append(Problem(target.display, path, target.line,
                                     f"took longer than {options.timeout:g} s {TIMEOUT_HINT}"))
        return
    except LoadError as exc:
        # a name the model needs may be missing because a top-level statement failed
        failed = next((note for note in import_notes if "failed when imported" in note), None)
        message = f"{exc}; when the file was imported, {failed}" if failed and isinstance(exc.__cause__, NameError) else str(exc)
        result.errors.append(Problem(target.display, exc.path, exc.line, message, format_exc()))
        return
    except CaptureError as exc:
        used = used_stand_in(path)  # the forward used a module that is not installed: say that
        where = (used.path, used.line) if used else (path, target.line)
        result.errors.append(Problem(target.display, *where, str(used or exc), format_exc()))
        return
    except Exception as exc:  # a bug in netlint or a rule: report it, go on with the others
        result.errors.append(Problem(target.display, path, target.line,
                                     f"{INTERNAL_ERROR}{type(exc).__name__}: {exc}", format_exc()))
        return
    summary = ModelSummary.of(graph, findings, skipped_rules, built.attempt.call,
                              built.attempt.source if built.attempt.call else "")
    if options.dataflow:
        from netlint.picture.dataflow import dataflow_of

        try:
            summary = replace(summary, dataflow=dataflow_of(graph, findings))
        except Exception as exc:  # a bug in the drawing: the lint stands
            summary = replace(summary, notes=(*summary.notes, f"not drawn: internal error: {type(exc).__name__}: {exc}"))
    cost = (("import", imported), *((step, end - start) for step, start, end
                                    in zip(("build", "capture", "rules"), steps, steps[1:])))
    result.models.append(replace(summary, notes=import_notes + summary.notes, stand_ins=stood_in_for(),
                                 cost=cost, loaded=tuple(m for m in COMPILER_MODULES if m in sys.modules)))
    result.findings.extend(findings)


def with_applied_inits(built, path: Path):
    """The built model with what the training code's ``model.apply(fn)`` calls initialize, for
    each ``fn`` the model's module defines or imports."""
    from netlint.load.init_evidence import applied_inits
    from netlint.training_code import training_for

    training = training_for(path, type(built.model).__name__, display_path)
    module = sys.modules.get(type(built.model).__module__)
    if not training.applies or module is None:
        return built
    inits, notes = applied_inits(built.model, training.applies, vars(module))
    return replace(built, inits=built.inits + inits, notes=built.notes + notes)


def with_training_code(graph, path: Path, declared_task: str):
    """The graph with what the training code does to its model, and the task that says
    (a 1-channel map trained with a mask loss is a segmentation)."""
    from netlint.task import task_from_losses
    from netlint.training_code import training_for

    training = training_for(path, graph.class_name, display_path)
    task, reason = graph.task, graph.task_reason
    if declared_task == "auto":
        task, reason = task_from_losses(graph.task, graph.task_reason, graph.output_shapes, training.losses)
    return replace(graph, training=training, task=task, task_reason=reason, notes=graph.notes + training.described())


@functools.lru_cache(maxsize=1)
def warm_up() -> None:
    """Pay the one-time costs of the first fx trace and meta forward before the first
    target's time limit starts."""
    from netlint.capture import warm_up as warm_up_capture

    warm_up_capture()


class TargetTimeout(BaseException):
    """Raised in the middle of a target that runs over its time (a BaseException, so that
    no ``except Exception`` in the user's code or a fallback swallows it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TargetTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
