from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def checkout(request, slug):
    # Replaced by the checkout flow of the payments issue; the URL name is the contract.
    return HttpResponse("Checkout is not available yet.", status=503)
