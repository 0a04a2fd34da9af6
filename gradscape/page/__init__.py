"""The Streamlit page: ``app.py`` is its table of contents; the README's "Architecture" section
says which module holds what. Nothing outside this package imports streamlit."""
