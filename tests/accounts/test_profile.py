import pytest

from masterclass.gstin import gstin_check_character
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KARNATAKA_GSTIN = "29AAGCR4375J1Z" + gstin_check_character("29AAGCR4375J1Z")


def _profile(**overrides):
    return {
        "full_name": "Asha Rao",
        "phone": "+91 98450 12345",
        "country": "IN",
        "state": "29",
        "billing_address": "4 Church Street, Bengaluru 560001",
        "company_name": "",
        "gstin": "",
        **overrides,
    }


def test_profile_needs_a_login(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_learner_saves_name_phone_state_address_company_and_gstin(learner_client, learner):
    response = learner_client.post(
        "/accounts/profile/",
        _profile(company_name="Rao Systems Pvt Ltd", gstin=KARNATAKA_GSTIN.lower()),
        follow=True,
    )

    assert "Your profile is saved." in response.content.decode()
    learner.refresh_from_db()
    assert learner.phone == "+91 98450 12345"
    assert learner.state == "29"
    assert learner.company_name == "Rao Systems Pvt Ltd"
    assert learner.gstin == KARNATAKA_GSTIN
    assert learner.billing_address.startswith("4 Church Street")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, "Please enter your name."),
        ({"state": ""}, "Please choose your state: GST depends on it."),
        ({"phone": "call me"}, "Please enter a phone number"),
        ({"gstin": "29AAGCR4375J1Z0", "company_name": "Rao"}, "check digit"),
        ({"gstin": "12345", "company_name": "Rao"}, "exactly 15 characters"),
        (
            {"gstin": KARNATAKA_GSTIN, "company_name": "Rao", "state": "27"},
            "registered in Karnataka",
        ),
        ({"gstin": KARNATAKA_GSTIN}, "Please enter the company name"),
        (
            {"country": "US", "state": "", "gstin": KARNATAKA_GSTIN, "company_name": "X"},
            "only to buyers in India",
        ),
    ],
)
def test_bad_profile_input_re_renders_with_a_message_and_saves_nothing(
    learner_client, learner, overrides, message
):
    before = (learner.full_name, learner.phone, learner.state, learner.gstin)

    response = learner_client.post("/accounts/profile/", _profile(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    learner.refresh_from_db()
    assert (learner.full_name, learner.phone, learner.state, learner.gstin) == before


def test_buyers_abroad_need_no_state_and_any_state_is_dropped(learner_client, learner):
    learner_client.post("/accounts/profile/", _profile(country="SG", state="29"))

    learner.refresh_from_db()
    assert learner.country == "SG"
    assert learner.state == ""


def test_the_profile_page_shows_the_saved_values(client):
    user = UserFactory(full_name="Dev Patel", phone="+919812345678", state="24")
    client.force_login(user)

    page = client.get("/accounts/profile/").content.decode()

    assert 'value="Dev Patel"' in page
    assert '<option value="24" selected>Gujarat</option>' in page
