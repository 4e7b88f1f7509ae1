"""An example netlint plug-in."""
