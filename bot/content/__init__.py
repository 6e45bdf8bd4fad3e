"""The city's curated content: answers, places, the topic menu and every UI string."""

from bot.content.loader import ContentError, load_content
from bot.content.model import Answer, Content, Link, Place

__all__ = ["Answer", "Content", "ContentError", "Link", "Place", "load_content"]
