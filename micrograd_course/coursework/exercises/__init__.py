"""The exercises, one module per notebook: ``nb01.py`` holds notebook 1's exercises.

Every module whose name starts with ``nb`` is found and imported by
``framework.load_all()``; nothing else lists them. Adding or renumbering a
notebook's exercises is a change to its one module (and the ids inside it).
"""
