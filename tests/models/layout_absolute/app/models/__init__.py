print(f"loaded {__name__}")
