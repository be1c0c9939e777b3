"""Implementations of the ``loa`` subcommands, one module each."""
