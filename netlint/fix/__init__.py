"""``--fix`` and ``--diff``: each rule declares its fix next to its check
(``netlint.fix.changes``); ``edits`` turns it into libcst edits of the call that created the
layer; ``verify`` keeps the fixes that pass a fresh lint of the edited text and writes them; ``apply``
runs the phase (resolve, verify, write or diff)."""
