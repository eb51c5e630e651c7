"""The tabs of the session window, one module each."""
