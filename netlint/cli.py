"""The command line: ``netlint PATH...`` (the ``check`` command) and subcommands."""

from __future__ import annotations

import importlib
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import click

from netlint import __version__
from netlint.command_line import EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, shape_option
from netlint.config import TASKS as TASK_CHOICES
from netlint.report import FORMATS
from netlint.rule import SEVERITIES


# Subcommands in modules of their own, imported only when asked for: a pre-commit run of
# `netlint check` should not pay for them.
_LAZY_COMMANDS = {"overfit": ("netlint.commands.overfit.command", "overfit_command"),
                  "summary": ("netlint.commands.summary", "summary_command"),
                  "daemon": ("netlint.server.daemon", "daemon_command"),
                  "server": ("netlint.server.lsp", "server_command")}


class _DefaultToCheck(click.Group):
    """``netlint model.py`` means ``netlint check model.py``, as ``ruff`` once did."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *_LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY_COMMANDS and name not in self.commands:
            module, attribute = _LAZY_COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, ["check", *args] if _implicit_check(args) else args)


def _implicit_check(args: list[str]) -> bool:
    """Whether the command line is a ``check`` that does not say so (``netlint model.py``, ``netlint``)."""
    return not args or args[0] not in {*cli.commands, *_LAZY_COMMANDS, "-h", "--help", "--version"}


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    from netlint.config import ConfigError, parse_codes

    try:
        return parse_codes(list(values))
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


def _file_ignore(value: str, base: Path):
    from netlint.config import FileIgnore, PathPattern

    pattern, _, codes = value.rpartition(":")
    if not pattern or not codes:
        raise click.BadParameter(f"{value!r} is not PATTERN:CODES, e.g. 'legacy/*.py:NL201,NL202'")
    return FileIgnore(PathPattern(pattern, base), _codes((codes,)))


def _config(**flags):
    """The nearest [tool.netlint], with the keys the command line gives replaced."""
    from netlint.config import ConfigError, TargetSettings, find_config, load_config

    try:
        config = load_config(find_config(Path.cwd()))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    changes = {key: value for key, value in flags.items()
               if value not in ((), None) and key not in ("input_shapes", "task")}
    if flags.get("input_shapes") or flags.get("task"):  # apply to every target, before the config's own
        everywhere = TargetSettings("*", flags.get("input_shapes") or (), flags.get("task"))
        changes["targets"] = (everywhere, *config.targets)
    return replace(config, **changes)


def _rules(config):
    from netlint.rule_registry import RuleLoadError, available_rules

    try:
        return available_rules(config.rules_dirs)
    except RuleLoadError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netlint")
def cli() -> None:
    """A linter for PyTorch model architectures."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--input-shape", "input_shapes", multiple=True, metavar="SHAPE",
              help="Example input shape, e.g. 1,3,256,256 (repeat for several inputs).")
@click.option("--task", type=click.Choice(TASK_CHOICES),
              help="What the models are for (default: auto, decided from input and output shapes).")
@click.option("--select", multiple=True, metavar="CODES", help="Run only these rule codes or prefixes.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rule codes or prefixes.")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Run these rule codes or prefixes as well as the selected ones.")
@click.option("--per-file-ignores", multiple=True, metavar="PATTERN:CODES",
              help="Do not report these codes in files matching the glob, e.g. 'legacy/*.py:NL201'.")
@click.option("--fail-level", type=click.Choice(SEVERITIES),
              help="Exit 1 only for findings of this severity or above (default: note, any finding).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (errors still exit 2).")
@click.option("--output-format", type=click.Choice(FORMATS), default="full", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("--statistics", is_flag=True, help="Show how many findings each rule reported, instead of the findings.")
@click.option("--show-suppressed", is_flag=True,
              help="Also list the findings noqa comments, per-file-ignores or the baseline suppressed.")
@click.option("--disable-noqa", is_flag=True, help="Ignore noqa comments.")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings that are not in this baseline file.")
@click.option("--update-baseline", is_flag=True, help="Write every current finding to the --baseline file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Analyze models in this many worker processes.")
@click.option("--timeout", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Give up on a model after this many seconds (default 60; 0: no limit).")
@click.option("--fix/--no-fix", "fix", default=None,
              help="Apply the safe fixes, once each verifies (default: the config's fix).")
@click.option("--unsafe-fixes/--no-unsafe-fixes", "unsafe_fixes", default=None,
              help="Also apply the fixes that change what the model computes.")
@click.option("--diff", is_flag=True, help="Print the diff --fix would apply and write nothing (exit 1 when there is one).")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when --fix changed a file, even if nothing remains.")
@click.option("--no-daemon", is_flag=True, help="Lint in this process even when `netlint daemon` runs.")
@click.option("--no-cache", is_flag=True, envvar="NETLINT_NO_CACHE",
              help="Lint every file again: neither read nor write the cache (also NETLINT_NO_CACHE=1).")
@click.option("-v", "--verbose", is_flag=True, help="Show skipped targets, capture notes and tracebacks.")
def check(paths, input_shapes, task, select, ignore, extend_select, per_file_ignores, fail_level,
          exit_zero, output_format, output_file, statistics, show_suppressed, disable_noqa, baseline,
          update_baseline, jobs, timeout, fix, unsafe_fixes, diff, exit_non_zero_on_fix, no_daemon,
          no_cache, verbose) -> None:
    """Lint the models that PATHS define (files, folders, file.py::Name, package.module:name).

    Without PATHS: the working directory, and the models named in [tool.netlint]."""
    from netlint import pipeline
    from netlint.lint import Options
    from netlint.policy.baseline import BaselineError
    from netlint.rule_registry import RuleLoadError

    if update_baseline and not baseline:
        raise click.UsageError("--update-baseline needs --baseline FILE")
    config = _config(
        input_shapes=tuple(shape_option(s) for s in input_shapes), task=task, select=_codes(select),
        ignore=_codes(ignore), extend_select=_codes(extend_select), fail_level=fail_level,
        per_file_ignores=tuple(_file_ignore(v, Path.cwd()) for v in per_file_ignores),
        fix=fix, unsafe_fixes=unsafe_fixes)
    baseline_path = Path(baseline) if baseline else None
    use_noqa = not disable_noqa
    try:
        known = pipeline.read_baseline(baseline_path) if baseline_path and not update_baseline else None
        options = replace(Options() if timeout is None else Options(timeout=timeout or None),
                          dataflow=output_format == "html" and not statistics)
        # a run that edits files lints them for real; it keeps what it found for the next run
        cache = None if no_cache else pipeline.open_cache(config, reading=not (config.fix or diff))
        result = pipeline.lint(paths, options, config, jobs, cache)
        if verbose and cache is not None and cache.hits + cache.misses:
            click.echo(f"netlint: {cache.summary()}", err=True)
        if update_baseline:
            known = pipeline.update_baseline(baseline_path, result, config, use_noqa)
    except (RuleLoadError, BaselineError) as exc:
        raise click.ClickException(str(exc)) from exc
    result = pipeline.decide(result, config, use_noqa, known)
    changed = False
    if config.fix or diff:
        relint = pipeline.relinter(options, config, jobs, use_noqa, known)
        result, fixed = pipeline.fix(result, config, relint, write=not diff)
        if diff:
            sys.exit(pipeline.write_diff(result, fixed, sys.stdout, sys.stderr, verbose))
        changed = bool(fixed.texts)
    fmt = "statistics" if statistics else output_format
    if output_file:
        with _report_file(output_file) as stream:
            pipeline.report(result, fmt, stream, sys.stderr, verbose, show_suppressed)
    else:
        pipeline.report(result, fmt, sys.stdout, sys.stderr, verbose, show_suppressed)
    sys.exit(pipeline.exit_code(result, config, changed, exit_zero, exit_non_zero_on_fix))


def _report_file(path: str) -> TextIO:
    """``-o``'s file, opened for writing; its folder made when missing, as ruff does."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        reason = f"{folder} is not a folder" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise click.ClickException(f"cannot write the report to {path}: {reason}") from None


@cli.command("rules")
def list_rules() -> None:
    """List every rule: code, name, default severity and what it finds."""
    from tabulate import tabulate

    rows = [[rule.code, rule.name, rule.severity, rule.summary()] for rule in _rules(_config())]
    click.echo(tabulate(rows, headers=["code", "name", "severity", "summary"], tablefmt="simple"))


@cli.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Show a rule's documentation, e.g. netlint rule NL201."""
    from netlint.rule import RuleInfo

    by_code = {rule.code: rule for rule in _rules(_config())}
    rule = by_code.get(code.strip().upper())
    if rule is None:
        raise click.ClickException(f"no rule {code!r}; netlint rules lists them")
    info = RuleInfo.of(rule)
    click.echo(f"# {info.code} {info.name}\n\nDefault severity: {info.severity}\n\n{info.doc}")




def main() -> None:
    """Entry point: a lint goes to this project's daemon when one runs, else it runs here."""
    from netlint.stopping import note_interrupts

    note_interrupts()
    code = None
    args = sys.argv[1:]
    if (_implicit_check(args) or args[0] == "check") and "--no-daemon" not in args:
        from netlint.server.client import forward

        code = forward(args)
    sys.exit(run() if code is None else code)


def run() -> int:
    """The command line ``sys.argv`` names, here: click's own errors exit 2, never 1 (1 means findings)."""
    try:
        code = cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug in netlint: say so in one line, exit 2 like any error
        if {"-v", "--verbose"} & set(sys.argv):
            raise
        click.echo(f"netlint: internal error: {type(exc).__name__}: {exc} (rerun with -v for details)", err=True)
        return EXIT_ERROR
    return code if isinstance(code, int) else EXIT_CLEAN
