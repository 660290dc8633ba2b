"""The CRM's models, on their own declarative base."""
