"""Instrument definitions: the strict YAML reader, the models, the condition syntax,
cross-references, loading, the measures catalogue and the Result model.

This layer needs only pydantic and PyYAML, and imports nothing from the layers above it.
"""
