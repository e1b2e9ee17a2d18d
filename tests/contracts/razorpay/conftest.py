import pytest
import razorpay


@pytest.fixture
def sdk(razorpay_sandbox, settings):
    """The real razorpay SDK, pointed at the sandbox as the gateway points it."""
    return razorpay.Client(
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        base_url=settings.RAZORPAY_API_BASE_URL.removesuffix("/v1"),
    )
