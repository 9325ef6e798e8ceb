"""Front ends: the CLI, the pytest plugin, the exporters and the API they share. Thin: they ask the kernel."""
