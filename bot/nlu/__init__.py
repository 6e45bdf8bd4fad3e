"""Natural language understanding: a small client interface over the Rasa server."""

from bot.nlu.client import IntentScore, Nlu, NluUnavailable, RasaNlu, Understanding

__all__ = ["IntentScore", "Nlu", "NluUnavailable", "RasaNlu", "Understanding"]
