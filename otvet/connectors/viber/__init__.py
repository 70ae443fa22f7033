"""The Viber channel: a bot's signed callbacks in, send_message replies out (docs/channels.md)."""
