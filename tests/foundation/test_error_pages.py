import pytest
from django.test import RequestFactory

from masterclass import views

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_site_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found · Masterclass</title>" in page
    assert "We could not find that page" in page
    assert 'href="/"' in page


def test_the_500_page_stands_alone_and_reassures_about_payments():
    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · Masterclass</title>" in page
    assert "No payment was taken twice" in page


def test_an_unhandled_error_is_answered_with_the_500_page(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("masterclass.public.featured_course_id", explode)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
