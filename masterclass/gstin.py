"""GSTIN validation: 15 characters, the official layout, and the mod-36 check digit.

Layout: 2-digit state code, 10-character PAN (5 letters, 4 digits, 1 letter), entity number
(1-9 or A-Z), the letter Z by default, and a check character computed over the first 14.
"""

import re

from masterclass.geo import INDIAN_STATE_NAMES

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][A-Z0-9][0-9A-Z]$")


class InvalidGSTIN(ValueError):
    pass


def gstin_check_character(first14: str) -> str:
    total = 0
    for index, char in enumerate(first14):
        value = _ALPHABET.index(char) * (2 if index % 2 else 1)
        total += value // 36 + value % 36
    return _ALPHABET[(36 - total % 36) % 36]


def normalize_gstin(raw: str) -> str:
    """Return the GSTIN upper-cased and stripped, or raise InvalidGSTIN with a clear reason."""
    gstin = (raw or "").strip().upper().replace(" ", "")
    if len(gstin) != 15:
        raise InvalidGSTIN("A GSTIN has exactly 15 characters.")
    if not _PATTERN.match(gstin):
        raise InvalidGSTIN(
            "This GSTIN does not follow the format: 2-digit state code, 10-character PAN, "
            "entity number, Z, check character."
        )
    if gstin[:2] not in INDIAN_STATE_NAMES:
        raise InvalidGSTIN(f"{gstin[:2]} is not an Indian state code.")
    if gstin_check_character(gstin[:14]) != gstin[14]:
        raise InvalidGSTIN("This GSTIN's check digit is wrong; please check for a typo.")
    return gstin


def clean_optional_gstin(raw: str) -> str:
    """For forms: "" when left blank, else the normalised GSTIN; a bad one raises the form
    error with the reason."""
    from django.forms import ValidationError

    if not (raw or "").strip():
        return ""
    try:
        return normalize_gstin(raw)
    except InvalidGSTIN as exc:
        raise ValidationError(str(exc)) from exc


def gstin_state_code(gstin: str) -> str:
    """The place-of-supply state code a GSTIN belongs to: its first two digits."""
    return gstin[:2]
