"""The web server: a JSON API and dashboard pages over a read-only event store."""
