"""A model that declares one of everything the DDL must carry (see models.py)."""
