"""The built-in backends pass the conformance suite shipped in hpcore.testing."""

from hpcore.testing import BackendConformance


class TestRandomConformance(BackendConformance):
    backend = "random"


class TestGridConformance(BackendConformance):
    backend = "grid"
