"""Chat channels (Telegram, Zalo, console), the commands they share, rendering and texts."""
