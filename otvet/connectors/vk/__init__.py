"""The VK channel: a community's Callback API in, messages.send replies out (docs/channels.md)."""
