"""Load: import a target's file as its user runs it (importer), its top level for definitions
only (definitions), with stand-ins for the modules that are not installed (stand_ins),
inside the sandbox (sandbox), and build the model on the meta device, offline (construct,
offline)."""
