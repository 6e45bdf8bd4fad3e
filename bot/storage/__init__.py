"""All state of the assistant, in one SQLite file: the connection and schema, and the tables' own classes."""

from bot.storage.cases import Case, Cases
from bot.storage.data_rights import DataRights
from bot.storage.database import LoggedTurn, Resident, Storage

__all__ = ["Case", "Cases", "DataRights", "LoggedTurn", "Resident", "Storage"]
