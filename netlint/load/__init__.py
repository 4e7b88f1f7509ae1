"""Load: import a target's file as its user runs it (importer), its top level for definitions
only (definitions), with stand-ins for the modules that are not installed (stand_ins),
inside the sandbox (sandbox), and build the model on the meta device, offline (construct,
offline)."""

from netlint.load.construct import BuiltModel, SkipTarget, build, build_with, rebuild_on_cpu
from netlint.load.importer import import_target_module
from netlint.load.sandbox import sandbox
from netlint.load.stand_ins import stood_in_for, used_stand_in
from netlint.user_code import NETLINT_DIR, LoadError, is_library_file

__all__ = ["NETLINT_DIR", "BuiltModel", "LoadError", "SkipTarget", "build", "build_with",
           "import_target_module", "is_library_file", "rebuild_on_cpu", "sandbox", "stood_in_for",
           "used_stand_in"]
