"""hp-halton passes hpcore's conformance suite."""

from hpcore.testing import BackendConformance


class TestHaltonConformance(BackendConformance):
    backend = "halton"
