"""hp-halton: quasi-random search over a Halton sequence, as a third-party hpcore backend."""
