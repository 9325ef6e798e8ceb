"""The built-in derivations, one module (or folder) each, built from kernel claims: GNB, network counts."""
