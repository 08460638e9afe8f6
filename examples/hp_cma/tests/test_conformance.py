"""hp-cma passes hpcore's conformance suite."""

from hpcore.testing import BackendConformance


class TestCmaConformance(BackendConformance):
    backend = "cma"
