"""Context of an event beyond its trigger: when it happened (dates) and who said it (quotes)."""
