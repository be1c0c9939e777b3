"""The ground floor: what every layer of Loa may import, and which imports none of them.

Settings (``base.config``: one typed object read from ``loa.toml`` and the environment), times as
Loa shows them (``base.timefmt``), a background-task helper (``base.background``) and Loa's
version. Above it, each layer imports only the ones below: ``news`` (pure domain) → ``storage`` →
``bot`` → ``jobs`` → ``web`` → ``loa`` (entry points and wiring); ``tests/test_layers.py`` checks.
"""

__version__ = "0.1.0"
