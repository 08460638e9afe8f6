"""The conformance suite fails, never hangs: a law whose backend hook blocks fails within its limit, naming both."""

import textwrap
import time

pytest_plugins = ["pytester"]

HANGING = '''
import threading

import hpcore
from hpcore.backends.random import RandomBackend
from hpcore.testing import BackendConformance


class WaitsForATell(RandomBackend):
    """An engine whose ask waits for a tell that never comes (as sequential optimizers do)."""

    name = "waits"

    @hpcore.hookimpl
    def hpcore_ask(self, study):
        threading.Event().wait()


hpcore.register_backend(WaitsForATell())


class TestWaits(BackendConformance):
    backend = "waits"
    law_time_limit = 2.0
'''


def test_a_law_whose_ask_blocks_fails_naming_the_law_and_the_hook(pytester):
    pytester.makepyfile(test_waits=textwrap.dedent(HANGING))
    began = time.monotonic()
    outcome = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "test_sampled_values_lie_in_the_space", timeout=120)
    assert time.monotonic() - began < 60
    outcome.assert_outcomes(failed=1)
    text = outcome.stdout.str()
    assert "law test_sampled_values_lie_in_the_space did not end within 2 s" in text
    assert "hpcore_ask" in text and "waits at" in text
