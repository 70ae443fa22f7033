"""The Telegram channel: webhook and long polling in, Bot API replies out (docs/channels.md)."""
