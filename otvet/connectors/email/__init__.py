"""The email channel: parsing raw RFC 5322 messages into plain dataclasses."""
