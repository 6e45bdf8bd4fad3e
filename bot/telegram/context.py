"""A typed callback context: handlers reach the services through properties, not loose keys."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services


class WelkomContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        services: Services = self.bot_data["services"]
        return services

    @classmethod
    def attach(cls, application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
        application.bot_data["services"] = services
