"""A typed callback context: handlers reach the services through properties, not loose keys."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.case_desk import CaseDesk
from bot.services import Services
from bot.storage.cases import Cases
from bot.telegram.delivery import Delivery
from bot.telegram.staff_forum import CaseTopics


class WelkomContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        services: Services = self.bot_data["services"]
        return services

    @property
    def cases(self) -> Cases:
        return self.services.cases

    @property
    def desk(self) -> CaseDesk:
        desk: CaseDesk = self.bot_data["desk"]
        return desk

    @property
    def topics(self) -> CaseTopics:
        topics: CaseTopics = self.bot_data["topics"]
        return topics

    @property
    def deliver(self) -> Delivery:
        deliver: Delivery = self.bot_data["deliver"]
        return deliver

    @property
    def staff_chat_id(self) -> int:
        return self.services.settings.staff_chat_id

    @classmethod
    def attach(cls, application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
        settings = services.settings
        desk = CaseDesk(
            services.conversation, services.cases, services.storage, settings.show_caseworker_name
        )
        application.bot_data["services"] = services
        application.bot_data["desk"] = desk
        deliver = Delivery(settings.telegram_retry_first_wait_seconds)
        application.bot_data["deliver"] = deliver
        application.bot_data["topics"] = CaseTopics(
            application.bot, desk, services.cases, settings.staff_chat_id, deliver
        )

    @staticmethod
    def topics_of(application: Application[Any, Any, Any, Any, Any, Any]) -> CaseTopics:
        topics: CaseTopics = application.bot_data["topics"]
        return topics
