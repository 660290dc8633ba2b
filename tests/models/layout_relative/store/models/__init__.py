"""Relative imports only, one and two levels up."""
