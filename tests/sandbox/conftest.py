import pytest
import razorpay


@pytest.fixture
def sdk(razorpay_sandbox, settings):
    """The real razorpay SDK, configured the way the gateway configures it from settings."""
    return razorpay.Client(
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        base_url=settings.RAZORPAY_API_BASE_URL.removesuffix("/v1"),
    )


@pytest.fixture
def make_order(sdk):
    def make(amount=3499900, currency="INR", receipt="order-1", **extra):
        return sdk.order.create(
            {"amount": amount, "currency": currency, "receipt": receipt, **extra}
        )

    return make
