"""The chat: application, handlers, keyboards, texts."""
