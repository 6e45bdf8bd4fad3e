"""Words that change with a number, chosen by the CLDR plural rules of each language (through Babel)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.plural import PluralRule


@cache
def _rule(language: str) -> PluralRule:
    return Locale.parse(language).plural_form


def categories(language: str) -> frozenset[str]:
    """The plural categories a text in this language must give (for example one, few, many, other in uk)."""
    return frozenset(_rule(language).tags | {"other"})


def choose(language: str, forms: dict[str, str], count: int) -> str:
    """The form for `count`, with {count} filled in."""
    return forms[_rule(language)(count)].format(count=count)
