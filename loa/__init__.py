"""Loa: the commune loudspeaker, for chat apps. This package holds the entry points (``loa.cli``,
``loa.cmd``) and the wiring of a running instance (``loa.runtime``)."""

from base import __version__

__all__ = ["__version__"]
