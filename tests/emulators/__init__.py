"""Test doubles of the chat platforms Loa talks to, served over real HTTP."""
