import pytest

from masterclass.gstin import InvalidGSTIN, gstin_check_character, normalize_gstin


def test_a_real_format_gstin_with_the_right_check_digit_is_accepted():
    first14 = "29AAGCR4375J1Z"
    gstin = first14 + gstin_check_character(first14)

    assert normalize_gstin(gstin.lower()) == gstin


def test_known_gstin_check_digit():
    # 27AAPFU0939F1ZV is the example GSTIN used in the GST portal's own documentation.
    assert gstin_check_character("27AAPFU0939F1Z") == "V"
    assert normalize_gstin(" 27aapfu0939f1zv ") == "27AAPFU0939F1ZV"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("27AAPFU0939F1ZW", "check digit"),
        ("27AAPFU0939F1Z", "15 characters"),
        ("2AAAPFU0939F1ZV", "format"),
        ("99AAPFU0939F1ZV", "state code"),
    ],
)
def test_bad_gstins_are_refused_with_a_reason(value, reason):
    with pytest.raises(InvalidGSTIN, match=reason):
        normalize_gstin(value)
