"""hp-evolve: a (1+1)-evolution strategy that learns from every finished trial, as a third-party hpcore backend."""
