"""The HTTP front door: one ASGI app and the request pipeline behind it."""
