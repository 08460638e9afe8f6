"""hp-evolve passes hpcore's conformance suite."""

from hpcore.testing import BackendConformance


class TestEvolveConformance(BackendConformance):
    backend = "evolve"
