"""Installed, but its native library is missing on this machine."""

raise ImportError("libGL.so.1: cannot open shared object file: No such file or directory")
