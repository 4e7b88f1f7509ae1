"""Random small projects for fuzzing netlint's readers of the project's code (hypothesis
strategies): a model file whose blocks are built in varied ways, and a training script that
builds the model with varied argument syntax, parses options and trains it. Each piece is
drawn from the forms Python code writes: keyword arguments given as calls, ``*``/``**``
splats, subscripts, f-strings, lambdas, walrus, conditional expressions, comprehensions,
decorators with calls, callees reached through a dict, ``getattr`` or ``functools.partial``.
The code need not run (an argument may name nothing the script defines); netlint must answer
every file without an internal error: ``check_projects`` says which file broke it;
``every_variant`` holds each form once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import strategies as st

NETLINT = [sys.executable, "-m", "netlint"]

# A value given for the model's ``channels`` (an int when it is a constant).
CHANNEL_VALUES = [
    "8", "int('8')", "cfg['channels']", "cfg.get('channels', 8)", "args.channels", "opt.model.channels",
    "f'{8}'", "(c := 8)", "8 if flag else 4", "sizes[0]", "sizes[-1:]", "-(-8)", "2 * 4", "len(sizes)",
    "[c for c in sizes][0]", "max(sizes, key=lambda s: -s)", "{'a': 8}['a']", "(8,)[0]", "...", "b'8'",
    "None", "math.ceil(7.5)", "np.int64(8)", "torch.tensor(8).item()", "sum(x for x in [4, 4])",
    "{**cfg}['channels']", "not_defined_anywhere", "self.width", "obj.attr[1](2)", "8j.imag",
    "[Point(1, 2), Point(3, 4)]", "(Point(8, 8),)", "{'p': Point(1, 2)}", "[Block(8), 3]", "[[1, Point(1, 2)]]",
    "{Point(1, 2): 3}", "[*sizes, 8]", "{'a': 1, **cfg}", "[lambda: 8]", "(8).bit_length()",
]
# Other arguments given to the model's constructor, as the script writes them.
EXTRA_ARGUMENTS = [
    "", ", depth=2", ", **cfg", ", *sizes", ", act=lambda x: x", ", act=nn.ReLU", ", act=nn.ReLU()",
    ", norm=partial(nn.BatchNorm2d, eps=1e-3)", ", depth=int(args.depth)", ", block=Block", ", block=BLOCKS['plain']",
    ", **{'depth': 2}", ", *[], **{}", ", depth=(d := 2)", ", names=[f'l{i}' for i in range(2)]",
    ", cfg={'a': [1, 2], **extra}", ", depth=cfg['depth'] or 2", ", layers=(2, 2, *more)",
]
# How the script reaches the model's class.
CALLEES = ["{Net}", "MODELS['{name}']", "getattr(net_module, '{Net}')", "partial({Net}, depth=2)", "net_module.{Net}",
           "get_model('{name}')"]
# How the model's constructor builds its blocks.
BLOCK_FORMS = [
    "nn.Sequential(*[Block(channels, channels) for _ in range(depth)])",
    "nn.ModuleList(Block(channels, channels) for _ in range(depth))",
    "make_layer(block, channels, depth)",
    "make_layer(Block, channels, n=depth)",
    "nn.Sequential(*(block(channels, channels, **block_kwargs) for i in range(depth)))",
    "nn.Sequential(*map(lambda i: Block(channels, channels), range(depth)))",
    "nn.Sequential(*[BLOCKS['plain'](channels, channels)] * depth)",
    "nn.Sequential(*[getattr(sys.modules[__name__], 'Block')(channels, channels)])",
    "nn.Sequential(*[partial(Block, channels)(channels) for _ in range(depth)])",
    "nn.Sequential(Block(*(channels, channels)), Block(**{'cin': channels, 'cout': channels}))",
    "nn.Sequential(*[Block(channels, channels) if i % 2 else nn.Identity() for i in range(depth)])",
]
DECORATORS = ["", "@register('{name}')\n", "@register(name='{name}', tags=['a', f'{{1}}'])\n", "@MODELS.setdefault\n",
              "@(lambda cls: cls)\n"]
# How the script declares its options.
OPTIONS = [
    "parser.add_argument('--channels', type=int, default=8)",
    "parser.add_argument('--channels', type=lambda s: int(s), default=int('8'))",
    "parser.add_argument('--channels', default=os.environ.get('CHANNELS', 8))",
    "parser.add_argument(*['--channels', '-c'], **{'type': int, 'default': 8})",
    "parser.add_argument('--channels', choices=range(4, 16), default=sizes[0])",
    "parser.add_argument('--depth', default=[1, 2] * 2, nargs='+')",
    "parser.add_argument('--name', default=f'{8}-net', help=f'name {1 + 1}')",
    "parser.add_argument('--depth', default=(d := 2), dest='depth')",
    "parser.set_defaults(**{'channels': 8})",
    "parser.add_argument('--channels', action=StoreAction, default=CHANNELS)",
]


@st.composite
def project(draw, index: int) -> dict[str, str]:
    """A model file, a training script and a file of factories: ``{file name: source}``."""
    def argument_list() -> str:
        arguments = f"channels={draw(st.sampled_from(CHANNEL_VALUES))}{draw(st.sampled_from(EXTRA_ARGUMENTS))}"
        return arguments.removeprefix("channels=") if draw(st.booleans()) else arguments  # the first positional

    return sources(index, draw(st.sampled_from(DECORATORS)), draw(st.sampled_from(BLOCK_FORMS)),
                   [(draw(st.sampled_from(CALLEES)), argument_list())], [argument_list()],
                   draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3)))


def every_variant() -> tuple[dict[str, str], ...]:
    """Projects that hold every form of every list at least once (each a call of its own)."""
    count = len(BLOCK_FORMS)
    projects = []
    for i in range(count):
        values = CHANNEL_VALUES[i::count]
        extras = [EXTRA_ARGUMENTS[(i + j * count) % len(EXTRA_ARGUMENTS)] for j in range(len(values))]
        arguments = [f"{'channels=' * (j % 2)}{v}{e}" for j, (v, e) in enumerate(zip(values, extras))]
        calls = [(CALLEES[(i + j) % len(CALLEES)], a) for j, a in enumerate(arguments)]
        projects.append(sources(i, DECORATORS[i % len(DECORATORS)], BLOCK_FORMS[i], calls, arguments,
                                OPTIONS[i::count] or OPTIONS[:1]))
    return tuple(projects)


def sources(index: int, decorator: str, blocks: str, calls: list[tuple[str, str]], factory_arguments: list[str],
            options: list[str]) -> dict[str, str]:
    """The project's files: the model's class built with ``blocks``, the script's ``calls``
    (callee form, arguments), the factories' arguments, the script's option statements."""
    name, net = f"net{index}", f"Net{index}"
    model = (
        "import sys\nfrom collections import namedtuple\nfrom functools import partial\n\nimport torch\n"
        "from torch import nn\n\nPoint = namedtuple('Point', 'a b')\nMODELS = {}\n\n\n"
        "def register(*names, **options):\n"
        "    def add(cls):\n"
        "        MODELS[(names or (options.get('name'),))[0]] = cls\n"
        "        return cls\n"
        "    return add\n\n\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, cin, cout=None, **kwargs):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(cin, cout or cin, 3, padding=1, **kwargs)\n\n"
        "    def forward(self, x):\n"
        "        return torch.relu(self.conv(x))\n\n\n"
        "BLOCKS = {'plain': Block}\n\n\n"
        "def make_layer(block, channels, n=2, **kwargs):\n"
        "    return nn.Sequential(*[block(channels, channels, **kwargs) for _ in range(n)])\n\n\n"
        f"{decorator.format(name=name)}"
        f"class {net}(nn.Module):\n"
        "    def __init__(self, channels, depth=2, block=Block, act=nn.ReLU, norm=nn.BatchNorm2d, names=(),\n"
        "                 cfg=None, layers=(), *args, **block_kwargs):\n"
        "        super().__init__()\n"
        "        self.stem = nn.Conv2d(3, channels, 3, padding=1)\n"
        f"        self.body = {blocks}\n"
        "        self.head = nn.Conv2d(channels, 3, 3, padding=1)\n\n"
        "    def forward(self, x):\n"
        "        return self.head(self.body(self.stem(x)))\n\n\n"
        "def get_model(name, **kwargs):\n"
        "    return MODELS.get(name, Block)(**kwargs)\n"
    )
    built = "".join(f"    model = {callee.format(Net=net, name=name)}({arguments})\n" for callee, arguments in calls)
    script = (
        "import argparse\nimport math\nimport os\nfrom functools import partial\n\n"
        "import numpy as np\nimport torch\nfrom torch import nn\n\n"
        f"import {name} as net_module\nfrom {name} import {net}, MODELS, BLOCKS, Block, Point, get_model\n\n"
        "CHANNELS = 8\nsizes = [8, 16]\nmore = (1,)\nflag = True\ncfg = {'channels': 8, 'depth': 2}\nextra = {}\n\n\n"
        "class StoreAction(argparse.Action):\n"
        "    def __call__(self, parser, namespace, values, option_string=None):\n"
        "        setattr(namespace, self.dest, values)\n\n\n"
        "def main():\n"
        "    parser = argparse.ArgumentParser()\n"
        + "".join(f"    {option}\n" for option in options) +
        "    args = parser.parse_args()\n"
        f"{built}"
        "    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)\n"
        "    for x in [torch.randn(2, 3, 16, 16)]:\n"
        "        loss = nn.functional.l1_loss(model(x), x)\n"
        "        optimizer.zero_grad()\n"
        "        loss.backward()\n"
        "        optimizer.step()\n\n\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    factory = (  # constants only, as a factory of the project writes them
        "import torch\nfrom torch import nn\n\n"
        f"from {name} import {net}, Block, Point\n"
        + "".join(f"\n\ndef create_{name}_{j}(width=8):\n    return {net}({arguments})\n"
                  for j, arguments in enumerate(factory_arguments)))
    return {f"{name}.py": model, f"train{index}.py": script, f"make{index}.py": factory}


def projects(count: int):
    """1 to ``count`` projects, linted together."""
    return st.integers(1, count).flatmap(lambda n: st.tuples(*(project(i) for i in range(n))))


class InternalError(AssertionError):
    pass


def check_projects(drawn: tuple[dict[str, str], ...], env: dict | None = None) -> None:
    """Lint the projects in one folder through the real CLI: no internal error, no traceback,
    an exit code netlint documents."""
    files = {name: source for one in drawn for name, source in one.items()}
    with tempfile.TemporaryDirectory() as scratch:
        for name, source in files.items():
            compile(source, name, "exec")  # (the generator writes Python)
            (Path(scratch) / name).write_text(source)
        proc = subprocess.run([*NETLINT, ".", "--output-format", "json", "-j", "2", "--timeout", "300"], cwd=scratch,
                              env=env, capture_output=True, text=True, timeout=900)
    shown = "\n".join(f"--- {name}\n{source}" for name, source in files.items())
    if proc.returncode not in (0, 1, 2) or "Traceback" in proc.stderr or not proc.stdout:
        raise InternalError(f"exit {proc.returncode}: {proc.stderr[-2000:]}\n{shown}")
    if "internal error" in proc.stdout:
        report = json.loads(proc.stdout)
        for entry in [*report["errors"], *report["skipped"], *report["models"]]:
            if "internal error" in json.dumps(entry):
                file = entry["target"].partition("::")[0]
                raise InternalError(f"{json.dumps(entry)[:3000]}\n--- {file}\n{files.get(file, '')}\n{shown}")
        raise InternalError(f"{proc.stdout[-3000:]}\n{shown}")
