"""TeX in metadata (arXiv titles and abstracts are written in TeX): ``Fr\\'echet`` → Fréchet,
``Prompting~(DAM-VP)`` → ``Prompting (DAM-VP)``.

Only accent and special-letter commands and ties (``~``, a space that does not break) are
decoded; math (``$\\alpha$``) and any other command stay as written, and so does a ``~`` in a
URL or between lower-case words.

>>> decode_accents(r"Fr\\'echet Inception Distance, G{\\"o}del, Erd\\H{o}s, na\\"{\\i}ve, \\c{C}a\\u{g}r{\\i}")
'Fréchet Inception Distance, Gödel, Erdős, naïve, Ça\u011fr\u0131'
>>> decode_accents(r"the model\\'s $\\alpha$-divergence, \\emph{not} an accent")
"the model's $\\\\alpha$-divergence, \\\\emph{not} an accent"
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["decode_accents", "decode_tex"]

# accent command -> combining mark
_MARKS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a",
}
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "l": "ł", "L": "Ł", "i": "\u0131", "j": "\u0237",  # dotless i, j
}
_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"  # a letter, or the dotless \i / \j under an accent
# \'e  \'{e}  \c{c}  \c c: a symbol command takes its letter directly, a letter command needs
# braces or one space before it
_COMMAND = (
    r"\\(?:[`'^\"~=.]\s*(?:\{" + _BASE + r"\}|" + _BASE + r")"
    r"|[uvHckr](?:\{" + _BASE + r"\}| " + _BASE + r"))"
)
_ACCENT = re.compile(r"\{(" + _COMMAND + r")\}|(" + _COMMAND + r")")  # {\'e} takes its braces
# model\'s, don\'t: an apostrophe escaped by some exporter, not an acute accent
_CONTRACTION = re.compile(r"(?<=[A-Za-z])\\'(?=(?:s|t|d|m|ll|re|ve)\b)")
_PARTS = re.compile(r"\\(.)\s*\{?(\\?.)")
# {\ss}, \ss{}, or \ss followed by a space TeX swallows before a letter (Stra\ss e)
_LETTER = re.compile(
    r"\{\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij])\}|\\(ss|aa|AA|ae|AE|oe|OE|[oOlL])(?![A-Za-z])(?:\{\}| (?=[a-z]))?"
)


def _accented(match: re.Match[str]) -> str:
    parts = _PARTS.match(match.group(1) or match.group(2))
    assert parts is not None  # _COMMAND matched
    command, base = parts.groups()
    letter = unicodedata.normalize("NFC", base.lstrip("\\") + _MARKS[command])
    return letter if len(letter) == 1 else match.group(0)  # no such letter: not an accent


# Fig.~3, et al.~[4], Prompting~(DAM-VP), Section~\\ref: a tie after a word, before a bracket,
# a digit, a capital or a command (not in "edu/~user")
_TIE = re.compile(r"(?<=[A-Za-z.,;:)\]])~(?=[(\[\dA-Z\\])")
_LINKISH = re.compile(r"[/@]|www\.", re.I)


def decode_tex(text: str) -> str:
    """`text` with ties as spaces and accents as letters (`decode_accents`).

    >>> decode_tex(r"Visual Prompting~(DAM-VP) of Erd\\H{o}s, see Fig.~2 and www.x.edu/~me")
    'Visual Prompting (DAM-VP) of Erdős, see Fig. 2 and www.x.edu/~me'
    """
    return decode_accents(_TIE.sub(_tie, text) if "~" in text else text)


def _tie(match: re.Match[str]) -> str:
    """A space for a tie, unless the word it is in is a link or an address (``x.org/a~1``)."""
    text, at = match.string, match.start()
    word = text[text.rfind(" ", 0, at) + 1 : (text.find(" ", at) + 1 or len(text) + 1) - 1]
    return "~" if _LINKISH.search(word) else " "


def decode_accents(text: str) -> str:
    """`text` with TeX accent commands (``\\'e``, ``\\"{o}``, ``\\c{c}``, ``{\\ss}``) as Unicode."""
    if "\\" not in text:
        return text
    out = _ACCENT.sub(_accented, _CONTRACTION.sub("'", text))
    return _LETTER.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], out)
