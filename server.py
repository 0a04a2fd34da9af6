"""The server: the page (``app.py``) and the app's own routes (``gradscape.page.routes``).

    streamlit run server.py [--server.port 8501]

``streamlit run`` finds the ``st.App`` below and serves both; ``streamlit run app.py`` serves
the page alone (everything works but the trajectories following a dragged start marker before
its release).
"""
import streamlit as st

from gradscape.page.routes import ROUTES

app = st.App("app.py", routes=ROUTES)
