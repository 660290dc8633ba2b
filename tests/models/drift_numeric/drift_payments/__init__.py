"""Built to drift: a Numeric(18, 4) narrowed by a target type."""
