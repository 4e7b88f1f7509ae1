"""What is reported, once every model is linted: the config's severities, then per-file-ignores,
noqa comments (``suppression``) and the baseline (``baseline``) take findings out (``decide``)."""
