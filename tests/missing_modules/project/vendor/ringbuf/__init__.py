"""Installed with `pip install --target vendor`: its top level registers its sizes in a loop."""

SIZES = {}
for exponent in range(3, 7):
    SIZES[f"x{2 ** exponent}"] = 2 ** exponent
