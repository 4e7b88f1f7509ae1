"""netlint kept warm: ``engine`` (a process with torch and the rules loaded that lints each
request in a fresh child), ``daemon`` (that engine per project, used by ``netlint``) and
``lsp`` (``netlint server``, the language server on top of its own engine)."""
