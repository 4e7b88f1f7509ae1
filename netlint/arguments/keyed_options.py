"""Options passed as a dict of their values: ``params = vars(parser.parse_args())`` (or
``args.__dict__``) given to a constructor that reads ``params['luma_bins']``, also where it
passes the dict on (``Coeffs(params=params)``). Such a parameter is read by flat string keys
only; the project's argparse parsers are its candidates as for an options object, their
defaults given as a dict, in a project whose code makes such a dict (a dict read by key in a
project that never does is a configuration, guessed by its keys' names)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from netlint.arguments.config_files import key_reads
from netlint.arguments.project_text import file_text, project_python_files

DICT_OF = "a dict of "  # how a source shows the options given as a dict


def keyed_parameters(factory: Any, names: list[str]) -> dict[str, set[str]]:
    """Of ``names``, the parameters the constructor reads only by flat string keys (``params['lr']``,
    ``params.get('lr')``), with those read without a default; a nested read
    (``config['model']['depth']``) is a configuration, not a dict of options."""
    found: dict[str, set[str]] = {}
    for name in names:
        reads = key_reads(factory, name)
        if reads is None or not reads.keyed or not reads.required:
            continue
        paths = reads.required | reads.optional
        if all(len(path) == 1 for path in paths):
            found[name] = {path[0] for path in reads.required}
    return found



# ``params = vars(parser.parse_args())``, ``config = vars(args)``, ``Net(opt.__dict__)``, ``hp = args.__dict__``
_MADE_DICT = re.compile(r"=\s*vars\(\s*[\w.]+(\(\))?\s*\)|\(\s*[\w.]+\.__dict__\s*[,)]|=\s*[\w.]+\.__dict__\s*$",
                        re.MULTILINE)


@functools.lru_cache(maxsize=16)
def makes_option_dicts(root: Path) -> bool:
    """Whether the project's code makes a dict of parsed options."""
    return any(_MADE_DICT.search(file_text(f)) for f in project_python_files(root)
               if "vars(" in file_text(f) or "__dict__" in file_text(f))
