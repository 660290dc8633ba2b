"""`python -m atlas_provider`: the same command as `atlas-provider`."""

from .cli import main

if __name__ == "__main__":
    main()
