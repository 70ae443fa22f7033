"""Channels: each turns its input into tickets and our replies back into its output."""
