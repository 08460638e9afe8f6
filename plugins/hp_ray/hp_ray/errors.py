"""Errors hp-ray raises on top of hpcore's own."""

from __future__ import annotations

from hpcore import InvalidArgument


class NotShippable(InvalidArgument):
    """Something a trial needs cannot be serialised and sent to Ray workers."""


class ResourcesUnavailable(InvalidArgument):
    """`resources_per_trial` asks for more than any node of the Ray cluster has."""
