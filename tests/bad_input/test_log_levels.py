"""A 4xx that bad input caused is logged as a warning: the error log lists real faults only."""

import logging

import pytest

pytestmark = pytest.mark.django_db


def _errors(caplog):
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_forged_host_header_is_a_400_logged_as_a_warning(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert _errors(caplog) == []
    assert any(
        r.name == "django.security.DisallowedHost" and r.levelno == logging.WARNING
        for r in caplog.records
    )


def test_too_many_form_fields_is_a_400_logged_as_a_warning(client, caplog, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    with caplog.at_level(logging.INFO):
        response = client.post("/newsletter/", {f"f{n}": "x" for n in range(50)})

    assert response.status_code == 400
    assert _errors(caplog) == []
    assert any(r.name == "django.security.TooManyFieldsSent" for r in caplog.records)


@pytest.mark.parametrize(
    "url", ["/payments/orders/%00/", "/certificates/%00/pdf/", "/accounts/signup/?next=abc"]
)
def test_bad_urls_and_parameters_log_no_error(client, caplog, url):
    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code < 500
    assert _errors(caplog) == []


def test_a_server_fault_is_still_logged_as_an_error(caplog):
    """The filter only lowers 4xx records."""
    from masterclass.logging import ClientErrorAsWarning

    record = logging.makeLogRecord({"levelno": logging.ERROR, "levelname": "ERROR"})
    record.status_code = 500
    ClientErrorAsWarning().filter(record)

    assert record.levelno == logging.ERROR
