"""Preview server: watch the sources, rebuild what changed, serve from memory, tell browsers to reload."""
