"""What can be imported: one module per kind, each a `Kind` (base.py); `KINDS` lists them in import order."""
