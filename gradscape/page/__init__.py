"""The Streamlit page: ``app.py`` is its table of contents; the README's "Architecture" section
says which module holds what. Nothing outside this package imports streamlit.

pandas is imported here, whole, before anything of the page: plotly imports it lazily when a
figure is first built, and two sessions whose first runs build figures at once (a class
opening a shared link on a fresh server) raced on that import, one of them getting the
half-initialized module ("partially initialized module 'pandas' has no attribute 'Series'",
an exception on the page). ``scripts/load_class.py`` found it.
"""
import pandas  # noqa: F401
