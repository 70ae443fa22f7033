"""Web chat: an embeddable widget whose visitors chat with agents in real time (docs/channels.md, "Web chat")."""
