"""Loa's HTTP side: one ASGI app for webhooks and health."""
