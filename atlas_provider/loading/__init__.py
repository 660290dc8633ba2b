"""Load the model: find the user's modules, import them once each as real packages, collect every table.

    finding.py    which files each --path names, and their dotted names (namespace portions, clashes)
    importing.py  import by dotted name; a failure becomes one line naming the file and line
    recording.py  a listener on Table records the file:line that created each table
    collecting.py which MetaData the model uses: filled by the user's files, held by selected modules'
                  globals, or named by --model
    loader.py     load_model, which runs them in that order; identical duplicate tables are merged
                  by ..duplicates

Modules are imported under their dotted names from the folder that holds the topmost package, so
absolute imports, relative imports and modules importing each other all see one module object, and
each table is defined once.
"""

from .loader import load_model
from .model import Model, Origin, table_key

__all__ = ["Model", "Origin", "load_model", "table_key"]
