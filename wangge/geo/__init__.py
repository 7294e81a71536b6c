"""Pure geometry algorithms for wangge: datum conversion, tessellation, ordering, point lookup.

Nothing in this package may import Django (``tests/geo/test_no_django.py`` checks it), so the
algorithms can be tested, benchmarked and reused by scripts without settings or a database.
"""
