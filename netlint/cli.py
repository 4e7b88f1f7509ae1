"""The command line: ``netlint PATH...`` (the ``check`` command) and subcommands."""

from __future__ import annotations

import re
import sys

import click

from netlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
TASK_CHOICES = ("auto", "image-to-image", "classification", "segmentation")


class _DefaultToCheck(click.Group):
    """``netlint model.py`` means ``netlint check model.py``, as ``ruff`` once did."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())
    for code in codes:
        if code != "ALL" and not re.fullmatch(r"[A-Z]{1,3}[0-9]{0,3}", code):
            raise click.BadParameter(f"{code!r} is not a rule code or prefix (like NL2 or NL201)")
    return codes


def _shape(value: str) -> tuple[int, ...]:
    parts = re.split(r"[,x×]", value.strip().strip("()[]"))
    try:
        shape = tuple(int(p) for p in parts if p.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a shape like 1,3,256,256") from None
    if not shape or any(d <= 0 for d in shape):
        raise click.BadParameter(f"{value!r} is not a shape like 1,3,256,256")
    return shape


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netlint")
def cli() -> None:
    """A linter for PyTorch model architectures."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--input-shape", "input_shapes", multiple=True, metavar="SHAPE",
              help="Example input shape, e.g. 1,3,256,256 (repeat for several inputs).")
@click.option("--task", type=click.Choice(TASK_CHOICES), default="auto", show_default=True,
              help="What the model is for; auto decides from its input and output shapes.")
@click.option("--select", multiple=True, metavar="CODES", help="Run only these rule codes or prefixes.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rule codes or prefixes.")
@click.option("--output-format", type=click.Choice(("full", "concise", "json")), default="full",
              show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("-v", "--verbose", is_flag=True, help="Show skipped targets and tracebacks.")
def check(paths, input_shapes, task, select, ignore, output_format, output_file, verbose) -> None:
    """Lint the models that PATHS define (files, folders, file.py::Name, package.module:name)."""
    from netlint.engine import RuleLoadError
    from netlint.lint import Options, lint_paths
    from netlint.report import write

    if not paths:
        raise click.UsageError("give at least one path, e.g. netlint model.py")
    shapes = tuple(_shape(s) for s in input_shapes)
    options = Options(input_shapes=shapes, task=task, select=_codes(select), ignore=_codes(ignore))
    try:
        result = lint_paths(paths, options)
    except RuleLoadError as exc:
        raise click.ClickException(str(exc)) from exc
    if output_file:
        with open(output_file, "w", encoding="utf-8") as stream:
            write(result, output_format, stream, sys.stderr, verbose)
    else:
        write(result, output_format, sys.stdout, sys.stderr, verbose)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


def main() -> None:
    """Entry point: click's own errors exit 2, never 1 (1 means findings)."""
    try:
        code = cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug in netlint: say so in one line, exit 2 like any error
        if {"-v", "--verbose"} & set(sys.argv):
            raise
        click.echo(f"netlint: internal error: {type(exc).__name__}: {exc} (rerun with -v for details)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
