"""The trusted kernel: claims, assumptions, normalisation, sampling, independent evaluation, the worker.

``verdict.check`` is the one function that turns a claim into a verdict; nothing outside this
folder decides one. Nothing here imports the reader, the built-in derivations or a front end.
"""
