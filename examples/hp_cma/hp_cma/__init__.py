"""hp-cma: CMA-ES from the `cma` package as a third-party hpcore backend, written on `hpcore.AskTellBackend`."""
