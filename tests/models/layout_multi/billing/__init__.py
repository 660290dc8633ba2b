"""Billing's models, on a second declarative base, referring to the CRM's table by name only."""
