"""Built to drift: aware timestamps that a target stores without their time zone."""
