"""Context of an event beyond its trigger: when (dates), where (places), who said so (quotes)."""
