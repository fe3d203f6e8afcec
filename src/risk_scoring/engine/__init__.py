"""The assessment engine: validated answers, scoring, measures and the one-call pipeline.

Pure computation over a loaded definition: no I/O beyond loading a definition by id.
"""
