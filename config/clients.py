"""Who is asking: the client's address, as far as this site can know it."""

from django.conf import settings


def client_address(request):
    """The address of the client, for django-axes's count of failed sign-ins.

    Without a proxy that is the socket's peer, REMOTE_ADDR; X-Forwarded-For is then only the
    client's own claim, and believing it would let one attacker fail from a thousand made-up
    addresses, or fail as someone else's. Behind a proxy every peer is the proxy, so the
    address is the last X-Forwarded-For entry: the one the proxy itself added (nginx's
    $proxy_add_x_forwarded_for, or any proxy that replaces the header). Entries to its left
    came from the client and are ignored.
    """
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")
