"""An application package; its models import each other by absolute name (app.models.base)."""

print(f"loaded {__name__}")
