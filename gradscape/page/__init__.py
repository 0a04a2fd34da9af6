"""The Streamlit page: ``app.py`` is its table of contents; the README's "Architecture" section
says which module holds what. Only this package (and ``gradscape.figures`` for Plotly) imports
streamlit."""
