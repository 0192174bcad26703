"""CSV and XLSX import: upload, map, dry run, commit exactly the plan, report, undo (engine.py, phases.py;
the kind contract in kinds/base.py; value parsers in values.py)."""
