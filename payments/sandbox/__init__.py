"""A stand-in for Razorpay that speaks its HTTP API (development and tests only).

`SandboxServer` serves the REST API subset our gateway uses, checkout.js and signed webhooks;
`SandboxClient` drives its /sandbox helpers over HTTP. No Django imports: it is a separate
fake service that happens to ship with the project. See docs/sandbox.md.
"""

from .client import SandboxClient
from .server import SandboxServer
from .store import payment_signature, sign

__all__ = ["SandboxClient", "SandboxServer", "payment_signature", "sign"]
