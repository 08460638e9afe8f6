"""hpcore inside other libraries' training loops; each integration imports its library itself."""
