"""Loa: the commune loudspeaker, for chat apps."""

__version__ = "0.1.0"
