"""Right-to-left text that renders correctly next to Latin names, numbers and punctuation."""

from __future__ import annotations

import re

RIGHT_TO_LEFT_MARK = "\u200f"
LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"

# A run of left-to-right text: starts and ends with a Latin letter or digit, and may hold
# spaces and the punctuation of addresses and names in between ("Reuzenstraat 1, 2800 Mechelen").
_LATIN_RUN = re.compile(r"[A-Za-zÀ-ÿ0-9](?:[A-Za-zÀ-ÿ0-9 .,'/()&+-]*[A-Za-zÀ-ÿ0-9)])?")


def isolate_latin(text: str) -> str:
    """Wrap each left-to-right run in an isolate so the surrounding RTL order stays intact."""
    return _LATIN_RUN.sub(lambda m: f"{LEFT_TO_RIGHT_ISOLATE}{m.group(0)}{POP_DIRECTIONAL_ISOLATE}", text)


def right_to_left(text: str) -> str:
    """Start every line right to left, even one that opens with a Latin word or a digit."""
    return "\n".join(
        f"{RIGHT_TO_LEFT_MARK}{isolate_latin(line)}" if line.strip() else line for line in text.split("\n")
    )
