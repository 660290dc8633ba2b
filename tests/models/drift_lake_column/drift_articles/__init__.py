"""Built to drift: a column the lake leaves out although the model never excludes it."""
