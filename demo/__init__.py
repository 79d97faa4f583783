"""The demo: the seed's examples and a generated portfolio, sent to the application as commands (a client)."""
