"""Store backends behind one protocol; `open_store(settings)` picks one by name."""
