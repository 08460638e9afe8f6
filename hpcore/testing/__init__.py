"""The conformance suite for backend authors: ``from hpcore.testing import BackendConformance``.

Needs pytest and hypothesis (``pip install "hpcore[testing]"``).
"""

from hpcore.testing.conformance import BackendConformance

__all__ = ["BackendConformance"]
