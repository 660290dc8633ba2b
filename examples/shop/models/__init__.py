"""The shop's SQLAlchemy models.

Deliberately imports nothing: atlas-provider discovers ``base``, ``customers``, ``catalog``, ``orders``
and ``analytics`` by walking this folder, as it must for an application whose model modules nothing
imports eagerly.
"""
