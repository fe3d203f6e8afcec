"""Tools for maintainers and integrators: the command line, `check`, golden cases and
the pytest plugin."""
