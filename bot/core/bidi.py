"""Right-to-left text that renders correctly next to Latin names, numbers and punctuation."""

from __future__ import annotations

import unicodedata

RIGHT_TO_LEFT_MARK = "\u200f"
LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"

# Inside a left-to-right run: the spaces and punctuation of addresses and names ("Reuzenstraat 1, 2800
# Mechelen"); a run starts with a left-to-right letter or a digit and ends with one or ")".
_INSIDE_RUN = frozenset(" .,'/()&+-")


def _starts_run(char: str) -> bool:
    """Any script written left to right (Latin with Ş or Ł, Cyrillic, ...) and European digits."""
    return unicodedata.bidirectional(char) in ("L", "EN")


def isolate_latin(text: str) -> str:
    """Wrap each left-to-right run in an isolate so the surrounding RTL order stays intact."""
    pieces: list[str] = []
    position = 0
    while position < len(text):
        if not _starts_run(text[position]):
            pieces.append(text[position])
            position += 1
            continue
        end = scan = position + 1
        while scan < len(text) and (_starts_run(text[scan]) or text[scan] in _INSIDE_RUN):
            scan += 1
            if _starts_run(text[scan - 1]) or text[scan - 1] == ")":
                end = scan
        pieces.append(f"{LEFT_TO_RIGHT_ISOLATE}{text[position:end]}{POP_DIRECTIONAL_ISOLATE}")
        position = end
    return "".join(pieces)


def right_to_left(text: str) -> str:
    """Start every line right to left, even one that opens with a Latin word or a digit."""
    return "\n".join(
        f"{RIGHT_TO_LEFT_MARK}{isolate_latin(line)}" if line.strip() else line for line in text.split("\n")
    )
