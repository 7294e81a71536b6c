"""A year of request history for the demo county (see ``wangge.demo.requests``):
what residents ask about (``topics``), how a request comes in (``intake``),
the places, units and clock it lives in (``world``), the steps the real flow
takes (``life``), who does what and how late (``plans``), and the open work
waiting for the demo's showcase logins (``showcase``). No database access:
the caller loads the inputs and writes the rows.
"""
