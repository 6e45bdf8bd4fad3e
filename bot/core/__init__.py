"""The conversation core: pure logic from an incoming event to outgoing replies.

It knows nothing of Telegram; the Telegram bot and the terminal chat are adapters over it.
"""
