"""Constructor arguments for models whose constructor needs them: given in the target
(call), found in the project's own code (from_code at discovery, instances at import),
or guessed from the parameters' conventional names (guessed); tried in that order (attempts)."""
