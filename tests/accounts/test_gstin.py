import pytest

from masterclass.gstin import InvalidGSTIN, gstin_check_character, gstin_problem, normalize_gstin


def _with_check(first14: str) -> str:
    return first14 + gstin_check_character(first14)


def test_a_real_format_gstin_with_the_right_check_digit_is_accepted():
    gstin = _with_check("29AAGCR4375J1Z")

    assert normalize_gstin(gstin.lower()) == gstin


def test_known_gstin_check_digit():
    # 27AAPFU0939F1ZV is the example GSTIN used in the GST portal's own documentation.
    assert gstin_check_character("27AAPFU0939F1Z") == "V"
    assert normalize_gstin(" 27aapfu0939f1zv ") == "27AAPFU0939F1ZV"


@pytest.mark.parametrize("state", ["38", "97"])
def test_ladakh_and_other_territory_stay_accepted(state):
    # python-stdnum does not list these codes; GSTN issues GSTINs with them.
    gstin = _with_check(f"{state}AAGCM4821K1Z")

    assert normalize_gstin(gstin) == gstin


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("27AAPFU0939F1ZW", "check digit"),
        ("27AAPFU0939F1Z", "15 characters"),
        ("2AAAPFU0939F1ZV", "format"),
        ("99AAPFU0939F1ZV", "state code"),
        # The example: check digit right for its 14 characters, but the 14th is not Z.
        ("29AAGCM4821K1AL", "14th character"),
        (_with_check("29AAGCM4821K0Z"), "entity number"),
        # 4th PAN letter D is no holder type the Income Tax Department issues.
        (_with_check("29AAGDM4821K1Z"), "PAN"),
        (_with_check("25AAGCM4821K1Z"), "state code"),  # retired code (Daman and Diu)
    ],
)
def test_bad_gstins_are_refused_with_a_reason(value, reason):
    with pytest.raises(InvalidGSTIN, match=reason):
        normalize_gstin(value)


def test_the_check_agrees_with_python_stdnum_for_every_code_it_knows():
    from stdnum.in_ import gstin as stdnum_gstin

    for state in ["01", "07", "27", "29", "33", "37"]:
        for middle in ["1Z", "2Z", "1A", "0Z"]:
            value = _with_check(f"{state}AAGCM4821K{middle}")
            assert (gstin_problem(value) is None) == stdnum_gstin.is_valid(value), value
