"""IOP Finder's site generator: YAML program data -> checked records -> a static MkDocs Material site."""
