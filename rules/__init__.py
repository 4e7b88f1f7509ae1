"""netlint's built-in rules, one per file; registered in the ``netlint.rules`` entry-point
group like any plug-in."""
