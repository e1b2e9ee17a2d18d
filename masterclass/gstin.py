"""GSTIN validation, as GSTN validates a normal taxpayer's GSTIN (a thin wrapper over
python-stdnum's `stdnum.in_.gstin`).

Layout: 2-digit state code, the holder's 10-character PAN, entity number (1-9 or A-Z), the
letter Z, and a Luhn mod-36 check character over the first 14. stdnum checks all of it but
does not know the state codes created after it was written (38 Ladakh, 97 Other Territory);
for those we run the same checks with stdnum's own PAN and Luhn functions. A GSTIN whose 14th
character is not Z (a TDS deductor's, a UIN, ...) is not a normal taxpayer's and is refused:
printed on a B2B invoice, GSTN would reject it and the buyer would lose the input tax credit.
"""

import re

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.in_ import gstin as stdnum_gstin
from stdnum.in_ import pan as stdnum_pan

from masterclass.geo import INDIAN_STATE_NAMES

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SHAPE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]{3}$")
# State codes GSTN issues that python-stdnum 2.2 does not list yet.
STATE_CODES_MISSING_FROM_STDNUM = frozenset({"38", "97"})


class InvalidGSTIN(ValueError):
    pass


def gstin_check_character(first14: str) -> str:
    """The check character GSTN appends to the first 14 characters (stdnum's Luhn mod 36)."""
    return luhn.calc_check_digit(first14.upper(), _ALPHABET)


def _reason(gstin: str) -> str | None:
    """Why a compacted GSTIN is not a normal taxpayer's, in words a buyer can act on."""
    if len(gstin) != 15:
        return "A GSTIN has exactly 15 characters."
    if not _SHAPE.match(gstin):
        return (
            "This GSTIN does not follow the format: 2-digit state code, 10-character PAN, "
            "entity number, Z, check character."
        )
    if gstin[:2] not in INDIAN_STATE_NAMES:
        return f"{gstin[:2]} is not an Indian state code."
    if not stdnum_pan.is_valid(gstin[2:12]):
        if not luhn.is_valid(gstin, _ALPHABET):
            return "This GSTIN's check digit is wrong; please check for a typo."
        return "Characters 3 to 12 of a GSTIN are the holder's PAN; this one is not a valid PAN."
    if gstin[12] == "0":
        return "The 13th character of a GSTIN (the entity number) cannot be 0."
    if gstin[13] != "Z":
        return (
            "The 14th character of a regular taxpayer's GSTIN is Z; this one is not, so GSTN "
            "would not accept it on a B2B invoice."
        )
    if not luhn.is_valid(gstin, _ALPHABET):
        return "This GSTIN's check digit is wrong; please check for a typo."
    return None


def gstin_problem(raw: str) -> str | None:
    """None if `raw` is a valid normal taxpayer's GSTIN, else the reason it is not."""
    gstin = stdnum_gstin.compact(raw or "")
    reason = _reason(gstin)
    if reason is None and gstin[:2] not in STATE_CODES_MISSING_FROM_STDNUM:
        # The library's verdict is the rule; our reasons only explain it.
        try:
            stdnum_gstin.validate(gstin)
        except StdnumValidationError:
            reason = "This GSTIN is not valid."
    return reason


def normalize_gstin(raw: str) -> str:
    """Return the GSTIN upper-cased and stripped, or raise InvalidGSTIN with a clear reason."""
    reason = gstin_problem(raw)
    if reason:
        raise InvalidGSTIN(reason)
    return stdnum_gstin.compact(raw)


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
